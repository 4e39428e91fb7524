package config

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// source is the configuration text split into lines of runes, so that a
// position inside a scalar can be given as a line and a column counted in
// characters, as YAML's own positions are.
type source struct {
	lines [][]rune
}

func newSource(data []byte) *source {
	parts := strings.Split(string(data), "\n")
	s := &source{lines: make([][]rune, len(parts))}
	for i, p := range parts {
		s.lines[i] = []rune(p)
	}
	return s
}

// cursor is a place in the source: a line and a rune index, both from 0.
type cursor struct{ line, col int }

// at returns the rune at c, '\n' at the end of a line that has a next one,
// and false past the end of the text.
func (s *source) at(c cursor) (rune, bool) {
	if c.line < 0 || c.line >= len(s.lines) || c.col < 0 {
		return 0, false
	}
	l := s.lines[c.line]
	switch {
	case c.col < len(l):
		return l[c.col], true
	case c.col == len(l) && c.line+1 < len(s.lines):
		return '\n', true
	}
	return 0, false
}

func (s *source) next(c cursor) cursor {
	if c.line < len(s.lines) && c.col >= len(s.lines[c.line]) {
		return cursor{c.line + 1, 0}
	}
	return cursor{c.line, c.col + 1}
}

func isSpace(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' }

// scalarPos returns a function that gives the line and column (1-based) of
// a byte offset into a scalar node's value. It walks the source from where
// the scalar starts, matching the value rune by rune while undoing what
// YAML did to it: quotes, doubled single quotes, backslash escapes, folding,
// indentation and block headers. When the walk cannot account for the
// value, every offset falls back to the start of the scalar: a position
// that is coarse but never wrong.
func (s *source) scalarPos(n *yaml.Node) func(off int) (int, int) {
	start := func(int) (int, int) { return n.Line, max(n.Column, 1) }
	if n.Kind != yaml.ScalarNode || n.Line < 1 {
		return start
	}
	pos, ok := s.align(n)
	if !ok {
		return start
	}
	return func(off int) (int, int) {
		c := pos[min(max(off, 0), len(pos)-1)]
		return c.line + 1, c.col + 1
	}
}

// align maps each byte offset of n.Value, and the offset just past its end,
// to a place in the source.
func (s *source) align(n *yaml.Node) ([]cursor, bool) {
	c := cursor{n.Line - 1, n.Column - 1}
	// Skip a tag (!!str) or an anchor (&a) before the scalar itself.
	for r, ok := s.at(c); ok && (r == '!' || r == '&'); r, ok = s.at(c) {
		for ; ok && !isSpace(r); r, ok = s.at(c) {
			c = s.next(c)
		}
		c = s.skipSpace(c, false)
	}
	dq := n.Style&yaml.DoubleQuotedStyle != 0
	sq := n.Style&yaml.SingleQuotedStyle != 0
	r, _ := s.at(c)
	switch {
	case dq || sq:
		if (dq && r != '"') || (sq && r != '\'') {
			return nil, false
		}
		c = s.next(c)
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		if r != '|' && r != '>' {
			return nil, false
		}
		c = cursor{c.line + 1, 0} // content starts on the line after the header
	}

	v := n.Value
	pos := make([]cursor, len(v)+1)
	end := c
	for k, r := range v {
		if isSpace(r) {
			// Whitespace may be written as is, escaped, or made by folding
			// a line break: its exact source is a guess, never a failure.
			if ch, _ := s.at(c); dq && ch == '\\' {
				if e, m, ok := s.escape(c); ok && m > 0 && e == r {
					pos[k] = c
					c = s.advance(c, m)
					continue
				}
			}
			pos[k] = c
			c = s.skipSpace(c, dq)
			continue
		}
		c = s.skipSpace(c, dq)
		ch, ok := s.at(c)
		if !ok {
			return nil, false
		}
		width := 1
		switch {
		case sq && r == '\'':
			if nx, _ := s.at(s.next(c)); ch != '\'' || nx != '\'' {
				return nil, false
			}
			width = 2
		case dq && ch == '\\':
			e, m, ok := s.escape(c)
			if !ok || e != r {
				return nil, false
			}
			width = m
		case ch != r:
			return nil, false
		}
		for i := 0; i < len(string(r)); i++ {
			pos[k+i] = c
		}
		c = s.advance(c, width)
		end = c
	}
	// An offset at the end of the value (a query that stops too early)
	// points just after its last visible character.
	if len(v) > 0 && strings.TrimSpace(v) == "" {
		end = pos[0]
	}
	pos[len(v)] = end
	return pos, true
}

func (s *source) advance(c cursor, n int) cursor {
	for range n {
		c = s.next(c)
	}
	return c
}

// skipSpace moves past spaces, tabs and line breaks, and in a double-quoted
// scalar past escaped line breaks too.
func (s *source) skipSpace(c cursor, dq bool) cursor {
	for {
		r, ok := s.at(c)
		if !ok {
			return c
		}
		if isSpace(r) {
			c = s.next(c)
			continue
		}
		if dq && r == '\\' {
			if nx, _ := s.at(s.next(c)); nx == '\n' || nx == '\r' {
				c = s.next(c)
				continue
			}
		}
		return c
	}
}

// escape decodes the double-quoted escape at c: the rune it stands for and
// how many source runes it takes.
func (s *source) escape(c cursor) (rune, int, bool) {
	r, ok := s.at(s.next(c))
	if !ok {
		return 0, 0, false
	}
	if e, ok := simpleEscapes[r]; ok {
		return e, 2, true
	}
	digits := map[rune]int{'x': 2, 'u': 4, 'U': 8}[r]
	if digits == 0 {
		return 0, 0, false
	}
	var hex []rune
	for i, h := 0, s.advance(c, 2); i < digits; i, h = i+1, s.next(h) {
		d, ok := s.at(h)
		if !ok {
			return 0, 0, false
		}
		hex = append(hex, d)
	}
	code, err := strconv.ParseUint(string(hex), 16, 32)
	if err != nil {
		return 0, 0, false
	}
	return rune(code), 2 + digits, true
}

var simpleEscapes = map[rune]rune{
	'0': 0, 'a': '\a', 'b': '\b', 't': '\t', '\t': '\t', 'n': '\n', 'v': '\v', 'f': '\f',
	'r': '\r', 'e': 0x1b, ' ': ' ', '"': '"', '/': '/', '\\': '\\', 'N': 0x85,
	'_': 0xa0, 'L': 0x2028, 'P': 0x2029,
}
