package rules

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// isWordRune reports runes that belong to words; every other rune (spaces,
// punctuation, hyphens, symbols) separates words, in every alphabet.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r)
}

// isUnspaced reports runes of scripts written without spaces between words.
// Terms in these scripts match as substrings of the text.
func isUnspaced(r rune) bool {
	if r < 0x0E00 {
		return false
	}
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana,
		unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar)
}

var folders = sync.Pool{New: func() any { return cases.Fold() }}

// fold gives a word the form used for comparisons: NFKC, case folded, and
// ё written as е. ASCII words take a fast path.
func fold(w string) string {
	ascii, lower := true, true
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
		if 'A' <= c && c <= 'Z' {
			lower = false
		}
	}
	if ascii {
		if lower {
			return w
		}
		return strings.ToLower(w)
	}
	c := folders.Get().(cases.Caser)
	f := c.String(norm.NFKC.String(w))
	folders.Put(c)
	if strings.ContainsRune(f, 'ё') {
		f = strings.ReplaceAll(f, "ё", "е")
	}
	return f
}

// splitWords calls fn with the byte range of each word of s and whether it is
// written in an unspaced script. A change between spaced and unspaced scripts
// ends a word: "北约NATO" is two words.
func splitWords(s string, fn func(start, end int, unspaced bool)) {
	start, unspaced := -1, false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isWordRune(r) {
			if start >= 0 {
				fn(start, i, unspaced)
				start = -1
			}
			i += size
			continue
		}
		u := isUnspaced(r)
		if start >= 0 && u != unspaced && !unicode.IsMark(r) {
			fn(start, i, unspaced)
			start = -1
		}
		if start < 0 {
			start, unspaced = i, u
		}
		i += size
	}
	if start >= 0 {
		fn(start, len(s), unspaced)
	}
}

// foldedWords folds a word and splits the result again, since NFKC may turn
// one character into several with separators among them ("㈱" → "(株)").
func foldedWords(w string) []string {
	f := fold(w)
	clean := true
	for _, r := range f {
		if !isWordRune(r) {
			clean = false
			break
		}
	}
	if clean {
		return []string{f}
	}
	var out []string
	splitWords(f, func(s, e int, _ bool) { out = append(out, f[s:e]) })
	return out
}
