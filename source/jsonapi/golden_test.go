package jsonapi

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

// kzSpec reads the Kazakh government portal's news API as public
// configurations of 2025-26 read it: {"content": [{id, title,
// created_date, short_description, body}]}, the language chosen by
// Accept-Language, each item's page at .../press/news/details/{id}.
var kzSpec = Spec{
	Items:      "$.content[*]",
	ID:         "id",
	Title:      "title",
	Link:       "https://www.gov.kz/memleket/entities/mfa/press/news/details/{id}?lang=ru",
	Date:       "created_date",
	Summary:    "short_description",
	Content:    "body",
	Categories: "$.tags[*].name",
	Headers:    map[string]string{"Accept-Language": "ru"},
	Query:      map[string]string{"projects": "eq:mfa", "sort-by": "created_date:DESC", "size": "20"},
}

var nestedSpec = Spec{
	Items:      "$.data.sections[*].news[*]",
	ID:         "uid",
	Title:      "headline.en",
	Link:       "url",
	Date:       "published",
	Content:    "body",
	Author:     "authors",
	Categories: "$.tags[*].name",
}

var goldenCases = []struct {
	file, url string
	spec      Spec
}{
	{"kz_news.json", "https://www.gov.kz/api/v1/public/content-manager/news?projects=eq:mfa", kzSpec},
	{"nested.json", "https://mfa.example/api/news", nestedSpec},
}

type golden struct {
	Document *Document      `json:"document"`
	Items    []attache.Item `json:"items"`
}

// TestGolden reads each fixture with its settings and compares the
// records and items with the .golden.json beside it. Run with -update to
// rewrite the golden files after a deliberate change, and read the diff.
func TestGolden(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.file, func(t *testing.T) {
			doc, err := readFixture(t, tc.file, tc.url, tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.MarshalIndent(golden{doc, doc.Items("json-source", "", testNow)}, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			goldenFile := filepath.Join("testdata", tc.file+".golden")
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
				t.Errorf("got records that differ from %s (run go test -run TestGolden -update and read the diff):\n%s", goldenFile, got)
			}
		})
	}
}

func readFixture(t *testing.T, file, pageURL string, spec Spec) (*Document, error) {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	c, err := spec.Compile()
	if err != nil {
		t.Fatal(err)
	}
	return Read(body, mustURL(t, pageURL), c)
}

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
