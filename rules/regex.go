package rules

import (
	"regexp/syntax"
	"unicode"
	"unicode/utf8"
)

// minLiteral is the shortest required literal worth a prefilter; shorter
// ones would let nearly every text through.
const minLiteral = 3

// requiredLiteral returns a string that every match of the regex contains,
// folded with foldForPrefilter, or "" when there is none long enough. It is
// used to skip running a regex on texts that cannot match.
func requiredLiteral(src string) string {
	re, err := syntax.Parse("(?i)"+src, syntax.Perl)
	if err != nil {
		return ""
	}
	lit := literalOf(re.Simplify())
	if len(lit) < minLiteral {
		return ""
	}
	return lit
}

// literalOf finds the longest literal that every match of re contains.
func literalOf(re *syntax.Regexp) string {
	switch re.Op {
	case syntax.OpLiteral:
		return foldForPrefilter(string(re.Rune))
	case syntax.OpCapture, syntax.OpPlus:
		return literalOf(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return literalOf(re.Sub[0])
		}
	case syntax.OpConcat:
		best, run := "", ""
		for _, sub := range re.Sub {
			if sub.Op == syntax.OpLiteral {
				run += foldForPrefilter(string(sub.Rune))
				continue
			}
			if len(run) > len(best) {
				best = run
			}
			run = ""
			if l := literalOf(sub); len(l) > len(best) {
				best = l
			}
		}
		if len(run) > len(best) {
			best = run
		}
		return best
	}
	return ""
}

// foldForPrefilter maps every rune to the smallest rune of its case-folding
// orbit, the equivalence that RE2's (?i) uses, so that a literal found in the
// folded text is a necessary condition for a case-insensitive match.
func foldForPrefilter(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf || 'A' <= s[i] && s[i] <= 'Z' {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	b := make([]byte, 0, len(s))
	for _, r := range s {
		b = utf8.AppendRune(b, minFold(r))
	}
	return string(b)
}

func minFold(r rune) rune {
	m := r
	if r >= utf8.RuneSelf {
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			m = min(m, f)
		}
	}
	if 'A' <= m && m <= 'Z' {
		m += 'a' - 'A'
	}
	return m
}
