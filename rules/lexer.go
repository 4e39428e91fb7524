package rules

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

type tokKind uint8

const (
	tEOF tokKind = iota
	tLParen
	tRParen
	tAnd
	tOr
	tNot
	tMinus  // -term
	tField  // title:
	tNear   // NEAR/N
	tWord   // NATO, =NATO, NAT*
	tPhrase // "western borders", ="exact phrase"
	tRegex  // /.../
	tList   // @nato
)

// lexeme is one token of a query.
type lexeme struct {
	kind     tokKind
	off, end int    // byte range in the query
	text     string // word, phrase or regex body, list or field name
	exact    bool   // =word, ="phrase"
	n        int    // NEAR distance
}

// raw is the token as written in the query.
func (l lexeme) raw(q string) string { return q[l.off:l.end] }

// maxNear bounds NEAR's distance: further apart is no longer "near".
const maxNear = 1000

// fieldList is the user-facing list of fields, for messages.
const fieldList = "title, summary, content, categories, author or link"

// lex splits a query into tokens.
func lex(q string) ([]lexeme, *SyntaxError) {
	var out []lexeme
	i := 0
	for i < len(q) {
		r, size := utf8.DecodeRuneInString(q[i:])
		if unicode.IsSpace(r) || r == '\u00a0' {
			i += size
			continue
		}
		start := i
		switch r {
		case '(':
			out = append(out, lexeme{kind: tLParen, off: i, end: i + 1})
			i++
			continue
		case ')':
			out = append(out, lexeme{kind: tRParen, off: i, end: i + 1})
			i++
			continue
		case '"':
			l, err := lexPhrase(q, i, false)
			if err != nil {
				return nil, err
			}
			out = append(out, l)
			i = l.end
			continue
		case '/':
			l, err := lexRegex(q, i)
			if err != nil {
				return nil, err
			}
			out = append(out, l)
			i = l.end
			continue
		case '-':
			if i+1 >= len(q) || isQuerySpace(q[i+1:]) {
				return nil, errAt(i, "- must be followed directly by a term, as in -sport")
			}
			out = append(out, lexeme{kind: tMinus, off: i, end: i + 1})
			i++
			continue
		case '@':
			j := i + 1
			for j < len(q) && isNameByte(q[j]) {
				j++
			}
			if j == i+1 {
				return nil, errAt(i, "@ needs a list name, as in @nato")
			}
			out = append(out, lexeme{kind: tList, off: i, end: j, text: q[i+1 : j]})
			i = j
			continue
		case '=':
			if i+1 < len(q) && q[i+1] == '"' {
				l, err := lexPhrase(q, i+1, true)
				if err != nil {
					return nil, err
				}
				l.off = i
				out = append(out, l)
				i = l.end
				continue
			}
			j := bareEnd(q, i+1)
			if j == i+1 {
				return nil, errAt(i, "= needs a word after it, as in =NATO")
			}
			out = append(out, lexeme{kind: tWord, off: i, end: j, text: q[i+1 : j], exact: true})
			i = j
			continue
		}
		j := bareEnd(q, i)
		l, err := lexBare(q, start, j)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
		i = l.end
	}
	out = append(out, lexeme{kind: tEOF, off: len(q), end: len(q)})
	return out, nil
}

// lexBare classifies a run of non-space characters: an operator, NEAR/N, a
// field prefix, or a word.
func lexBare(q string, start, end int) (lexeme, *SyntaxError) {
	s := q[start:end]
	switch s {
	case "AND":
		return lexeme{kind: tAnd, off: start, end: end}, nil
	case "OR":
		return lexeme{kind: tOr, off: start, end: end}, nil
	case "NOT":
		return lexeme{kind: tNot, off: start, end: end}, nil
	case "NEAR":
		return lexeme{}, errAt(start, "NEAR needs a number: NEAR/5")
	}
	if rest, ok := strings.CutPrefix(s, "NEAR/"); ok {
		n, err := strconv.Atoi(rest)
		if err != nil || rest == "" || rest[0] == '+' || rest[0] == '-' {
			return lexeme{}, errAt(start, "NEAR needs a number: NEAR/5")
		}
		if n < 1 || n > maxNear {
			return lexeme{}, errAt(start, "NEAR distance must be between 1 and %d words", maxNear)
		}
		return lexeme{kind: tNear, off: start, end: end, n: n}, nil
	}
	if k := strings.IndexByte(s, ':'); k > 0 && isLetters(s[:k]) {
		name := strings.ToLower(s[:k])
		if !isField(name) {
			return lexeme{}, errAt(start, "unknown field %q: use %s", s[:k], fieldList)
		}
		// The term after the colon is lexed on its own.
		return lexeme{kind: tField, off: start, end: start + k + 1, text: name}, nil
	}
	return lexeme{kind: tWord, off: start, end: end, text: s}, nil
}

func lexPhrase(q string, open int, exact bool) (lexeme, *SyntaxError) {
	j := strings.IndexByte(q[open+1:], '"')
	if j < 0 {
		return lexeme{}, errAt(open, `unterminated phrase: missing closing "`)
	}
	end := open + 1 + j + 1
	return lexeme{kind: tPhrase, off: open, end: end, text: q[open+1 : end-1], exact: exact}, nil
}

// lexRegex reads /.../; a slash inside is written \/.
func lexRegex(q string, open int) (lexeme, *SyntaxError) {
	var b strings.Builder
	for j := open + 1; j < len(q); j++ {
		switch c := q[j]; {
		case c == '\\' && j+1 < len(q) && q[j+1] == '/':
			b.WriteByte('/')
			j++
		case c == '\\' && j+1 < len(q):
			b.WriteByte(c)
			b.WriteByte(q[j+1])
			j++
		case c == '/':
			return lexeme{kind: tRegex, off: open, end: j + 1, text: b.String()}, nil
		default:
			b.WriteByte(c)
		}
	}
	return lexeme{}, errAt(open, "unterminated regex: missing closing /")
}

// bareEnd is where a run of non-space characters starting at i ends.
func bareEnd(q string, i int) int {
	for i < len(q) {
		r, size := utf8.DecodeRuneInString(q[i:])
		if unicode.IsSpace(r) || r == '\u00a0' || r == '(' || r == ')' || r == '"' {
			break
		}
		if r == ':' && i+1 < len(q) && (q[i+1] == '(' || q[i+1] == '"') {
			return i + 1 // title:(...) and title:"..."
		}
		i += size
	}
	return i
}

func isQuerySpace(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r) || r == '\u00a0'
}

func isNameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}

func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if !('a' <= s[i] && s[i] <= 'z' || 'A' <= s[i] && s[i] <= 'Z') {
			return false
		}
	}
	return s != ""
}

func isField(name string) bool {
	for _, f := range fieldNames {
		if f == name {
			return true
		}
	}
	return false
}
