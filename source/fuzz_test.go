package source

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/internal/corpus"
)

// walkFiles lists the files under root with the given extension; a missing
// root gives none.
func walkFiles(tb testing.TB, root, ext string) []string {
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ext) {
			out = append(out, p)
		}
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		tb.Fatal(err)
	}
	return out
}

// FuzzParseFeed feeds arbitrary bytes, with and without an HTTP charset,
// through the parse and normalise steps: they must never panic, must fail
// only as a parse error or not-a-feed, and must give items with distinct
// keys and valid UTF-8 text.
func FuzzParseFeed(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.*"))
	if err != nil {
		f.Fatal(err)
	}
	// The corpus's feeds, the feedparser corpus and gofeed's own feeds:
	// thousands of well- and ill-formed documents to start from.
	if dir := corpus.Dir(); dir != "" {
		shared, err := filepath.Glob(filepath.Join(dir, "feeds", "*.xml"))
		if err != nil {
			f.Fatal(err)
		}
		files = append(files, shared...)
		files = append(files, walkFiles(f, filepath.Join(dir, "feedparser"), ".xml")...)
	}
	if out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/mmcdole/gofeed").Output(); err == nil {
		files = append(files, walkFiles(f, filepath.Join(strings.TrimSpace(string(out)), "testdata"), ".xml")...)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, "")
		if len(files) < 100 || strings.Contains(name, "charset") || strings.Contains(name, "encoding") {
			f.Add(b, "text/xml; charset=windows-1251")
		}
	}
	for _, s := range []string{
		"", "<", "<rss", "{}", `{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"1"},{"id":"1"}]}`,
		`<rss><channel><item><guid>x</guid></item><item><guid>x</guid></item><item><guid>x#2</guid></item></channel></rss>`,
		"\xff\xfe<\x00r\x00s\x00s\x00/\x00>\x00",
		`<?xml version="1.0" encoding="utf-16"?><rss/>`,
		`<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="../x#y"/></entry></feed>`,
	} {
		f.Add([]byte(s), "")
	}
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		items, err := ParseItems(&Response{Body: body, ContentType: contentType, URL: "https://example.org/feed"}, attache.Feed{Name: "fuzz"}, testNow)
		if err != nil {
			if !errors.Is(err, ErrParse) && !errors.Is(err, ErrNotAFeed) {
				t.Fatalf("got error %v, want a parse error or not-a-feed", err)
			}
			return
		}
		keys := make(map[string]bool, len(items))
		for _, it := range items {
			if it.Key == "" || keys[it.Key] {
				t.Fatalf("got empty or repeated key %q", it.Key)
			}
			keys[it.Key] = true
			for _, s := range append([]string{it.Title, it.Summary, it.Content, it.Author, it.Link, it.Key, it.Story}, it.Categories...) {
				if !utf8.ValidString(s) {
					t.Fatalf("got invalid UTF-8 %q", s)
				}
			}
			if it.Published.Location().String() != "UTC" || it.Published.IsZero() {
				t.Fatalf("got published %v, want a UTC time", it.Published)
			}
		}
	})
}
