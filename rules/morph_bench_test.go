package rules

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// BenchmarkRussianForms compares, in the same run, matching with Russian
// query words expanded into their dictionary forms (forms, what attaché
// does) with the Snowball stemming it replaced (snowball: Cyrillic words of
// queries and items stemmed). Rules are drawn as in BenchmarkMatch; on
// items=ru, from the Russian items' own words, over the Russian items only.
// One op is one item matched by both engines, text analysis included.
//
//	x-snowball  forms time ÷ snowball time (same rules and items)
func BenchmarkRussianForms(b *testing.B) {
	all := benchCorpus()
	var ru []Document
	for _, d := range all {
		if d.Lang == "ru" && scriptOf(fold(d.Title+d.Summary)) == scriptCyrillic {
			ru = append(ru, d)
		}
	}
	vocab := benchVocabulary(all)
	var ruVocab []string
	for _, w := range vocab {
		if scriptOf(fold(w)) == scriptCyrillic {
			ruVocab = append(ruVocab, w)
		}
	}
	sets := []struct {
		name  string
		docs  []Document
		vocab []string
	}{{"all", all, vocab}, {"ru", ru, ruVocab}}
	for _, set := range sets {
		for _, n := range []int{100, 1000} {
			rules := benchRuleSet(n, set.vocab)
			b.Run(fmt.Sprintf("items=%s/rules=%d", set.name, n), func(b *testing.B) {
				cyrillicStemmer = stemRussian
				snowball, err := Compile(rules, nil)
				cyrillicStemmer = stemNone
				if err != nil {
					b.Fatal(err)
				}
				forms, err := Compile(rules, nil)
				if err != nil {
					b.Fatal(err)
				}
				// Both engines take each item in turn, in alternating order,
				// so that a busy machine slows both alike.
				var took [2]time.Duration
				var matches [2]int
				run := func(e int, d Document) {
					m := forms
					if e == 0 {
						cyrillicStemmer, m = stemRussian, snowball
					}
					start := time.Now()
					matches[e] += len(m.Match(d))
					took[e] += time.Since(start)
					cyrillicStemmer = stemNone
				}
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					d := set.docs[i%len(set.docs)]
					run(i%2, d)
					run(1-i%2, d)
				}
				b.ReportMetric(float64(took[1].Nanoseconds())/float64(b.N), "forms-ns/item")
				b.ReportMetric(float64(took[0].Nanoseconds())/float64(b.N), "snowball-ns/item")
				b.ReportMetric(float64(took[1])/float64(took[0]), "x-snowball")
				b.ReportMetric(float64(matches[1])/float64(b.N), "matches/item")
			})
		}
	}
}

// benchRuleSet is benchRules written as queries.
func benchRuleSet(n int, vocab []string) []Rule {
	terms := benchRules(n, vocab)
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
	return rules
}
