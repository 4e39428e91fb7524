package rules

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// A word written in capitals in a query (NATO, НАТО, ОДКБ, CSTO) names an
// organisation, not a common word: it is matched as written, never stemmed,
// so that НАТО does not match "Ната" or "нате" and WHO does not match "who".
// A document word matches it when it is written:
//
//   - the same (NATO);
//   - with only its first letter in capitals, for four letters or more (the
//     British "Nato"; two- and three-letter words such as "Us" or "Who" open
//     sentences too often);
//   - followed by a lower-case ending where the language inflects the
//     acronym: an English plural (NGOs), and in Russian the endings of
//     masculine nouns for acronyms read as a word, which end in a vowel and
//     a consonant (МИДа, МИДе, ВУЗов). An acronym that ends in a vowel (НАТО,
//     ОБСЕ) or is spelt out letter by letter (ОДКБ, ФСБ) is invariable.

// isAcronym reports a word (in NFKC form) of at least two letters, all of
// them capitals.
func isAcronym(w string) bool {
	letters := 0
	for _, r := range w {
		if !unicode.IsLetter(r) {
			continue
		}
		if !unicode.IsUpper(r) {
			return false
		}
		letters++
	}
	return letters >= 2
}

// ruAcronymEndings are the case endings of a Russian acronym read as a
// masculine noun (МИД: МИДа, МИДу, МИДом, МИДе; plural ВУЗы, ВУЗов, ...).
var ruAcronymEndings = []string{"а", "у", "ом", "е", "ы", "ов", "ам", "ами", "ах"}

// enAcronymEndings make an English acronym plural.
var enAcronymEndings = []string{"s"}

const ruVowels = "АЕЁИОУЫЭЮЯ"

// acronymForms are the spellings of a document word that match an acronym
// written raw in a query.
func acronymForms(raw string) []string {
	forms := []string{raw}
	rs := []rune(raw)
	if len(rs) >= 4 {
		title := string(rs[0]) + strings.ToLower(string(rs[1:]))
		if title != raw {
			forms = append(forms, title)
		}
	}
	for _, e := range acronymEndings(rs) {
		forms = append(forms, raw+e)
	}
	return forms
}

// acronymEndings are the lower-case endings an acronym takes.
func acronymEndings(rs []rune) []string {
	last := rs[len(rs)-1]
	switch {
	case last < utf8.RuneSelf && 'A' <= last && last <= 'Z' || unicode.Is(unicode.Latin, last):
		return enAcronymEndings
	case unicode.Is(unicode.Cyrillic, last):
		n := len(rs)
		if n >= 3 && !strings.ContainsRune(ruVowels, last) && strings.ContainsRune(ruVowels, rs[n-2]) {
			return ruAcronymEndings
		}
	}
	return nil
}

// asWritten is a document word in the form acronyms are compared with:
// NFKC, case kept.
func asWritten(raw string) string {
	for i := 0; i < len(raw); i++ {
		if raw[i] >= utf8.RuneSelf {
			return norm.NFKC.String(raw)
		}
	}
	return raw
}

// acronymMatches compares a document word as it is written in the text with
// an acronym's spellings.
func acronymMatches(forms []string, raw string) bool {
	return slices.Contains(forms, asWritten(raw))
}
