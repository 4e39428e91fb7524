// Package rumorph knows the inflected forms of Russian words. It holds a
// compact encoding of the Russian Hunspell dictionary (ru_RU, Alexander
// Lebedev; see NOTICE), reduced to what matching needs: every lemma with its
// paradigm, the endings that give all of its forms. A query word is expanded
// to the exact set of forms of the lemmas it belongs to, so that "Беларусь"
// matches "Беларуси" and "Беларусью" and "учения" never matches "учёные".
//
// Words are folded as the rules package folds them (lower case, ё as е).
// Inside the package a word is written one byte a letter, а..я as 1..32, so
// that reversing and comparing words is byte work.
package rumorph

import (
	"strings"
	"unicode/utf8"
)

// encode writes a folded Cyrillic word one byte a letter; ok is false when
// the word has a rune outside а..я (ё must already be folded to е).
func encode(w string) (string, bool) {
	b := make([]byte, 0, len(w)/2)
	for _, r := range w {
		if r < 'а' || r > 'я' {
			return "", false
		}
		b = append(b, byte(r-'а'+1))
	}
	return string(b), true
}

// decode turns an encoded word back into UTF-8.
func decode(c string) string {
	b := make([]byte, 0, 2*len(c))
	for i := 0; i < len(c); i++ {
		b = utf8.AppendRune(b, rune(c[i])-1+'а')
	}
	return string(b)
}

// reverse returns the bytes of s in reverse order.
func reverse(s string) string {
	b := []byte(s)
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return string(b)
}

// Fold gives a word the form the dictionary is written in: lower case, ё as
// е. The rules package folds document words the same way.
func Fold(w string) string {
	w = strings.ToLower(w)
	return strings.ReplaceAll(w, "ё", "е")
}

// magic starts the encoded dictionary, with its format version.
const magic = "rumorph1\n"

// Encodable reports whether a folded word can be in the dictionary: Russian
// letters only.
func Encodable(w string) bool {
	_, ok := encode(w)
	return ok && w != ""
}
