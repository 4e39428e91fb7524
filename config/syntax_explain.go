package config

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
)

// The library's problems, as it words them.
const (
	yamlTabViolates   = "found a tab character that violates indentation"
	yamlTabExpected   = "found a tab character where an indentation space is expected"
	yamlCannotStart   = "found character that cannot start any token"
	yamlEndOfStream   = "found unexpected end of stream"
	yamlDocIndicator  = "found unexpected document indicator"
	yamlExpectKey     = "did not find expected key"
	yamlExpectDash    = "did not find expected '-' indicator"
	yamlMappingValue  = "mapping values are not allowed in this context"
	yamlSeqEntry      = "block sequence entries are not allowed in this context"
	yamlExpectColon   = "could not find expected ':'"
	yamlNodeContent   = "did not find expected node content"
	yamlFlowSeq       = "did not find expected ',' or ']'"
	yamlFlowMap       = "did not find expected ',' or '}'"
	yamlAnchorName    = "did not find expected alphabetic or numeric character"
	yamlUnknownEscape = "found unknown escape character"
	yamlBlockHeader   = "did not find expected comment or line break"
	yamlDirective     = "found unknown directive name"
	yamlControl       = "control characters are not allowed"
)

// maxExplainBytes bounds the files whose syntax errors are placed exactly:
// each step of the search decodes the file again, and the library reads
// about a megabyte a second on a busy machine.
const maxExplainBytes = 256 << 10

var yamlUnknownAnchor = regexp.MustCompile(`^unknown anchor '(.*)' referenced$`)

// explainYAML places a syntax error from the YAML library at the character
// that causes it and says what is wrong in plain words. When the fault
// cannot be found it keeps the library's line and words.
func explainYAML(data []byte, err error) fault {
	line, problem := splitYAMLError(err.Error())
	fallback := fault{line: max(line, 1), col: 1, msg: "invalid YAML: " + problem}
	if len(data) > maxExplainBytes {
		return fallback
	}
	if bytes.HasPrefix(data, []byte{0xfe, 0xff}) || bytes.HasPrefix(data, []byte{0xff, 0xfe}) {
		return fallback // UTF-16: prefixes of it are not what the library read
	}
	t := newYAMLText(data)
	failure := yamlFailure(data)
	if failure == "" {
		return fallback
	}
	if f, ok := t.explain(failure); ok {
		return f
	}
	return fallback
}

func (t *yamlText) explain(failure string) (fault, bool) {
	printed, problem := splitYAMLError(failure)
	line, col := t.locate(failure)
	if line == 0 {
		return fault{}, false
	}
	at := func(c int, format string, args ...any) (fault, bool) {
		return fault{line: line, col: c, msg: fmt.Sprintf(format, args...)}, true
	}
	if f, ok := t.openQuoteBefore(line, problem); ok {
		return f, true
	}
	ch := t.charAt(line, col)
	first := t.firstColumn(line)
	switch {
	case problem == yamlTabViolates || problem == yamlTabExpected || (problem == yamlCannotStart && ch == '\t'):
		if col <= first {
			return at(col, "a tab character is not allowed in indentation: indent with spaces")
		}
		return at(col, "a tab character is not allowed here: use spaces")
	case problem == yamlCannotStart:
		return at(col, `"%c" cannot start a value: put the value in quotes`, ch)
	case problem == yamlControl:
		return at(col, "control character %U is not allowed in YAML: remove it", ch)
	case strings.Contains(problem, "UTF-8") || problem == "invalid Unicode character":
		// The library notices a bad sequence only at its last byte.
		if c := t.invalidUTF8(line); c > 0 {
			col = c
		}
		return at(col, "this is not UTF-8 text (byte %#02x): save the file as UTF-8", t.byteAt(line, col))
	case problem == yamlEndOfStream:
		return at(col, "the quote %c opened here is never closed", ch)
	case problem == yamlFlowSeq || problem == yamlFlowMap:
		return t.flow(printed, line, problem)
	case yamlUnknownAnchor.MatchString(problem):
		name := yamlUnknownAnchor.FindStringSubmatch(problem)[1]
		if c := t.find(line, `(?:^|[\s\[{,])(\*)`+regexp.QuoteMeta(name)+`(?:$|[\s,\]}])`); c > 0 {
			col = c
		}
		return at(col, "alias *%s refers to no anchor: define &%s before it is used", name, name)
	case problem == yamlAnchorName:
		if ch == '*' {
			return at(col, "an alias (*) needs the name of an anchor, such as *common")
		}
		return at(col, "an anchor (&) needs a name, such as &common")
	case problem == yamlUnknownEscape:
		return at(col, `\%c is not an escape in a double-quoted value: write \\ for a backslash, or use single quotes`, t.charAt(line, col+1))
	case problem == yamlBlockHeader && bytes.ContainsAny(t.line(line)[:t.offset(line, col)], "|>"):
		return at(col, `only an indentation digit, "+" or "-" and a comment may follow | or > on its line`)
	case problem == yamlDirective:
		return at(first, `a line that starts with "%%" is a YAML directive: put the value in quotes`)
	case problem == yamlNodeContent:
		return at(col, `"%c" cannot start a value: put the value in quotes`, ch)
	}
	structural := problem == yamlExpectKey || problem == yamlExpectDash || problem == yamlMappingValue ||
		problem == yamlSeqEntry || problem == yamlExpectColon
	if !structural {
		return at(col, "invalid YAML: %s", problem)
	}
	if t.startsLine(line, col) {
		if f, ok := t.indentation(line); ok {
			return f, true
		}
	}
	closing := t.lastBefore(line, col)
	switch {
	case problem == yamlMappingValue:
		return at(col, `a value that contains ": " must be put in quotes`)
	case problem == yamlSeqEntry:
		return at(col, `a list item ("- ") cannot follow a key on its line: put it on the next line, indented, or quote the value`)
	case problem == yamlExpectColon:
		return at(first, `expected "key: value" on this line: is the ":" missing?`)
	case ch == ':':
		return at(col, `a ":" with no key before it`)
	case ch == ']' || ch == '}':
		return at(col, `"%c" closes nothing: no "%c" is open`, ch, map[rune]rune{']': '[', '}': '{'}[ch])
	case closing == '"' || closing == '\'':
		return at(col, `text after a closing quote: quote the whole value (inside '...' write '' for ', inside "..." write \" for ")`)
	case !t.startsLine(line, col):
		return at(col, "unexpected text after the value: put the whole value in quotes")
	case problem == yamlExpectDash:
		return at(first, `expected a list item ("- ") at this indentation`)
	}
	return at(first, `expected a key ("name: value") at this indentation`)
}

// openQuoteBefore finds a quote left open at the end of the line before
// line: a later quote closes it, and the library trips over what follows.
// The fault is the quote that opened.
func (t *yamlText) openQuoteBefore(line int, problem string) (fault, bool) {
	if line < 2 {
		return fault{}, false
	}
	before := t.upTo(line, 0)
	pre := yamlFailure(before)
	if _, p := splitYAMLError(pre); p != yamlEndOfStream {
		return fault{}, false
	}
	qt := newYAMLText(before)
	ql, qc := qt.locate(pre)
	if ql == 0 {
		return fault{}, false
	}
	q := t.charAt(ql, qc)
	if problem == yamlDocIndicator {
		return fault{ql, qc, fmt.Sprintf(`the quote %c opened here is never closed: it runs into the "---" on line %d`, q, line)}, true
	}
	return fault{ql, qc, fmt.Sprintf("the quote %c opened here is closed only on line %d: is a closing quote missing?", q, line)}, true
}

// lineKind tells a list item from a key from anything else, for messages.
type lineKind int

const (
	otherLine lineKind = iota
	itemLine
	keyLine
)

var keyPrefix = regexp.MustCompile(`^(?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#"'\-?:,\[\]{}][^#]*?|-[^\s#][^#]*?)[ \t]*:(?:\s|$)`)

func kindOf(rest []byte) lineKind {
	switch {
	case bytes.Equal(rest, []byte("-")) || bytes.HasPrefix(rest, []byte("- ")):
		return itemLine
	case keyPrefix.Match(rest):
		return keyLine
	}
	return otherLine
}

// indentation explains a line that the library refuses at its first token
// as a line out of place: a key among list items or an item among keys at
// the same indentation, or a line that some other indentation would fix,
// as the library itself confirms.
func (t *yamlText) indentation(line int) (fault, bool) {
	l := t.line(line)
	ind := leadingSpaces(l)
	rest := l[ind:]
	kind := kindOf(rest)
	at := func(format string, args ...any) (fault, bool) {
		return fault{line: line, col: ind + 1, msg: fmt.Sprintf(format, args...)}, true
	}
	for k := line - 1; k >= 1; k-- {
		s, ok := t.content(k)
		if !ok {
			continue
		}
		if n := leadingSpaces(s); n < ind {
			break
		} else if n > ind {
			continue
		}
		switch other := kindOf(s[ind:]); {
		case kind == keyLine && other == itemLine:
			return at(`a key where the list of line %d expects an item: start it with "- ", or indent it into the item above`, k)
		case kind == itemLine && other == keyLine:
			return at(`a list item where the mapping of line %d expects a key: a list goes under its key, indented`, k)
		}
		break
	}
	// The nearest line above, of the same kind, whose indentation would
	// make this line valid.
	bestLine, bestInd := 0, 0
	for v := range min(ind+9, 65) {
		k := t.sibling(line, v, kind)
		if v == ind || k <= bestLine {
			continue
		}
		fixed := append(append(append(bytes.Clone(t.upTo(line, 0)), bytes.Repeat([]byte(" "), v)...), rest...), '\n')
		if yamlFailure(fixed) == "" {
			bestLine, bestInd = k, v
		}
	}
	if bestLine == 0 {
		return fault{}, false
	}
	than := "more"
	if bestInd > ind {
		than = "less"
	}
	return at("this line is indented %s than its siblings: %s where line %d has %d", than, spaces(ind), bestLine, bestInd)
}

// sibling returns the nearest line above line that is indented by exactly
// ind spaces in the same block and is of the same kind, or 0.
func (t *yamlText) sibling(line, ind int, kind lineKind) int {
	for k := line - 1; k >= 1; k-- {
		s, ok := t.content(k)
		if !ok {
			continue
		}
		switch n := leadingSpaces(s); {
		case n < ind:
			return 0
		case n == ind:
			if kindOf(s[n:]) == kind {
				return k
			}
			return 0
		}
	}
	return 0
}

func spaces(n int) string {
	if n == 1 {
		return "1 space"
	}
	return fmt.Sprintf("%d spaces", n)
}
