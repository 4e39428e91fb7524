package story

import (
	"encoding/csv"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/attache-dev/attache/rules"
)

// The benchmarks compare, in the same run, the cost of the story stage per
// alerted item with the cost of the rules matcher per item (the shipped
// rules and lists of testdata/rules.yaml, matched against the same fixture
// items). One op is one item. Ratios, with b.ReportMetric:
//
//	x-matcher   story ns/item ÷ matcher ns/item
//
// BenchmarkStory/window=fixture assigns the fixture's items in publication
// order into an index that holds the fixture's own window; /window=news-N
// first fills the window with N real news items (AG's news corpus, read
// from ../shared/corpus when present), as open stories that an item must
// be told apart from.

var benchMatcherNs struct {
	sync.Mutex
	ns float64
}

func BenchmarkMatcher(b *testing.B) {
	fr, m := loadRules(b)
	items := loadFixture(b, "tune")
	items = append(items, loadFixture(b, "heldout")...)
	docs := make([]rules.Document, len(items))
	for i, it := range items {
		docs[i] = rules.Document{Title: it.Title, Summary: it.Text, Lang: it.Lang,
			Scopes: append([]string{it.Source}, fr.Sources[it.Source]...)}
	}
	b.ResetTimer()
	matches := 0
	for i := 0; i < b.N; i++ {
		matches += len(m.Match(docs[i%len(docs)]))
	}
	ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	b.ReportMetric(1e9/ns, "items/s")
	b.ReportMetric(float64(matches)/float64(b.N), "matches/item")
	benchMatcherNs.Lock()
	benchMatcherNs.ns = ns
	benchMatcherNs.Unlock()
}

// newsItems reads up to n items of AG's news corpus as English items
// published over the window before start, or nil when the corpus is absent.
func newsItems(tb testing.TB, n int, start time.Time, window time.Duration) []Item {
	f, err := os.Open("../../shared/corpus/news/ag_news_test.csv")
	if err != nil {
		return nil
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	var out []Item
	for i, r := range rows {
		if len(out) == n {
			break
		}
		if len(r) < 3 {
			continue
		}
		out = append(out, Item{ID: fmt.Sprint("news", i), Source: "news", Title: r[1], Text: r[2], Lang: "en",
			Published: start.Add(-window + time.Duration(i)*window/time.Duration(n+1))})
	}
	return out
}

func BenchmarkStory(b *testing.B) {
	_, in := fixtureItems(b, "tune", "heldout")
	start := in[len(in)-1].Published
	for _, background := range []int{0, 1000, 5000} {
		name := "window=fixture"
		var news []Item
		if background > 0 {
			news = newsItems(b, background, start, 47*time.Hour)
			if news == nil {
				b.Logf("../shared/corpus absent: no news background")
				continue
			}
			name = fmt.Sprintf("window=news-%d", background)
		}
		for _, stage := range []string{"sign+assign", "assign"} {
			b.Run(name+"/"+stage, func(b *testing.B) {
				x := NewIndex(Config{})
				for _, it := range news {
					x.Assign(it)
				}
				b.ReportMetric(float64(x.Len()), "background-stories")
				sigs := make([]Signature, len(in))
				for i := range in {
					sigs[i] = Sign(in[i])
				}
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					// Each op is a new item: the fixture again and again, a
					// minute apart, all within the background's window, so
					// later laps meet the stories of earlier ones.
					k, lap := i%len(in), i/len(in)
					it := in[k]
					it.ID = fmt.Sprint(it.ID, "/", lap)
					it.Published = start.Add(time.Duration(k) * time.Minute)
					if stage == "assign" {
						sig := sigs[k]
						sig.Item, sig.Published = it.ID, it.Published
						x.AssignSigned(it, &sig)
					} else {
						x.Assign(it)
					}
				}
				ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
				b.ReportMetric(1e9/ns, "items/s")
				benchMatcherNs.Lock()
				defer benchMatcherNs.Unlock()
				if m := benchMatcherNs.ns; m > 0 {
					b.ReportMetric(ns/m, "x-matcher")
				}
			})
		}
	}
}

func BenchmarkSign(b *testing.B) {
	_, in := fixtureItems(b, "tune", "heldout")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Sign(in[i%len(in)])
	}
	ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	b.ReportMetric(1e9/ns, "items/s")
	benchMatcherNs.Lock()
	defer benchMatcherNs.Unlock()
	if m := benchMatcherNs.ns; m > 0 {
		b.ReportMetric(ns/m, "x-matcher")
	}
}
