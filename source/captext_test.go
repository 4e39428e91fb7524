package source

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/attache-dev/attache"
)

// TestCapTextCutsEachFieldAtACharacter: a field longer than max_text is
// cut to at most max bytes, at a character boundary, and shorter fields
// are left alone.
func TestCapTextCutsEachFieldAtACharacter(t *testing.T) {
	long := strings.Repeat("НАТО ", 100) // 9 bytes a word: the cut falls inside a letter
	it := attache.Item{Title: "short", Summary: long, Content: long + long}
	capText(&it, 100)
	for name, s := range map[string]string{"summary": it.Summary, "content": it.Content} {
		if len(s) > 100 || len(s) < 96 || !utf8.ValidString(s) {
			t.Errorf("%s cut to %d bytes, valid UTF-8 %v; want at most 100 bytes, whole characters", name, len(s), utf8.ValidString(s))
		}
	}
	if it.Title != "short" {
		t.Errorf("title %q changed", it.Title)
	}
}
