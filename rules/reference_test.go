package rules

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/attache-dev/attache/rules/internal/rumorph"
)

// The reference evaluator walks one rule's syntax tree over one document,
// scanning every word of every field: no index, no triggers, no caches. The
// compiled matcher must agree with it on every rule and document.

type refEvaluator struct {
	lists map[string][]string
	doc   *Analyzed
	latin stemmer
}

func (r *refEvaluator) eval(n Node, fields fieldMask) bool {
	switch n := n.(type) {
	case *And:
		for _, k := range n.Kids {
			if !r.eval(k, fields) {
				return false
			}
		}
		return true
	case *Or:
		for _, k := range n.Kids {
			if r.eval(k, fields) {
				return true
			}
		}
		return false
	case *Not:
		return !r.eval(n.Kid, fields)
	case *FieldScope:
		for f, name := range fieldNames {
			if name == n.Field {
				return r.eval(n.Kid, 1<<f)
			}
		}
		panic("unknown field " + n.Field)
	case *Term:
		return len(r.occurrences(n, fields)) > 0
	case *Near:
		left, right := r.occurrences(n.Left, fields), r.occurrences(n.Right, fields)
		for _, a := range left {
			for _, b := range right {
				if a.f != b.f || a.start == b.start && a.end == b.end {
					continue
				}
				if max(b.first-a.last, a.first-b.last) <= n.N {
					return true
				}
			}
		}
		return false
	case *NotNear:
		right := r.occurrences(n.Right, fields)
	left:
		for _, a := range r.occurrences(n.Left, fields) {
			for _, b := range right {
				if a.f == b.f && max(b.first-a.last, a.first-b.last) <= n.N {
					continue left
				}
			}
			return true
		}
		return false
	}
	panic(fmt.Sprintf("unknown node %T", n))
}

func (r *refEvaluator) occurrences(t *Term, fields fieldMask) []span {
	var out []span
	for f := range numFields {
		if !fields.has(f) {
			continue
		}
		ft := &r.doc.fields[f]
		switch t.Kind {
		case TermRegex:
			for _, loc := range t.Regex.FindAllStringIndex(ft.text, -1) {
				first, last := tokenRange(ft.tokens, loc[0], loc[1])
				out = append(out, span{f: f, first: first, last: last, start: loc[0], end: loc[1]})
			}
		case TermList:
			for _, entry := range r.lists[t.List] {
				words, err := parseListEntry(entry)
				if err != nil {
					panic(err)
				}
				out = append(out, r.sequence(words, f)...)
			}
		default:
			out = append(out, r.sequence(t.Words, f)...)
		}
	}
	return out
}

// sequence finds the words consecutively in field f, including every
// occurrence of an unspaced word inside a document word.
func (r *refEvaluator) sequence(words []Word, f field) []span {
	toks := r.doc.fields[f].tokens
	var out []span
	for i := range toks {
		if i+len(words) > len(toks) {
			break
		}
		ok := true
		for j, w := range words {
			if toks[i+j].pos != toks[i].pos+j || !r.wordMatches(w, toks[i+j], r.doc.fields[f].text) {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		last := toks[i+len(words)-1]
		sp := span{f: f, first: toks[i].pos, last: last.pos, start: toks[i].start, end: last.end}
		if words[0].Kind == WordSubstring && len(toks[i].word) == toks[i].end-toks[i].start {
			// one span per place the first word occurs inside the token
			for k := 0; k < len(toks[i].word); k++ {
				if strings.HasPrefix(toks[i].word[k:], words[0].Text) {
					s := sp
					s.start = toks[i].start + k
					if len(words) == 1 {
						s.end = s.start + len(words[0].Text)
					}
					out = append(out, s)
				}
			}
			continue
		}
		out = append(out, sp)
	}
	return out
}

func (r *refEvaluator) wordMatches(w Word, t token, text string) bool {
	switch w.Kind {
	case WordAcronym:
		// As written, as Nato for four letters or more, or with an ending.
		if t.unspaced || !strings.HasPrefix(t.word, w.Text) {
			return false
		}
		doc := norm.NFKC.String(text[t.start:t.end])
		rs := []rune(w.Raw)
		if len(rs) >= 4 && doc == string(rs[0])+strings.ToLower(string(rs[1:])) {
			return true
		}
		ending, ok := strings.CutPrefix(doc, w.Raw)
		return ok && (ending == "" || slices.Contains(acronymEndings(rs), ending))
	case WordExact:
		return t.word == w.Text
	case WordPrefix:
		return strings.HasPrefix(t.word, w.Text)
	case WordSubstring:
		return t.unspaced && strings.Contains(t.word, w.Text)
	}
	if t.unspaced {
		return false
	}
	if scriptOf(w.Text) == scriptCyrillic {
		return russianFormsMeet(w.Text, t.word)
	}
	s := docStemmer(t.word, r.latin)
	for _, qs := range queryStemmers(w.Text) {
		if qs == s {
			return stem(s, t.word) == stem(s, w.Text)
		}
	}
	return false
}

// russianFormsMeet is the reference for Russian words, reached the other
// way round from the matcher's: the document word is analysed too, and the
// two match when some lemma has both among its forms. A query word outside
// the dictionary matches its guessed paradigm, or itself.
func russianFormsMeet(query, doc string) bool {
	k := [2]string{query, doc}
	if v, ok := refMeets.Load(k); ok {
		return v.(bool)
	}
	ok := russianFormsMeetUncached(query, doc)
	refMeets.Store(k, ok)
	return ok
}

var refMeets sync.Map // [query, doc] → bool

func russianFormsMeetUncached(query, doc string) bool {
	qs := refLookup(query)
	if len(qs) == 0 {
		d, _ := rumorph.Load()
		if g, _, ok := d.Guess(query); ok {
			return slices.Contains(g.Forms, doc)
		}
		return doc == query
	}
	for _, dl := range refLookup(doc) {
		for _, ql := range qs {
			if dl.Lemma == ql.Lemma && slices.Equal(dl.Forms, ql.Forms) {
				return true
			}
		}
	}
	return false
}

var refLookups sync.Map // word → []rumorph.Lemma

func refLookup(w string) []rumorph.Lemma {
	if v, ok := refLookups.Load(w); ok {
		return v.([]rumorph.Lemma)
	}
	d, err := rumorph.Load()
	if err != nil {
		panic(err)
	}
	ls := d.Lookup(w)
	refLookups.Store(w, ls)
	return ls
}

// Generated rules and documents share a small vocabulary, so that they
// match often and in every construct.
var (
	genWords = []string{
		"NATO", "NATO's", "NATOnal", "НАТО", "Poland", "Polish", "border", "borders", "bordering",
		"western", "граница", "границы", "границах", "западных", "ОДКБ", "CSTO", "exercise",
		"exercises", "military", "militarisation", "Беларусь", "Беларуси", "ещё", "еще", "summit",
		"北约", "北约峰会", "外交部", "sanctions", "Russia-NATO", "alliance", "alliance's", "2024",
		"Нато", "нато", "Nato", "nato", "NATOs", "МИД", "МИДа", "мида", "Мида", "учения", "учёные",
		"учениях", "Беларусью", "Польшей", "Польши", "натовские", "натовскими", "ядерного", "семья",
		"Рыженкова", "Рыженков", "Лукашенко", "ОДКБа",
	}
	genQueryWords = []string{
		"NATO", "НАТО", "Poland", "border", "=borders", "bord*", "western", "граница", "=границы",
		"запад*", "ОДКБ", "CSTO", "exercise", "milit*", "Беларусь", "ещё", "summit", "北约", "峰会",
		"sanctions", "alliance", "2024", `"western borders"`, `"западных границах"`, `"NATO summit"`,
		"@nato", "@west", `/nat\w*/`, `/\d+/`, `/border(s|ing)/`, "Russia-NATO",
		"МИД", "натовский", "Польша", "учения", "nato", "Nato", "ядерный", "Рыженков", `"ядерная семья"`,
		"Лукашенко", "ученые",
	}
	genSeparators = []string{" ", " ", " ", ", ", "\u00a0", " — ", " (", ") ", "-", "&nbsp;", "<br>", "<b>"}
)

func genQuery(rng *rand.Rand, depth int) string {
	term := func() string {
		t := genQueryWords[rng.IntN(len(genQueryWords))]
		if rng.IntN(6) == 0 {
			t = []string{"title:", "summary:", "categories:", "link:"}[rng.IntN(4)] + t
		}
		return t
	}
	if depth == 0 || rng.IntN(3) == 0 {
		switch rng.IntN(7) {
		case 0:
			return fmt.Sprintf("%s NEAR/%d %s", genQueryWords[rng.IntN(len(genQueryWords))], 1+rng.IntN(4), genQueryWords[rng.IntN(len(genQueryWords))])
		case 1:
			return fmt.Sprintf("%s NOT NEAR/%d %s", genQueryWords[rng.IntN(len(genQueryWords))], 1+rng.IntN(4), genQueryWords[rng.IntN(len(genQueryWords))])
		}
		return term()
	}
	a, b := genQuery(rng, depth-1), genQuery(rng, depth-1)
	switch rng.IntN(5) {
	case 0:
		return "(" + a + " OR " + b + ")"
	case 1:
		return a + " NOT " + b
	case 2:
		return "(" + a + ") -(" + b + ")"
	case 3:
		return a + " " + b
	}
	return "(" + a + " AND " + b + ")"
}

func genText(rng *rand.Rand, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(genSeparators[rng.IntN(len(genSeparators))])
		}
		b.WriteString(genWords[rng.IntN(len(genWords))])
	}
	return b.String()
}

func genDocument(rng *rand.Rand) Document {
	d := Document{
		Title:   genText(rng, 1+rng.IntN(6)),
		Summary: genText(rng, rng.IntN(20)),
		Lang:    []string{"en", "ru", "fr", "de", ""}[rng.IntN(5)],
		Link:    "https://example.org/" + genText(rng, 1),
		Scopes:  []string{[]string{"feed-a", "feed-b"}[rng.IntN(2)], "tag-x"},
	}
	for range rng.IntN(3) {
		d.Categories = append(d.Categories, genText(rng, 1+rng.IntN(2)))
	}
	return d
}

// referenceRules generates n rules with their syntax trees and compiles them.
func referenceRules(tb testing.TB, rng *rand.Rand, n int) ([]Rule, []Node, map[string][]string, *Matcher) {
	tb.Helper()
	var rs []Rule
	var trees []Node
	for len(rs) < n {
		q := genQuery(rng, 3)
		n, err := Parse(q)
		if err != nil {
			continue // a generated query of negations only
		}
		r := Rule{Name: fmt.Sprintf("r%d", len(rs)), Query: q}
		if rng.IntN(5) == 0 {
			r.Scopes = []string{"feed-a"}
		}
		rs = append(rs, r)
		trees = append(trees, n)
	}
	lists := map[string][]string{"nato": {"NATO", "НАТО", "北约", "North Atlantic alliance"}, "west": {"Poland", "western borders", "запад*"}}
	m, err := Compile(rs, lists)
	if err != nil {
		tb.Fatal(err)
	}
	return rs, trees, lists, m
}

// disagreement compares the matcher and the reference on one document.
func disagreement(rs []Rule, trees []Node, lists map[string][]string, m *Matcher, d Document) (string, int) {
	a := Analyze(d)
	got := map[string]bool{}
	for _, x := range m.MatchAnalyzed(a) {
		got[x.Rule] = true
	}
	ref := &refEvaluator{lists: lists, doc: a, latin: latinStemmerFor(d.Lang)}
	matched := 0
	for k, r := range rs {
		want := ref.eval(trees[k], defaultFields)
		if want && r.Scopes != nil && !inScope(map[string]bool{"feed-a": true}, d.Scopes) {
			want = false
		}
		if got[r.Name] != want {
			return fmt.Sprintf("rule %s %q: matcher says %v, reference says %v", r.Name, r.Query, got[r.Name], want), matched
		}
		if want {
			matched++
		}
	}
	return "", matched
}

func TestCompiledMatcherAgreesWithReferenceEvaluator(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	rs, trees, lists, m := referenceRules(t, rng, 400)
	matched := 0
	for i := range 1500 {
		d := genDocument(rng)
		msg, n := disagreement(rs, trees, lists, m, d)
		if msg != "" {
			t.Fatalf("document %d %+v\n%s", i, d, msg)
		}
		matched += n
	}
	if matched < 1000 {
		t.Fatalf("only %d (rule, document) matches: the generator no longer exercises the matcher", matched)
	}
	t.Logf("%d matches agreed", matched)
}

// FuzzMatchAgreesWithReference gives generated rules any text: the
// compiled matcher and the reference evaluator must agree on every rule.
func FuzzMatchAgreesWithReference(f *testing.F) {
	rs, trees, lists, m := referenceRules(f, rand.New(rand.NewPCG(5, 6)), 200)
	f.Add("NATO у западных границ", "Беларуси, МИДа, Nato, НАТОвский", "ru")
	f.Add("учёные и учения", "nuclear power plant; nuclear weapons", "en")
	f.Add("ＮＡＴＯ NATOs", "北约峰会 Рыженкова", "")
	f.Fuzz(func(t *testing.T, title, summary, lang string) {
		d := Document{Title: title, Summary: summary, Lang: lang, Scopes: []string{"feed-a"}}
		if msg, _ := disagreement(rs, trees, lists, m, d); msg != "" {
			t.Fatalf("%+v\n%s", d, msg)
		}
	})
}
