package rules

import (
	"slices"
	"sort"
	"strings"

	"github.com/attache-dev/attache"
)

// maxHitsPerRule bounds the hits reported for one rule and document: enough
// to highlight, not enough to bloat an alert.
const maxHitsPerRule = 32

// maxRegexMatches bounds how many matches of one regex in one field are kept.
const maxRegexMatches = 64

// Match analyses a document and returns each rule that matches it, in the
// order the rules were given, with the hits that explain it.
func (m *Matcher) Match(d Document) []attache.Match {
	return m.MatchAnalyzed(Analyze(d))
}

// MatchAnalyzed matches an already analysed document.
func (m *Matcher) MatchAnalyzed(a *Analyzed) []attache.Match {
	s := m.pool.Get().(*scratch)
	defer m.pool.Put(s)
	s.reset(a)

	s.findWords()
	if len(m.regexes) > 0 {
		s.prefilterRegexes()
	}
	for _, r := range m.always {
		s.candidate(r)
	}
	slices.Sort(s.cands)

	var out []attache.Match
	for _, r := range s.cands {
		rule := &m.rules[r]
		if rule.scopes != nil && !inScope(rule.scopes, a.scopes) {
			continue
		}
		if !s.eval(&rule.root) {
			continue
		}
		var hits []attache.Hit
		s.collect(&rule.root, &hits)
		out = append(out, attache.Match{Rule: rule.name, Hits: tidyHits(hits)})
	}
	return out
}

func inScope(rule map[string]bool, doc []string) bool {
	for _, s := range doc {
		if rule[s] {
			return true
		}
	}
	return false
}

// findWords looks every word of the document up in the index.
func (s *scratch) findWords() {
	m := s.m
	for f := range numFields {
		toks, text := s.doc.fields[f].tokens, s.doc.fields[f].text
		for i := range toks {
			t := &toks[i]
			if t.unspaced {
				s.findSubstrings(field(f), int32(i), t)
				continue
			}
			for _, w := range m.byStem[t.stem] {
				s.wordAt(w, field(f), int32(i), t.start, t.end)
			}
			for _, w := range m.byExact[t.word] {
				if cw := &m.words[w]; cw.Kind == WordAcronym && !acronymMatches(cw.spellings, text[t.start:t.end]) {
					continue
				}
				s.wordAt(w, field(f), int32(i), t.start, t.end)
			}
			for _, n := range m.prefixLen {
				if n > len(t.word) {
					break
				}
				for _, w := range m.byPrefix[t.word[:n]] {
					s.wordAt(w, field(f), int32(i), t.start, t.end)
				}
			}
		}
	}
}

// findSubstrings finds words of unspaced scripts inside a document word.
func (s *scratch) findSubstrings(f field, i int32, t *token) {
	// Offsets inside the word hold only when folding kept its length.
	exact := len(t.word) == t.end-t.start
	for j, r := range t.word {
		for _, w := range s.m.bySubstr[r] {
			text := s.m.words[w].Text
			if !strings.HasPrefix(t.word[j:], text) {
				continue
			}
			start, end := t.start, t.end
			if exact {
				start, end = t.start+j, t.start+j+len(text)
			}
			s.wordAt(w, f, i, start, end)
		}
	}
}

// prefilterRegexes marks the regexes whose required literal occurs in the
// document; the others cannot match and are never run.
func (s *scratch) prefilterRegexes() {
	m := s.m
	for f := range numFields {
		text := s.doc.fields[f].text
		if text == "" {
			continue
		}
		low := foldForPrefilter(text)
		for i := 0; i+minLiteral <= len(low); i++ {
			if !m.litFirst[low[i]] {
				continue
			}
			for _, r := range m.regexByLit[[minLiteral]byte([]byte(low[i:i+minLiteral]))] {
				if s.regexPass[r] != s.gen && strings.HasPrefix(low[i:], m.regexes[r].lit) {
					s.regexPass[r] = s.gen
					for _, rule := range m.byTrigger[len(m.words)+int(r)] {
						s.candidate(rule)
					}
				}
			}
		}
	}
}

// tidyHits orders hits by field and position, drops repeats and bounds them.
func tidyHits(h []attache.Hit) []attache.Hit {
	sort.SliceStable(h, func(i, j int) bool {
		if h[i].Field != h[j].Field {
			return fieldRank(h[i].Field) < fieldRank(h[j].Field)
		}
		if h[i].Start != h[j].Start {
			return h[i].Start < h[j].Start
		}
		return h[i].End < h[j].End
	})
	out := h[:0]
	for _, x := range h {
		if n := len(out); n > 0 && x.Field == out[n-1].Field && x.Start == out[n-1].Start && x.End == out[n-1].End {
			continue
		}
		out = append(out, x)
		if len(out) == maxHitsPerRule {
			break
		}
	}
	return out
}

func fieldRank(name string) int {
	for i, n := range fieldNames {
		if n == name {
			return i
		}
	}
	return len(fieldNames)
}
