// Package corpus finds the third-party material that tests read in place:
// the folder shared/corpus beside the module's folder, laid out as its
// SOURCES.md describes (feeds/, news/, pages/, feedparser/, ...). Such
// material is not copied into the repository; a test that needs it skips
// when it is absent.
package corpus

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// dir is the corpus folder, found once, or "" when there is none.
var dir = sync.OnceValue(func() string {
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			c := filepath.Join(filepath.Dir(d), "shared", "corpus")
			if info, err := os.Stat(c); err == nil && info.IsDir() {
				return c
			}
			return ""
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
})

// Dir returns the corpus folder, or "" when it is absent.
func Dir() string { return dir() }

// Path returns the path of rel (slash-separated, such as
// "feeds/sample-ru-koi8r.rss.xml") inside the corpus, and skips tb when the
// corpus or that file is absent.
func Path(tb testing.TB, rel string) string {
	tb.Helper()
	d := dir()
	if d == "" {
		tb.Skipf("skipped: the corpus (shared/corpus beside the module) is absent; %s is read from it", rel)
	}
	p := filepath.Join(d, filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("skipped: %s is not in the corpus: %v", rel, err)
	}
	return p
}

// Read reads rel from the corpus, skipping tb when it is absent.
func Read(tb testing.TB, rel string) []byte {
	tb.Helper()
	b, err := os.ReadFile(Path(tb, rel))
	if err != nil {
		tb.Fatalf("read the corpus: %v", err)
	}
	return b
}
