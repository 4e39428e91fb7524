package telegram

import (
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzRead feeds Read arbitrary pages: it must never panic, must fail only
// with its two error kinds, and what it returns must keep the promises
// that the watcher relies on: messages oldest first, items with distinct
// keys, a story, a UTC date, valid UTF-8, and only http(s) links.
func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.html")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`<div class="tgme_widget_message" data-post="a/1"><div class="tgme_widget_message_bubble"><div class="tgme_widget_message_text">x</div></div></div>`))
	page, _ := url.Parse("https://t.me/s/chan")
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := Read(body, page)
		if err != nil {
			if !errors.Is(err, ErrPreviewUnavailable) && !errors.Is(err, ErrNotAPreview) {
				t.Fatalf("got an error of no known kind: %v", err)
			}
			return
		}
		for i := 1; i < len(p.Messages); i++ {
			if p.Messages[i-1].ID > p.Messages[i].ID {
				t.Fatalf("messages out of order: %d before %d", p.Messages[i-1].ID, p.Messages[i].ID)
			}
		}
		keys := map[string]bool{}
		for _, it := range p.Items("f", "", testNow) {
			if it.Key == "" || keys[it.Key] || it.Story == "" {
				t.Fatalf("bad identity: key %q (seen %v), story %q", it.Key, keys[it.Key], it.Story)
			}
			keys[it.Key] = true
			if it.Published.Location().String() != "UTC" || it.Published.After(testNow.Add(24*60*60*1e9)) {
				t.Fatalf("bad date %v", it.Published)
			}
			for _, s := range []string{it.Title, it.Summary, it.Content, it.Author} {
				if !utf8.ValidString(s) {
					t.Fatalf("invalid UTF-8 in %q", s)
				}
			}
			if it.Link != "" && !strings.HasPrefix(it.Link, "https://") && !strings.HasPrefix(it.Link, "http://") {
				t.Fatalf("link %q is not http(s)", it.Link)
			}
		}
		if next, ok := p.Older(testNow); ok && next.Host != page.Host {
			t.Fatalf("paging left the host: %s", next)
		}
	})
}
