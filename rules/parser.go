package rules

import (
	"errors"
	"regexp"
	"regexp/syntax"
	"strings"

	"github.com/attache-dev/attache/text"
)

// Parse reads one query into its syntax tree. Lists (@name) are not resolved
// here: Compile does that, with the lists at hand.
func Parse(query string) (Node, error) {
	n, err := parse(query)
	if err != nil {
		return nil, err
	}
	return n, nil
}

func parse(query string) (Node, *SyntaxError) {
	toks, err := lex(query)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks, q: query}
	if p.peek().kind == tEOF {
		return nil, errAt(0, "empty query")
	}
	n, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	switch t := p.peek(); t.kind {
	case tEOF:
	case tRParen:
		return nil, errAt(t.off, "unbalanced parenthesis: ) has no matching (")
	default:
		return nil, errAt(t.off, "unexpected %s", describe(t))
	}
	if matchesNothingPositive(n) {
		return nil, errAt(0, "the query matches items that contain none of its terms: add a term that is not negated")
	}
	return n, nil
}

type parser struct {
	q    string
	toks []lexeme
	i    int
}

func (p *parser) peek() lexeme { return p.toks[p.i] }
func (p *parser) next() lexeme { t := p.toks[p.i]; p.i++; return t }

func (p *parser) parseOr() (Node, *SyntaxError) {
	first := p.peek()
	if first.kind == tOr || first.kind == tAnd {
		return nil, errAt(first.off, "%s needs a term before it", describe(first))
	}
	left, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	kids := []Node{left}
	for p.peek().kind == tOr {
		op := p.next()
		if !startsUnary(p.peek().kind) {
			return nil, errAt(op.off, "OR needs a term after it")
		}
		right, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		kids = append(kids, right)
	}
	if len(kids) == 1 {
		return left, nil
	}
	return &Or{Kids: kids, Off: left.Offset()}, nil
}

func (p *parser) parseAnd() (Node, *SyntaxError) {
	left, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	kids := []Node{left}
	for {
		t := p.peek()
		if t.kind == tAnd {
			p.next()
			if !startsUnary(p.peek().kind) {
				return nil, errAt(t.off, "AND needs a term after it")
			}
		} else if !startsUnary(t.kind) {
			break
		}
		right, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		kids = append(kids, right)
	}
	if len(kids) == 1 {
		return left, nil
	}
	return &And{Kids: kids, Off: left.Offset()}, nil
}

func startsUnary(k tokKind) bool {
	switch k {
	case tNot, tMinus, tLParen, tField, tWord, tPhrase, tRegex, tList:
		return true
	}
	return false
}

func (p *parser) parseUnary() (Node, *SyntaxError) {
	switch t := p.peek(); t.kind {
	case tNot:
		p.next()
		if n := p.peek(); n.kind == tNear {
			return nil, errAt(t.off, "NOT NEAR/%d needs a term before it", n.n)
		}
		if !startsUnary(p.peek().kind) {
			return nil, errAt(t.off, "NOT needs a term after it")
		}
		kid, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		return &Not{Kid: kid, Off: t.off}, nil
	case tMinus:
		p.next()
		kid, err := p.parsePrimary()
		if err != nil {
			return nil, err
		}
		return &Not{Kid: kid, Off: t.off}, nil
	}
	return p.parsePrimary()
}

func (p *parser) parsePrimary() (Node, *SyntaxError) {
	t := p.next()
	switch t.kind {
	case tLParen:
		switch p.peek().kind {
		case tRParen:
			return nil, errAt(t.off, "empty parentheses")
		case tEOF:
			return nil, errAt(t.off, "unbalanced parenthesis: ( is never closed")
		}
		n, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if p.peek().kind != tRParen {
			if p.peek().kind == tEOF {
				return nil, errAt(t.off, "unbalanced parenthesis: ( is never closed")
			}
			return nil, errAt(p.peek().off, "unexpected %s", describe(p.peek()))
		}
		p.next()
		if near, not := p.nearNext(); near.kind == tNear {
			return nil, errAt(near.off, "%sNEAR/%d works between two terms, not groups: use a @list for alternatives", not, near.n)
		}
		return n, nil
	case tField:
		if !startsPrimary(p.peek().kind) {
			return nil, errAt(t.off, "%s: needs a term after it", t.text)
		}
		kid, err := p.parsePrimary()
		if err != nil {
			return nil, err
		}
		return &FieldScope{Field: t.text, Kid: kid, Off: t.off}, nil
	case tWord, tPhrase, tRegex, tList:
		left, err := termOf(t, p.q)
		if err != nil {
			return nil, err
		}
		near, not := p.nearNext()
		if near.kind != tNear {
			return left, nil
		}
		if not != "" {
			p.next() // NOT
		}
		p.next() // NEAR/N
		rt := p.next()
		if rt.kind == tLParen {
			return nil, errAt(near.off, "%sNEAR/%d works between two terms, not groups: use a @list for alternatives", not, near.n)
		}
		if rt.kind != tWord && rt.kind != tPhrase && rt.kind != tRegex && rt.kind != tList {
			return nil, errAt(near.off, "%sNEAR/%d needs a term after it", not, near.n)
		}
		right, err := termOf(rt, p.q)
		if err != nil {
			return nil, err
		}
		if next, _ := p.nearNext(); next.kind == tNear {
			return nil, errAt(next.off, "NEAR cannot be chained: write (a NEAR/5 b) AND (b NEAR/5 c)")
		}
		if not != "" {
			return &NotNear{Left: left, Right: right, N: near.n, Off: left.Off}, nil
		}
		return &Near{Left: left, Right: right, N: near.n, Off: left.Off}, nil
	case tNear:
		return nil, errAt(t.off, "NEAR/%d needs a term before it", t.n)
	case tRParen:
		return nil, errAt(t.off, "unbalanced parenthesis: ) has no matching (")
	case tEOF:
		return nil, errAt(t.off, "the query ends where a term was expected")
	}
	return nil, errAt(t.off, "%s needs a term before it", describe(t))
}

// nearNext returns the NEAR/N token that comes next, directly or after NOT
// (then not is "NOT "), or a token of another kind.
func (p *parser) nearNext() (near lexeme, not string) {
	t := p.peek()
	if t.kind == tNot && p.toks[p.i+1].kind == tNear {
		return p.toks[p.i+1], "NOT "
	}
	return t, ""
}

func startsPrimary(k tokKind) bool {
	return k == tLParen || k == tField || k == tWord || k == tPhrase || k == tRegex || k == tList
}

// termOf turns a word, phrase, regex or list token into a Term.
func termOf(t lexeme, q string) (*Term, *SyntaxError) {
	term := &Term{Src: t.raw(q), Off: t.off, End: t.end}
	if t.kind == tPhrase && !t.exact {
		term.Src = t.text // hits name a phrase without its quotes
	}
	switch t.kind {
	case tList:
		term.Kind, term.List = TermList, t.text
		return term, nil
	case tRegex:
		re, err := compileRegex(t.text)
		if err != nil {
			return nil, errAt(t.off, "%s", err.Error())
		}
		term.Kind, term.Regex = TermRegex, re
		return term, nil
	}
	words, err := analyzeTermText(t.text, t.kind == tWord, t.exact)
	if err != nil {
		return nil, errAt(t.off, "%s", err.Error())
	}
	term.Words = words
	return term, nil
}

// analyzeTermText splits a word or phrase into folded words the same way a
// document is split, so that a query and a text always agree on boundaries.
// A part that ends in * makes its last word a prefix.
func analyzeTermText(s string, bare, exact bool) ([]Word, error) {
	var words []Word
	for _, part := range strings.Fields(s) {
		prefix := strings.HasSuffix(part, "*")
		part = strings.TrimSuffix(part, "*")
		if strings.Contains(part, "*") || (prefix && part == "") {
			return nil, errors.New("* may only end a word, as in NAT*")
		}
		n := len(words)
		text := text.Clean(part)
		splitWords(text, func(st, e int, unspaced bool) {
			folded := foldedWords(text[st:e])
			if raw := asWritten(text[st:e]); len(folded) == 1 && !unspaced && !exact && isAcronym(raw) {
				words = append(words, Word{Kind: WordAcronym, Text: folded[0], Raw: raw})
				return
			}
			for _, w := range folded {
				kind := WordStem
				switch {
				case unspaced:
					kind = WordSubstring
				case exact:
					kind = WordExact
				}
				words = append(words, Word{Kind: kind, Text: w})
			}
		})
		if prefix && len(words) > n && words[len(words)-1].Kind != WordSubstring {
			words[len(words)-1].Kind = WordPrefix
			words[len(words)-1].Raw = ""
		}
	}
	if len(words) == 0 {
		if bare {
			return nil, errors.New("a term needs letters or digits: " + strings.TrimSpace(s))
		}
		return nil, errors.New("empty phrase")
	}
	return words, nil
}

// compileRegex compiles a query's /regex/: case-insensitive RE2.
func compileRegex(src string) (*regexp.Regexp, error) {
	re, err := regexp.Compile("(?i)" + src)
	if err != nil {
		var se *syntax.Error
		if errors.As(err, &se) {
			msg := string(se.Code)
			if se.Code == syntax.ErrMissingParen {
				msg = "missing )"
			}
			return nil, errors.New("regex: " + msg + ": " + strings.TrimPrefix(se.Expr, "(?i)"))
		}
		return nil, errors.New("regex: " + err.Error())
	}
	if re.MatchString("") {
		return nil, errors.New("regex matches empty text, so it would match every item")
	}
	return re, nil
}

func describe(t lexeme) string {
	switch t.kind {
	case tEOF:
		return "end of query"
	case tAnd:
		return "AND"
	case tOr:
		return "OR"
	case tNot:
		return "NOT"
	case tRParen:
		return ")"
	case tLParen:
		return "("
	case tNear:
		return "NEAR"
	}
	return "term"
}

// matchesNothingPositive reports a query that would match a document
// containing none of its terms (NOT x, a OR NOT b): it would flood a channel.
func matchesNothingPositive(n Node) bool {
	return evalEmpty(n)
}

// evalEmpty evaluates n over a document in which no term occurs.
func evalEmpty(n Node) bool {
	switch n := n.(type) {
	case *And:
		for _, k := range n.Kids {
			if !evalEmpty(k) {
				return false
			}
		}
		return true
	case *Or:
		for _, k := range n.Kids {
			if evalEmpty(k) {
				return true
			}
		}
		return false
	case *Not:
		return !evalEmpty(n.Kid)
	case *FieldScope:
		return evalEmpty(n.Kid)
	}
	return false
}
