package config

import (
	"bytes"
	"fmt"
	"unicode/utf8"
)

// flow explains a flow collection ([a, b] or {k: v}) that the library
// found unfinished. Each prefix of the line it names is completed with the
// quotes and brackets still open; the first that still fails holds the
// fault. When none does, the collection opened at line start is never
// closed, and the fault is its bracket. Along the line, completed prefixes
// are valid up to the fault and fail from it on, so it is found by halving.
func (t *yamlText) flow(start, line int, problem string) (fault, bool) {
	open, closer := byte('['), byte(']')
	if problem == yamlFlowMap {
		open, closer = '{', '}'
	}
	if start < 1 || start > line {
		start = line
	}
	l := t.line(line)
	var ends []int
	for off := 0; off < len(l); {
		_, size := utf8.DecodeRune(l[off:])
		off += size
		ends = append(ends, off)
	}
	fails := func(i int) bool {
		if i == len(ends) {
			return true
		}
		prefix := t.upTo(line, ends[i])
		completed := append(bytes.Clone(prefix), scanFlow(prefix[t.starts[start-1]:]).closers()...)
		_, p := splitYAMLError(yamlFailure(completed))
		return p == problem
	}
	if i := firstTrue(0, len(ends), fails); i < len(ends) {
		// At the first character past the fault; a space is no fault.
		col := i + 1
		for col > 1 && (l[t.offset(line, col)] == ' ' || l[t.offset(line, col)] == '\t') {
			col--
		}
		return fault{line, col, fmt.Sprintf(`expected "," or "%c" here: separate entries with ",", and quote a value that contains ": "`, closer)}, true
	}
	st := scanFlow(t.data[t.starts[start-1]:t.starts[line]])
	for i := len(st.stack) - 1; i >= 0; i-- {
		if o := st.stack[i]; o.ch == open {
			return fault{start + o.line, o.col, fmt.Sprintf("the %c opened here is never closed", open)}, true
		}
	}
	return fault{}, false
}

// flowState is what is left open at the end of a piece of YAML: brackets
// with their places (lines from 0, columns from 1), and a quote.
type flowState struct {
	stack []struct {
		ch        byte
		line, col int
	}
	quote byte
}

// closers returns the text that closes what is open: the quote, then the
// brackets from the innermost out.
func (s flowState) closers() []byte {
	var out []byte
	if s.quote != 0 {
		out = append(out, s.quote)
	}
	for i := len(s.stack) - 1; i >= 0; i-- {
		out = append(out, map[byte]byte{'[': ']', '{': '}'}[s.stack[i].ch])
	}
	return out
}

// scanFlow follows brackets and quotes through b, skipping comments. It
// knows no more YAML than that: it only completes prefixes that the
// library then judges.
func scanFlow(b []byte) flowState {
	var s flowState
	line, col := 0, 0
	prev := byte('\n')
	for i := 0; i < len(b); i++ {
		c := b[i]
		col++
		if c&0xc0 == 0x80 {
			col-- // a continuation byte is no new character
		}
		switch {
		case c == '\n':
			line, col = line+1, 0
			if s.quote == 0 {
				prev = c
				continue
			}
		case s.quote == '"':
			if c == '\\' {
				i++
				col++
			} else if c == '"' {
				s.quote = 0
			}
		case s.quote == '\'':
			if c == '\'' && i+1 < len(b) && b[i+1] == '\'' {
				i++
				col++
			} else if c == '\'' {
				s.quote = 0
			}
		case c == '#' && (prev == ' ' || prev == '\t' || prev == '\n'):
			for i+1 < len(b) && b[i+1] != '\n' {
				i++
			}
		case (c == '"' || c == '\'') && bytes.IndexByte([]byte(" \t\n[{,:"), prev) >= 0:
			s.quote = c
		case c == '[' || c == '{':
			s.stack = append(s.stack, struct {
				ch        byte
				line, col int
			}{c, line, col})
		case (c == ']' || c == '}') && len(s.stack) > 0 && s.stack[len(s.stack)-1].ch == map[byte]byte{']': '[', '}': '{'}[c]:
			s.stack = s.stack[:len(s.stack)-1]
		}
		prev = c
	}
	return s
}
