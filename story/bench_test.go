package story

import (
	"encoding/csv"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/attache-dev/attache/rules"
)

// The benchmarks compare the cost of the story stage per alerted item with
// the cost of the rules matcher per item: the rules and lists of
// testdata/rules.yaml (the shipped ones, with Chinese entries), matched
// against the same fixture items. The two are timed alternately within one
// loop, item by item, so that a busy machine slows both alike. One op is one
// item. Reported with b.ReportMetric:
//
//	x-matcher   story stage ns/item ÷ matcher ns/item, both timed in the loop
//	items/s     story stage items per second
//
// window=fixture: the fixture's items, assigned in publication order again
// and again (each lap a minute apart per item, new ids), so later laps meet
// the stories of earlier ones. window=news-N: the same after filling the
// window with N real news items (AG's news corpus, read from ../shared/corpus
// when present) as open stories that each item must be told apart from.
// sign: Sign alone; assign: Assign of a signed item; sign+assign: both,
// what the watcher's story stage costs.

func BenchmarkStory(b *testing.B) {
	fr, m := loadRules(b)
	fs, in := fixtureItems(b, "tune", "heldout")
	docs := make([]rules.Document, len(fs))
	for i, it := range fs {
		docs[i] = rules.Document{Title: it.Title, Summary: it.Text, Lang: it.Lang,
			Scopes: append([]string{it.Source}, fr.Sources[it.Source]...)}
	}
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
		for _, stage := range []string{"sign", "assign", "sign+assign"} {
			b.Run(name+"/"+stage, func(b *testing.B) {
				x := NewIndex(Config{})
				for _, it := range news {
					x.Assign(it)
				}
				open := x.Len()
				sigs := make([]Signature, len(in))
				for i := range in {
					sigs[i] = Sign(in[i])
				}
				var matcherNs, storyNs time.Duration
				matches := 0
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					k, lap := i%len(in), i/len(in)
					it := in[k]
					it.ID = fmt.Sprint(it.ID, "/", lap)
					it.Published = start.Add(time.Duration(k) * time.Minute)
					t0 := time.Now()
					matches += len(m.Match(docs[k]))
					t1 := time.Now()
					switch stage {
					case "sign":
						Sign(it)
					case "assign":
						sig := sigs[k]
						sig.Item, sig.Published = it.ID, it.Published
						x.AssignSigned(it, &sig)
					default:
						x.Assign(it)
					}
					t2 := time.Now()
					matcherNs += t1.Sub(t0)
					storyNs += t2.Sub(t1)
				}
				b.ReportMetric(float64(storyNs.Nanoseconds())/float64(matcherNs.Nanoseconds()), "x-matcher")
				b.ReportMetric(1e9*float64(b.N)/float64(storyNs.Nanoseconds()), "items/s")
				b.ReportMetric(float64(open), "background-stories")
			})
		}
	}
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
