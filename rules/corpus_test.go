package rules

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"testing"

	"github.com/attache-dev/attache/internal/corpus"
	"golang.org/x/net/html/charset"
)

// loadCorpus reads the real items of the corpus into documents: the Kremlin
// Atom feed, the Kremlin speech titles and two Russian RSS feeds.
func loadCorpus(tb testing.TB) []Document {
	tb.Helper()
	var docs []Document
	var atom struct {
		Entries []struct {
			Title   string `xml:"title"`
			Summary string `xml:"summary"`
			Content string `xml:"content"`
		} `xml:"entry"`
	}
	decodeXML(tb, corpus.Path(tb, "feeds/kremlin-en-all-2018-01-07.atom.xml"), &atom)
	for _, e := range atom.Entries {
		docs = append(docs, Document{Title: e.Title, Summary: e.Summary, Content: e.Content, Lang: "en"})
	}
	for _, name := range []string{"ibash-ru-windows-1251.rss.xml", "sample-ru-koi8r.rss.xml"} {
		var rss struct {
			Items []struct {
				Title       string `xml:"title"`
				Description string `xml:"description"`
			} `xml:"channel>item"`
		}
		decodeXML(tb, corpus.Path(tb, "feeds/"+name), &rss)
		for _, it := range rss.Items {
			docs = append(docs, Document{Title: it.Title, Summary: it.Description, Lang: "ru"})
		}
	}
	files, err := filepath.Glob(filepath.Join(corpus.Path(tb, "news/kremlin_speeches"), "[12]*.json"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no speeches: %v", err)
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		var speeches []struct {
			T string `json:"t"`
			S string `json:"s"`
		}
		if err := json.Unmarshal(raw, &speeches); err != nil {
			tb.Fatalf("%s: %v", f, err)
		}
		for _, s := range speeches {
			docs = append(docs, Document{Title: s.T, Summary: s.S, Lang: "en"})
		}
	}
	return docs
}

func decodeXML(tb testing.TB, path string, v any) {
	tb.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	dec := xml.NewDecoder(bytes.NewReader(raw))
	dec.CharsetReader = charset.NewReaderLabel
	if err := dec.Decode(v); err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
}

func TestCorpusLoads(t *testing.T) {
	docs := loadCorpus(t)
	ru := 0
	for _, d := range docs {
		if d.Lang == "ru" && scriptOf(fold(d.Title+d.Summary)) == scriptCyrillic {
			ru++
		}
	}
	if len(docs) < 1400 || ru < 40 {
		t.Fatalf("%d documents, %d in Russian", len(docs), ru)
	}
}
