package rules

import (
	"sort"
	"strings"

	"github.com/attache-dev/attache"
)

// occ is one document word that satisfies a rule word.
type occ struct {
	f          field
	tok        int32
	start, end int // bytes
}

// span is one occurrence of a term: its field, first and last word
// positions, and byte range.
type span struct {
	f           field
	first, last int
	start, end  int
	seq         int32 // -1 for a regex
	regex       int32
}

// scratch is the per-document working memory of a Matcher, reused through a
// pool so that matching allocates little. Stamps (gen) mark what belongs to
// the current document without clearing arrays.
type scratch struct {
	m   *Matcher
	doc *Analyzed
	gen uint32

	wordOcc  [][]occ
	wordSeen []uint32 // gen when the word occurs in the document
	touched  []int32

	candStamp []uint32
	cands     []int32

	regexPass []uint32

	termStamp  []uint32
	termFields []fieldMask
	termSpans  [][]span
}

func newScratch(m *Matcher) *scratch {
	return &scratch{
		m:          m,
		wordOcc:    make([][]occ, len(m.words)),
		wordSeen:   make([]uint32, len(m.words)),
		candStamp:  make([]uint32, len(m.rules)),
		regexPass:  make([]uint32, len(m.regexes)),
		termStamp:  make([]uint32, len(m.terms)),
		termFields: make([]fieldMask, len(m.terms)),
		termSpans:  make([][]span, len(m.terms)),
	}
}

func (s *scratch) reset(a *Analyzed) {
	s.doc = a
	for _, w := range s.touched {
		s.wordOcc[w] = s.wordOcc[w][:0]
	}
	s.touched = s.touched[:0]
	s.cands = s.cands[:0]
	s.gen++
	if s.gen == 0 { // wrapped: old stamps could look current
		clear(s.candStamp)
		clear(s.wordSeen)
		clear(s.regexPass)
		clear(s.termStamp)
		s.gen = 1
	}
}

// wordAt records a rule word found in the document and wakes its rules.
func (s *scratch) wordAt(w int32, f field, tok int32, start, end int) {
	if s.wordSeen[w] != s.gen {
		s.wordSeen[w] = s.gen
		s.touched = append(s.touched, w)
		for _, r := range s.m.byTrigger[w] {
			s.candidate(r)
		}
	}
	s.wordOcc[w] = append(s.wordOcc[w], occ{f: f, tok: tok, start: start, end: end})
}

func (s *scratch) candidate(r int32) {
	if s.candStamp[r] != s.gen {
		s.candStamp[r] = s.gen
		s.cands = append(s.cands, r)
	}
}

// mayOccur is a cheap necessary condition for a term: some document word
// satisfies the first word of one of its sequences, or it is a regex.
func (s *scratch) mayOccur(t int32) bool {
	ct := &s.m.terms[t]
	if ct.regex >= 0 {
		return true
	}
	for _, w := range ct.firstWords {
		if s.wordSeen[w] == s.gen {
			return true
		}
	}
	return false
}

// spans returns the occurrences of a term in the given fields, computing
// each field once per document.
func (s *scratch) spans(t int32, fields fieldMask) []span {
	if s.termStamp[t] != s.gen {
		s.termStamp[t] = s.gen
		s.termFields[t] = 0
		s.termSpans[t] = s.termSpans[t][:0]
	}
	if missing := fields &^ s.termFields[t]; missing != 0 {
		s.termFields[t] |= missing
		s.termSpans[t] = s.computeSpans(t, missing, s.termSpans[t])
	}
	return s.termSpans[t]
}

// computeSpans appends the occurrences of a term in the given fields.
func (s *scratch) computeSpans(t int32, fields fieldMask, out []span) []span {
	ct := &s.m.terms[t]
	if ct.regex >= 0 {
		for f := range numFields {
			if fields.has(f) {
				out = s.regexSpans(ct.regex, f, out)
			}
		}
		return out
	}
	for _, q := range ct.seqs {
		seq := &s.m.seqs[q]
	occurrences:
		for _, o := range s.wordOcc[seq.words[0]] {
			if !fields.has(o.f) {
				continue
			}
			toks := s.doc.fields[o.f].tokens
			first := int(o.tok)
			last := first + len(seq.words) - 1
			if last >= len(toks) || toks[last].pos != toks[first].pos+len(seq.words)-1 {
				continue
			}
			for j := 1; j < len(seq.words); j++ {
				if !s.m.words[seq.words[j]].matches(&toks[first+j], s.doc.fields[o.f].text) {
					continue occurrences
				}
			}
			end := o.end
			if last > first {
				end = toks[last].end
			}
			out = append(out, span{f: o.f, first: toks[first].pos, last: toks[last].pos, start: o.start, end: end, seq: q, regex: -1})
		}
	}
	return out
}

// matches compares a rule word with a document word of a field's text, as
// the index does.
func (w *compiledWord) matches(t *token, text string) bool {
	switch w.Kind {
	case WordStem:
		if w.forms != nil {
			return !t.unspaced && w.forms[t.word]
		}
		return !t.unspaced && w.has[t.stem.stemmer] && w.stems[t.stem.stemmer] == t.stem.stem
	case WordAcronym:
		return !t.unspaced && acronymMatches(w.spellings, text[t.start:t.end])
	case WordExact:
		return t.word == w.Text
	case WordPrefix:
		return len(t.word) >= len(w.Text) && t.word[:len(w.Text)] == w.Text
	case WordSubstring:
		return t.unspaced && strings.Contains(t.word, w.Text)
	}
	return false
}

func (s *scratch) regexSpans(r int32, f field, out []span) []span {
	cr := &s.m.regexes[r]
	if cr.lit != "" && s.regexPass[r] != s.gen {
		return out // its literal is not in the document
	}
	ft := &s.doc.fields[f]
	for _, loc := range cr.re.FindAllStringIndex(ft.text, maxRegexMatches) {
		first, last := tokenRange(ft.tokens, loc[0], loc[1])
		out = append(out, span{f: f, first: first, last: last, start: loc[0], end: loc[1], seq: -1, regex: r})
	}
	return out
}

// tokenRange gives the word positions a byte range covers, for NEAR.
func tokenRange(toks []token, start, end int) (int, int) {
	if len(toks) == 0 {
		return 0, 0
	}
	i := sort.Search(len(toks), func(i int) bool { return toks[i].end > start })
	j := sort.Search(len(toks), func(j int) bool { return toks[j].start >= end }) - 1
	i = min(i, len(toks)-1)
	j = max(j, i)
	return toks[i].pos, toks[j].pos
}

// eval decides whether a compiled node is true for the document.
func (s *scratch) eval(n *cnode) bool {
	switch n.op {
	case opTerm:
		return s.mayOccur(n.term) && hasField(s.spans(n.term, n.fields), n.fields)
	case opNear:
		return s.mayOccur(n.term) && s.mayOccur(n.term2) && s.nearPairs(n, nil)
	case opNotNear:
		return s.mayOccur(n.term) && s.notNear(n, nil)
	case opAnd:
		for i := range n.kids {
			if !s.eval(&n.kids[i]) {
				return false
			}
		}
		return true
	case opOr:
		for i := range n.kids {
			if s.eval(&n.kids[i]) {
				return true
			}
		}
		return false
	case opNot:
		return !s.eval(&n.kids[0])
	}
	return false
}

func hasField(sp []span, fields fieldMask) bool {
	for i := range sp {
		if fields.has(sp[i].f) {
			return true
		}
	}
	return false
}

// nearPairs reports whether the two terms of a NEAR node occur close enough;
// with hits non-nil it adds every span that takes part in such a pair.
func (s *scratch) nearPairs(n *cnode, hits *[]attache.Hit) bool {
	left := s.spans(n.term, n.fields)
	right := s.spans(n.term2, n.fields)
	found := false
	for i := range left {
		l := &left[i]
		if !n.fields.has(l.f) {
			continue
		}
		for j := range right {
			r := &right[j]
			if r.f != l.f || !near(l, r, n.near) {
				continue
			}
			if hits == nil {
				return true
			}
			found = true
			*hits = append(*hits, s.hit(n.term, l), s.hit(n.term2, r))
		}
	}
	return found
}

// notNear reports whether the left term of a NOT NEAR node occurs with no
// occurrence of the right term within its distance (overlapping counts as
// near); with hits non-nil it adds every such occurrence.
func (s *scratch) notNear(n *cnode, hits *[]attache.Hit) bool {
	left := s.spans(n.term, n.fields)
	var right []span
	if s.mayOccur(n.term2) {
		right = s.spans(n.term2, n.fields)
	}
	found := false
	for i := range left {
		l := &left[i]
		if !n.fields.has(l.f) || anyWithin(l, right, n.near) {
			continue
		}
		if hits == nil {
			return true
		}
		found = true
		*hits = append(*hits, s.hit(n.term, l))
	}
	return found
}

// anyWithin reports an occurrence among others in a's field at most n words
// from it, or overlapping it.
func anyWithin(a *span, others []span, n int) bool {
	for j := range others {
		b := &others[j]
		if b.f == a.f && max(b.first-a.last, a.first-b.last) <= n {
			return true
		}
	}
	return false
}

// near reports two distinct occurrences within n words of each other.
func near(a, b *span, n int) bool {
	if a.start == b.start && a.end == b.end {
		return false
	}
	gap := max(b.first-a.last, a.first-b.last)
	return gap <= n
}

// collect adds the hits of every true, non-negated term below n.
func (s *scratch) collect(n *cnode, hits *[]attache.Hit) {
	switch n.op {
	case opTerm:
		for _, sp := range s.spans(n.term, n.fields) {
			if n.fields.has(sp.f) {
				*hits = append(*hits, s.hit(n.term, &sp))
			}
		}
	case opNear:
		s.nearPairs(n, hits)
	case opNotNear:
		s.notNear(n, hits)
	case opAnd, opOr:
		for i := range n.kids {
			if s.eval(&n.kids[i]) {
				s.collect(&n.kids[i], hits)
			}
		}
	}
}

func (s *scratch) hit(t int32, sp *span) attache.Hit {
	text := s.doc.fields[sp.f].text
	h := attache.Hit{Field: fieldNames[sp.f], Text: text[sp.start:sp.end], Start: sp.start, End: sp.end}
	if sp.seq >= 0 {
		h.Term = s.m.seqs[sp.seq].src
	} else {
		h.Term = "/" + s.m.regexes[sp.regex].re.String()[len("(?i)"):] + "/"
	}
	return h
}
