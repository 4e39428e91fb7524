package rumorph

import (
	"bytes"
	"testing"
)

func BenchmarkRead(b *testing.B) {
	for b.Loop() {
		if _, err := read(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
