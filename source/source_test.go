package source

import (
	"context"
	"errors"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attache-dev/attache"
)

func TestLocalSources(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "kremlin feed.xml")
	if err := os.WriteFile(path, readTestdata(t, "kremlin-en-all-2018-01-07.atom.xml"), 0o600); err != nil {
		t.Fatal(err)
	}
	fileURL := (&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}).String()
	for _, tt := range []struct{ name, source string }{
		{"a file:// URL is read from disk", fileURL},
		{"a plain path is read from disk", path},
		{"a relative path is read from disk", relative(t, path)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, err := newTestFetcher(Options{}).Items(context.Background(), attache.Feed{URL: tt.source}, Conditional{ETag: `"x"`}, testNow)
			if err != nil {
				t.Fatalf("items: %v", err)
			}
			if len(res.Items) != 20 || res.Items[0].Title != "Christmas greetings" {
				t.Errorf("got %d items, want 20 starting with Christmas greetings", len(res.Items))
			}
			if res.NotModified {
				t.Error("got NotModified for a file, which has no conditional GET")
			}
			if !strings.HasPrefix(res.FinalURL, "file://") {
				t.Errorf("got final URL %q, want a file:// URL", res.FinalURL)
			}
			if res.Items[0].Feed != tt.source {
				t.Errorf("got feed name %q, want the source as given, %q", res.Items[0].Feed, tt.source)
			}
		})
	}
	t.Run("a file over the limit is refused", func(t *testing.T) {
		_, err := newTestFetcher(Options{MaxBody: 1024}).Fetch(context.Background(), path, Conditional{})
		if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "1KiB") {
			t.Errorf("got error %v, want ErrTooLarge naming 1KiB", err)
		}
	})
	t.Run("a missing file is an error that says so", func(t *testing.T) {
		_, err := newTestFetcher(Options{}).Fetch(context.Background(), filepath.Join(dir, "nope.xml"), Conditional{})
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("got error %v, want fs.ErrNotExist", err)
		}
	})
	t.Run("a directory is not read", func(t *testing.T) {
		_, err := newTestFetcher(Options{}).Fetch(context.Background(), dir, Conditional{})
		if err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("got error %v, want not a regular file", err)
		}
	})
	t.Run("a file URL on another host is refused", func(t *testing.T) {
		_, err := newTestFetcher(Options{}).Fetch(context.Background(), "file://server.example/feeds/x.xml", Conditional{})
		if err == nil || !strings.Contains(err.Error(), "only local files") {
			t.Errorf("got error %v, want a refusal of remote file URLs", err)
		}
	})
	t.Run("an unsupported scheme is refused", func(t *testing.T) {
		_, err := newTestFetcher(Options{}).Fetch(context.Background(), "ftp://example.org/feed.xml", Conditional{})
		if err == nil || !strings.Contains(err.Error(), `unsupported scheme "ftp"`) {
			t.Errorf("got error %v, want unsupported scheme", err)
		}
	})
}

// relative is path relative to the working folder.
func relative(t *testing.T, path string) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(wd, path)
	if err != nil {
		t.Fatal(err)
	}
	return rel
}
