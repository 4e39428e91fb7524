package main

import (
	"slices"
	"sort"
	"strings"

	"github.com/attache-dev/attache/rules/internal/rumorph"
)

// builder turns lemmas and their forms into shared paradigms.
type builder struct {
	paradigms []rumorph.Paradigm
	byKey     map[string]int
	entries   map[rumorph.Entry]bool
	// stems maps a lemma's stem (its forms' common beginning) to the
	// lemmas that have it, for joining unflagged forms.
	stems map[string][]lemma
}

type lemma struct {
	word, stem string
	paradigm   int
}

func newBuilder() *builder {
	return &builder{byKey: map[string]int{}, entries: map[rumorph.Entry]bool{}, stems: map[string][]lemma{}}
}

// add records a lemma with its forms (nil: the word alone). Words with
// letters outside the Russian alphabet, or with a hyphen, are left out: the
// rules split words there.
func (b *builder) add(word string, forms []string) {
	lem := rumorph.Fold(word)
	if !rumorph.Encodable(lem) {
		return
	}
	folded := []string{lem}
	for _, f := range forms {
		if f = rumorph.Fold(f); rumorph.Encodable(f) && !slices.Contains(folded, f) {
			folded = append(folded, f)
		}
	}
	stem := commonPrefix(folded)
	p := b.paradigm(lem[len(stem):], folded, len(stem))
	b.entries[rumorph.Entry{Word: lem, Paradigm: p}] = true
	if len(forms) > 0 {
		b.stems[stem] = append(b.stems[stem], lemma{word: lem, stem: stem, paradigm: p})
	}
}

func (b *builder) paradigm(lemmaEnding string, forms []string, stemLen int) int {
	endings := make([]string, len(forms))
	for i, f := range forms {
		endings[i] = f[stemLen:]
	}
	sort.Strings(endings)
	key := lemmaEnding + "|" + strings.Join(endings, ",")
	if id, ok := b.byKey[key]; ok {
		return id
	}
	id := len(b.paradigms)
	b.byKey[key] = id
	b.paradigms = append(b.paradigms, rumorph.Paradigm{Lemma: lemmaEnding, Endings: endings})
	return id
}

// attach adds each unflagged word to the paradigms of the lemmas it is a
// missing form of: a lemma whose stem (three letters or more) begins the
// word, where the rest of the word is an ending that some paradigm with the
// same lemma ending has. It returns how many words were joined.
func (b *builder) attach(bare []string) int {
	// which endings go with which lemma endings, over the whole dictionary
	takes := map[string]bool{}
	for _, p := range b.paradigms {
		for _, e := range p.Endings {
			takes[p.Lemma+"|"+e] = true
		}
	}
	joined := 0
	for _, w := range bare {
		f := rumorph.Fold(w)
		if !rumorph.Encodable(f) {
			continue
		}
		rs := []rune(f)
		found := false
		for n := len(rs); n >= 3 && len(rs)-n <= 4; n-- {
			stem, ending := string(rs[:n]), string(rs[n:])
			for i, l := range b.stems[stem] {
				p := b.paradigms[l.paradigm]
				lemmaEnding := l.word[len(stem):]
				if slices.Contains(p.Endings, ending) || !takes[lemmaEnding+"|"+ending] {
					continue
				}
				np := b.paradigmWith(l.paradigm, ending)
				delete(b.entries, rumorph.Entry{Word: l.word, Paradigm: l.paradigm})
				b.entries[rumorph.Entry{Word: l.word, Paradigm: np}] = true
				b.stems[stem][i].paradigm = np
				found = true
			}
		}
		if found {
			joined++
		}
	}
	return joined
}

// paradigmWith is paradigm p with one more ending.
func (b *builder) paradigmWith(p int, ending string) int {
	old := b.paradigms[p]
	endings := append(slices.Clone(old.Endings), ending)
	sort.Strings(endings)
	key := old.Lemma + "|" + strings.Join(endings, ",")
	if id, ok := b.byKey[key]; ok {
		return id
	}
	id := len(b.paradigms)
	b.byKey[key] = id
	b.paradigms = append(b.paradigms, rumorph.Paradigm{Lemma: old.Lemma, Endings: endings})
	return id
}

// result gives the paradigms in use and the entries, in a fixed order.
func (b *builder) result() ([]rumorph.Paradigm, []rumorph.Entry) {
	used := map[int]int{}
	var ps []rumorph.Paradigm
	var es []rumorph.Entry
	keys := make([]rumorph.Entry, 0, len(b.entries))
	for e := range b.entries {
		keys = append(keys, e)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].Word != keys[j].Word {
			return keys[i].Word < keys[j].Word
		}
		return keys[i].Paradigm < keys[j].Paradigm
	})
	for _, e := range keys {
		id, ok := used[e.Paradigm]
		if !ok {
			id = len(ps)
			used[e.Paradigm] = id
			ps = append(ps, b.paradigms[e.Paradigm])
		}
		es = append(es, rumorph.Entry{Word: e.Word, Paradigm: id})
	}
	return ps, es
}

// commonPrefix is the longest beginning, in whole runes, shared by all words.
func commonPrefix(ws []string) string {
	p := []rune(ws[0])
	for _, w := range ws[1:] {
		r := []rune(w)
		n := 0
		for n < len(p) && n < len(r) && p[n] == r[n] {
			n++
		}
		p = p[:n]
	}
	return string(p)
}
