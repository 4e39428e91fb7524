package sitemap

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/attache-dev/attache"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// testNow is when the fixtures are read.
var testNow = time.Date(2026, 9, 15, 12, 0, 0, 0, time.UTC)

// natoNews is the filter the shipped NATO source uses, less follow.
var natoNews = Spec{
	Include: []string{"/en/news-and-events/articles/news/"},
	Exclude: []string{"/en/news-and-events/articles/news/*/*/*/drafts/"},
}

var goldenCases = []struct {
	file, url string
	spec      Spec
}{
	{"urlset.xml", "https://www.nato.example/sitemap-news-2026-09.xml", natoNews},
	{"news.xml", "https://mfa.example/sitemap-news.xml", Spec{}},
	{"index.xml", "https://www.nato.example/sitemap.xml", Spec{Sitemaps: []string{"/sitemap-news-"}, MaxSitemaps: 3}},
}

type golden struct {
	Document *Document      `json:"document"`
	Items    []attache.Item `json:"items"`
}

// TestGolden reads each fixture with its filter and compares the document
// and its items with the .golden.json beside it. Run with -update to
// rewrite the golden files after a deliberate change, and read the diff.
func TestGolden(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.file, func(t *testing.T) {
			doc := readFixture(t, tc.file, tc.url, tc.spec)
			got, err := json.MarshalIndent(golden{doc, doc.Items("nato-news", "", testNow)}, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			goldenFile := filepath.Join("testdata", tc.file+".golden.json")
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
				t.Errorf("got a document that differs from %s (run go test -run TestGolden -update and read the diff):\n%s", goldenFile, got)
			}
		})
	}
}

func readFixture(t *testing.T, file, pageURL string, spec Spec) *Document {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	f, err := spec.Compile()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Read(body, mustURL(t, pageURL), f, Options{})
	if err != nil {
		t.Fatalf("read %s: %v", file, err)
	}
	return doc
}

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
