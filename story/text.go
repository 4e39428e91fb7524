package story

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"github.com/attache-dev/attache/text"
)

// script is the writing system of a word.
type script uint8

const (
	scriptOther script = iota
	scriptLatin
	scriptCyrillic
	scriptHan
)

// word is one word of an item as the story stage sees it.
type word struct {
	raw     string // as written
	fold    string // case folded, ё as е, NFKC
	script  script
	capital bool // begins with an upper-case letter
	allCaps bool // two letters or more, none lower case
	initial bool // first word of a sentence, a title or a quotation
	inTitle bool
	start   int // byte offset into its field's plain text
	end     int
	src     string // that plain text
	stemmed string // its stem, once computed (see stem)
	keyed   string // its gazetteer key, once computed (see stemKey)
}

// words splits plain text into words. Hyphens, apostrophes and all
// punctuation separate words; a lone "s" after an apostrophe (NATO's) is
// dropped. A run of Han characters is one word.
func words(text string, inTitle bool, out []word) []word {
	if out == nil {
		out = make([]word, 0, len(text)/8+1)
	}
	initial := true
	apostrophe := false
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) {
			switch r {
			case '.', '!', '?', ':', ';', '…', '\n', '—', '–', '(', '/':
				// Quotation marks are left out: a quoted word that is
				// capitalised is mostly a name (the «Oreshnik», "Zapad-2025").
				initial = true
			case '\'', '’':
				apostrophe = true
				i += size
				continue
			}
			if !unicode.IsSpace(r) {
				apostrophe = false
			}
			i += size
			continue
		}
		start := i
		han := isHan(r)
		for i < len(text) {
			r, size := utf8.DecodeRuneInString(text[i:])
			if !isWordRune(r) || isHan(r) != han {
				break
			}
			i += size
		}
		raw := text[start:i]
		if apostrophe && (raw == "s" || raw == "S") {
			apostrophe = false
			continue
		}
		apostrophe = false
		w := newWord(raw, start, i, inTitle, initial)
		w.src = text
		out = append(out, w)
		initial = false
	}
	return out
}

func newWord(raw string, start, end int, inTitle, initial bool) word {
	w := word{raw: raw, fold: foldWord(raw), start: start, end: end, inTitle: inTitle, initial: initial}
	first, _ := utf8.DecodeRuneInString(raw)
	w.script = scriptOfRune(first)
	if w.script == scriptHan {
		return w
	}
	w.capital = unicode.IsUpper(first)
	letters, upper := 0, 0
	for _, r := range raw {
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) {
				upper++
			}
		}
	}
	w.allCaps = letters >= 2 && upper == letters
	return w
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r)
}

func isHan(r rune) bool { return r >= 0x2E80 && unicode.Is(unicode.Han, r) }

func scriptOfRune(r rune) script {
	switch {
	case r < utf8.RuneSelf:
		if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' {
			return scriptLatin
		}
		return scriptOther
	case unicode.Is(unicode.Cyrillic, r):
		return scriptCyrillic
	case unicode.Is(unicode.Latin, r):
		return scriptLatin
	case isHan(r):
		return scriptHan
	}
	return scriptOther
}

// foldWord gives a word the form used for comparison: NFKC, case folded, ё
// written as е.
func foldWord(w string) string {
	ascii := true
	for i := 0; i < len(w); i++ {
		if w[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(w)
	}
	if isSimpleCyrillic(w) {
		// Most words of Russian text: lower case is their folded form, and
		// NFKC leaves them as they are.
		return strings.ReplaceAll(strings.ToLower(w), "ё", "е")
	}
	f := cases.Fold().String(norm.NFKC.String(w))
	return strings.ReplaceAll(f, "ё", "е")
}

// isSimpleCyrillic reports a word of the basic Cyrillic block (and ASCII)
// alone, without combining marks.
func isSimpleCyrillic(w string) bool {
	for _, r := range w {
		if r >= utf8.RuneSelf && (r < 0x400 || r > 0x45f) {
			return false
		}
	}
	return true
}

// plain reduces a field to the text the rules engine sees: HTML to text,
// entities decoded, spacing normalised.
func plain(s string) string { return text.Plain(s) }
