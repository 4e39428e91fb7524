package rules

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkRussianForms compares, in the same run, matching with Russian
// query words expanded into their dictionary forms (engine=forms, what
// attaché does) with the Snowball stemming it replaced (engine=snowball,
// Cyrillic words of queries and documents stemmed). Rules are drawn as in
// BenchmarkMatch; on items=ru, from the Russian items' own words, over the
// Russian items only. One op is one item.
//
//	x-snowball  forms ns/item ÷ snowball ns/item (same rules and items)
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
			var snowball float64
			for _, engine := range []string{"snowball", "forms"} {
				b.Run(fmt.Sprintf("items=%s/rules=%d/engine=%s", set.name, n, engine), func(b *testing.B) {
					if engine == "snowball" {
						cyrillicStemmer = stemRussian
						defer func() { cyrillicStemmer = stemNone }()
					}
					m, err := Compile(rules, nil)
					if err != nil {
						b.Fatal(err)
					}
					matches := 0
					b.ResetTimer()
					for i := 0; i < b.N; i++ {
						matches += len(m.Match(set.docs[i%len(set.docs)]))
					}
					ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
					b.ReportMetric(1e9/ns, "items/s")
					b.ReportMetric(float64(matches)/float64(b.N), "matches/item")
					if engine == "snowball" {
						snowball = ns
					} else if snowball > 0 {
						b.ReportMetric(ns/snowball, "x-snowball")
					}
				})
			}
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
