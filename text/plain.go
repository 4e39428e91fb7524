package text

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Plain is the text of a field as the rules engine sees it and as hits
// point into it: HTML reduced to text with entities decoded, invalid UTF-8,
// control and invisible format characters dropped, every kind of space
// (U+00A0 too) written as one ASCII space, runs of blank lines squeezed, and
// the ends trimmed. Renderers that highlight hits must start from this text.
func Plain(s string) string {
	return Clean(htmlToText(s))
}

// Clean drops what is not text and normalises spacing, as Plain does after
// the markup is gone: for text that holds no HTML, such as a query's
// words. It never fails: bad bytes are dropped, not reported.
func Clean(s string) string {
	if isCleanASCII(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	pendingSpace, pendingBreak := false, false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size <= 1:
			continue // invalid byte
		case r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029':
			pendingBreak = true
			continue
		case r == '\u200b': // zero-width space separates words
			pendingSpace = true
			continue
		case unicode.IsSpace(r) || unicode.Is(unicode.Zs, r):
			pendingSpace = true
			continue
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Co, r) || r == utf8.RuneError:
			// Soft hyphens, direction marks, BOMs and the like are invisible:
			// dropping them keeps "NA\u00adTO" one word.
			continue
		}
		if b.Len() > 0 {
			if pendingBreak {
				b.WriteByte('\n')
			} else if pendingSpace {
				b.WriteByte(' ')
			}
		}
		pendingSpace, pendingBreak = false, false
		b.WriteRune(r)
	}
	return b.String()
}

// isCleanASCII reports text that Clean would return unchanged.
func isCleanASCII(s string) bool {
	prevSpace := true // a leading space must be trimmed
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || c < ' ' || c == 0x7f {
			return false
		}
		sp := c == ' '
		if sp && prevSpace {
			return false
		}
		prevSpace = sp
	}
	return !prevSpace || len(s) == 0
}
