package rules

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/attache-dev/attache/text"
)

// The benchmarks compare, in the same run, attaché's compiled matcher with
// the way feed readers filter: one precompiled case-insensitive regexp per
// rule, looped over every item. One op is one item. Ratios are reported with
// b.ReportMetric so that a noisy machine cannot fake them:
//
//	x-regexp      regexp-loop ns/item ÷ attache ns/item (same rule count)
//	x-tokenize    attache ns/item ÷ Analyze ns/item (BenchmarkTokenize)
//	growth-vs-10  attache ns/item ÷ attache ns/item with 10 rules

var benchRuleCounts = []int{10, 100, 1000, 10000}

// benchBaselines holds ns/item of the runs that later ones compare with.
var benchBaselines = struct {
	sync.Mutex
	regexp   map[int]float64
	attache  map[int]float64
	tokenize float64
}{regexp: map[int]float64{}, attache: map[int]float64{}}

// benchCorpus is the real corpus in a fixed shuffled order, so that any run
// of items is a fair sample of long and short, English and Russian ones.
var benchCorpus = sync.OnceValue(func() []Document {
	docs := loadCorpus(&testing.B{})
	rand.New(rand.NewPCG(3, 4)).Shuffle(len(docs), func(i, j int) { docs[i], docs[j] = docs[j], docs[i] })
	return docs
})

// benchVocabulary is every word of four letters or more that occurs in
// fewer than 1% of the items, in a fixed order. Alerting rules name specific
// things (places, organisations, people), not words found in every item, so
// rules are drawn from the words items really use, minus the common ones.
func benchVocabulary(docs []Document) []string {
	df := map[string]int{}
	form := map[string]string{}
	for _, d := range docs {
		text := text.Plain(d.Title + " " + d.Summary)
		inDoc := map[string]bool{}
		splitWords(text, func(s, e int, _ bool) {
			w := text[s:e]
			if f := fold(w); len([]rune(w)) >= 4 && !inDoc[f] {
				inDoc[f] = true
				df[f]++
				form[f] = w
			}
		})
	}
	var vocab []string
	for f, n := range df {
		if n*100 < len(docs) {
			vocab = append(vocab, form[f])
		}
	}
	sort.Strings(vocab)
	return vocab
}

// benchRules draws n rules shaped like the shipped ones, "topic AND place":
// two clauses, each any of 2 to 4 terms (a word, sometimes a two-word
// phrase).
func benchRules(n int, vocab []string) [][2][]string {
	rng := rand.New(rand.NewPCG(uint64(n), 7))
	rules := make([][2][]string, n)
	for i := range rules {
		for c := range 2 {
			for range 2 + rng.IntN(3) {
				w := vocab[rng.IntN(len(vocab))]
				if rng.IntN(5) == 0 {
					w += " " + vocab[rng.IntN(len(vocab))]
				}
				rules[i][c] = append(rules[i][c], w)
			}
		}
	}
	return rules
}

func BenchmarkTokenize(b *testing.B) {
	docs := benchCorpus()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Analyze(docs[i%len(docs)])
	}
	ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	b.ReportMetric(1e9/ns, "items/s")
	benchBaselines.Lock()
	benchBaselines.tokenize = ns
	benchBaselines.Unlock()
}

func BenchmarkMatch(b *testing.B) {
	docs := benchCorpus()
	vocab := benchVocabulary(docs)
	for _, n := range benchRuleCounts {
		terms := benchRules(n, vocab)
		b.Run(fmt.Sprintf("rules=%d/engine=regexp-loop", n), func(b *testing.B) {
			// The baseline gets the cheaper form of each rule: one regexp per
			// clause, the second tried only when the first matched.
			res := make([][2]*regexp.Regexp, len(terms))
			for i, clauses := range terms {
				for c, ts := range clauses {
					alts := make([]string, len(ts))
					for j, t := range ts {
						alts[j] = strings.ReplaceAll(regexp.QuoteMeta(t), " ", `\s+`)
					}
					res[i][c] = regexp.MustCompile(`(?i)\b(?:` + strings.Join(alts, "|") + `)\b`)
				}
			}
			texts := make([]string, len(docs))
			for i, d := range docs {
				texts[i] = d.Title + "\n" + d.Summary + "\n" + d.Content
			}
			matches := 0
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				text := texts[i%len(texts)]
				for _, re := range res {
					if re[0].MatchString(text) && re[1].MatchString(text) {
						matches++
					}
				}
			}
			ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			b.ReportMetric(1e9/ns, "items/s")
			b.ReportMetric(float64(matches)/float64(b.N), "matches/item")
			benchBaselines.Lock()
			benchBaselines.regexp[n] = ns
			benchBaselines.Unlock()
		})
		b.Run(fmt.Sprintf("rules=%d/engine=attache", n), func(b *testing.B) {
			rules := make([]Rule, len(terms))
			for i, clauses := range terms {
				var q [2]string
				for c, ts := range clauses {
					quoted := make([]string, len(ts))
					for j, t := range ts {
						quoted[j] = `"` + t + `"`
					}
					q[c] = "(" + strings.Join(quoted, " OR ") + ")"
				}
				rules[i] = Rule{Name: fmt.Sprint(i), Query: q[0] + " AND " + q[1]}
			}
			m, err := Compile(rules, nil)
			if err != nil {
				b.Fatal(err)
			}
			matches := 0
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				matches += len(m.Match(docs[i%len(docs)]))
			}
			ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			b.ReportMetric(1e9/ns, "items/s")
			b.ReportMetric(float64(matches)/float64(b.N), "matches/item")
			benchBaselines.Lock()
			defer benchBaselines.Unlock()
			benchBaselines.attache[n] = ns
			if base := benchBaselines.regexp[n]; base > 0 {
				b.ReportMetric(base/ns, "x-regexp")
			}
			if tok := benchBaselines.tokenize; tok > 0 {
				b.ReportMetric(ns/tok, "x-tokenize")
			}
			if ten := benchBaselines.attache[10]; ten > 0 {
				b.ReportMetric(ns/ten, "growth-vs-10")
			}
		})
	}
}
