package sitemap

import (
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzRead feeds Read arbitrary bodies, plain and gzip: it must never
// panic, must fail only with its own errors, keep its bounds, and give
// items with a key, a story, a UTC date, valid UTF-8 and http(s) links.
func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob("testdata/*")
	for _, file := range files {
		if strings.HasSuffix(file, ".json") {
			continue
		}
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	base, _ := url.Parse("https://www.nato.example/sitemap.xml")
	filter, err := natoNews.Compile()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		doc, err := Read(body, base, filter, Options{MaxURLs: 100, MaxBytes: 1 << 20})
		if err != nil {
			if !errors.Is(err, ErrNotASitemap) && !errors.Is(err, ErrParse) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("got an error of no known kind: %v", err)
			}
			return
		}
		if len(doc.URLs) > 100 || len(doc.Sitemaps) > DefaultMaxSitemaps {
			t.Fatalf("bounds passed: %d urls, %d sitemaps", len(doc.URLs), len(doc.Sitemaps))
		}
		for _, p := range doc.URLs {
			if !filter.Keep(mustURL(t, p.Loc)) {
				t.Fatalf("kept %q, which the filter refuses", p.Loc)
			}
		}
		keys := map[string]bool{}
		for _, it := range doc.Items("f", "", testNow) {
			if it.Key == "" || keys[it.Key] || it.Story == "" {
				t.Fatalf("bad identity: key %q, story %q", it.Key, it.Story)
			}
			keys[it.Key] = true
			if it.Published.Location().String() != "UTC" {
				t.Fatalf("date %v is not UTC", it.Published)
			}
			if !utf8.ValidString(it.Title) || !utf8.ValidString(it.Author) {
				t.Fatalf("invalid UTF-8 in %q", it.Title)
			}
			if !strings.HasPrefix(it.Link, "https://") && !strings.HasPrefix(it.Link, "http://") {
				t.Fatalf("link %q is not http(s)", it.Link)
			}
		}
	})
}
