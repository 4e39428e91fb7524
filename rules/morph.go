package rules

import (
	"github.com/attache-dev/attache/rules/internal/rumorph"
)

// Russian words are not stemmed. Snowball's Russian stemmer cannot tell
// "учения" (exercises) from "учёные" (scientists), both "учен", and cuts
// "Беларусь" to "белар" but "Беларуси" to "беларус". Instead, a Russian query
// word is expanded, when the rules are compiled, into the exact set of forms
// of the lemmas it belongs to, from the Russian Hunspell dictionary
// (package rumorph); a document word then matches when it is one of them.
// A word the dictionary does not know (a name, a new word) declines like the
// known lemma that ends most like it; failing that, it matches as written.

// ruSource says where a Russian word's forms come from.
type ruSource uint8

const (
	ruDictionary ruSource = iota // the word is a form of lemmas in the dictionary
	ruGuessed                    // declined by analogy with a known lemma
	ruAsWritten                  // neither: the word itself only
)

// ruExpansion is what a Russian query word matches.
type ruExpansion struct {
	source ruSource
	forms  []string // folded; the word itself is always among them
	lemmas []string // ruDictionary: the lemmas; ruGuessed: the analogue
}

// expandRussian finds the forms of a folded Cyrillic query word.
func expandRussian(w string) ruExpansion {
	d, err := rumorph.Load()
	if err != nil {
		// The dictionary is embedded and tested: this cannot happen in a
		// built binary, and matching as written is the safe way to fail.
		return ruExpansion{source: ruAsWritten, forms: []string{w}}
	}
	if ls := d.Lookup(w); len(ls) > 0 {
		x := ruExpansion{source: ruDictionary, forms: []string{w}}
		seen := map[string]bool{w: true}
		for _, l := range ls {
			x.lemmas = append(x.lemmas, l.Lemma)
			for _, f := range l.Forms {
				if !seen[f] {
					seen[f] = true
					x.forms = append(x.forms, f)
				}
			}
		}
		return x
	}
	if l, analog, ok := d.Guess(w); ok {
		return ruExpansion{source: ruGuessed, forms: l.Forms, lemmas: []string{analog}}
	}
	return ruExpansion{source: ruAsWritten, forms: []string{w}}
}

// isRussianWord reports a folded word that the dictionary could hold.
func isRussianWord(w string) bool { return rumorph.Encodable(w) }
