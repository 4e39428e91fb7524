package telegram

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/attache-dev/attache"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// testNow is when the fixtures are read: after their last message.
var testNow = time.Date(2026, 9, 15, 12, 0, 0, 0, time.UTC)

// golden is what a fixture gives: the page as read, and its items.
type golden struct {
	Channel  string         `json:"channel"`
	Title    string         `json:"title"`
	Before   int64          `json:"before"`
	Messages []Message      `json:"messages"`
	Items    []attache.Item `json:"items"`
}

// TestGolden reads each fixture that has a .golden.json beside it and
// compares the page and its items with it. Run with -update to rewrite
// the golden files after a deliberate change, and read the diff.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.golden.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, goldenFile := range files {
		name := strings.TrimSuffix(filepath.Base(goldenFile), ".golden.json")
		t.Run(name, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("testdata", name+".html"))
			if err != nil {
				t.Fatal(err)
			}
			page, err := Read(body, mustURL(t, "https://t.me/s/MID_Russia"))
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			got, err := json.MarshalIndent(golden{page.Channel, page.Title, page.Before, page.Messages, page.Items("mid-russia", "ru", testNow)}, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			if *update {
				if err := os.WriteFile(goldenFile, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(goldenFile)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("got a page that differs from %s (run go test -run TestGolden -update and read the diff):\n%s", goldenFile, got)
			}
		})
	}
}

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
