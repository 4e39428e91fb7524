package config

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"strconv"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// The YAML library reports a syntax error at the line where the enclosing
// collection or scalar starts, sometimes off by one, sometimes with no line
// at all, and never with a column: a key indented one space too few on line
// 68 comes out as "line 5: did not find expected '-' indicator". The place
// of the fault is known only inside the library. It is found here by asking
// the library itself: the fault is on the first line whose inclusion makes a
// prefix of the file fail exactly as the whole file does, and at the first
// character of that line that does. The library stays the only judge of
// what is valid YAML; this file only finds where it changes its mind.

// fault is a syntax error placed at the character that causes it.
type fault struct {
	line, col int // 1-based, the column counted in characters
	msg       string
}

// yamlText is the configuration split at line breaks, in bytes, so that any
// prefix of it can be decoded again.
type yamlText struct {
	data   []byte
	starts []int // byte offset of each line; starts[len] is len(data)
}

func newYAMLText(data []byte) *yamlText {
	t := &yamlText{data: data, starts: []int{0}}
	for i, b := range data {
		if b == '\n' {
			t.starts = append(t.starts, i+1)
		}
	}
	if t.starts[len(t.starts)-1] != len(data) {
		t.starts = append(t.starts, len(data))
	}
	return t
}

// lines is the number of lines, a last one without a line break included.
func (t *yamlText) lines() int { return len(t.starts) - 1 }

// line returns line n (1-based) without its line break.
func (t *yamlText) line(n int) []byte {
	b := t.data[t.starts[n-1]:t.starts[n]]
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}

// upTo returns the text before line n (1-based) plus the first off bytes
// of line n.
func (t *yamlText) upTo(n, off int) []byte {
	return t.data[:t.starts[n-1]+off]
}

// yamlFailure decodes b as the loader does (a document, then a look at the
// next) and returns the library's error message, "" when b is valid. A
// comment line goes first so that no mark falls on the library's line 0,
// where it prints the problem's line instead of the context's: with it,
// a prefix and the whole file that fail for the same reason fail with the
// same message.
func yamlFailure(b []byte) string {
	src := make([]byte, 0, len(b)+2)
	src = append(append(src, "#\n"...), b...)
	dec := yaml.NewDecoder(bytes.NewReader(src))
	for range 2 {
		var n yaml.Node
		if err := dec.Decode(&n); err != nil {
			if errors.Is(err, io.EOF) {
				return ""
			}
			return err.Error()
		}
	}
	return ""
}

// yamlMessage splits the library's message into its line (0 when it gives
// none) and its problem.
var yamlMessage = regexp.MustCompile(`^yaml: (?:line (\d+): )?`)

func splitYAMLError(msg string) (int, string) {
	m := yamlMessage.FindStringSubmatch(msg)
	if m == nil {
		return 0, msg
	}
	n, _ := strconv.Atoi(m[1])
	return n, msg[len(m[0]):]
}

// locate finds the line and column where the text first fails as a whole
// with failure (a yamlFailure message), or 0, 0. The line is the first whose
// inclusion makes a prefix fail so, and the column the first character of
// that line that does; before the fault a prefix is valid or fails for
// another reason (it stops inside a quote), from the fault on it fails the
// same way, so both are found by halving.
func (t *yamlText) locate(failure string) (int, int) {
	printed, _ := splitYAMLError(failure)
	// The library names the line where the enclosing node starts, or the
	// fault's own line, one more for its scanner's errors: the fault is
	// never above it.
	lo := min(max(printed-1, 1), t.lines())
	line := firstTrue(lo, t.lines(), func(k int) bool { return yamlFailure(t.data[:t.starts[k]]) == failure })
	if yamlFailure(t.data[:t.starts[line]]) != failure {
		return 0, 0
	}
	// Columns as byte offsets at character boundaries; after the last
	// character, only the line break makes the difference.
	l := t.line(line)
	var ends []int
	for off := 0; off < len(l); {
		_, size := utf8.DecodeRune(l[off:])
		off += size
		ends = append(ends, off)
	}
	i := firstTrue(0, len(ends), func(i int) bool {
		return i == len(ends) || yamlFailure(t.upTo(line, ends[i])) == failure
	})
	return line, i + 1
}

// firstTrue returns the smallest x in [lo, hi] for which ok holds, taking
// ok(hi) as true and ok as false then true along the range.
func firstTrue(lo, hi int, ok func(int) bool) int {
	for lo < hi {
		if mid := lo + (hi-lo)/2; ok(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// offset returns the byte offset in line n of column col (1-based
// characters, as yaml.Node counts them).
func (t *yamlText) offset(n, col int) int {
	l := t.line(n)
	off := 0
	for c := 1; c < col && off < len(l); c++ {
		_, size := utf8.DecodeRune(l[off:])
		off += size
	}
	return off
}

// column returns the column of byte offset off in line n.
func (t *yamlText) column(n, off int) int {
	return utf8.RuneCount(t.line(n)[:off]) + 1
}

// charAt returns the character at a column, 0 past the end of the line.
func (t *yamlText) charAt(n, col int) rune {
	l := t.line(n)
	off := t.offset(n, col)
	if off >= len(l) {
		return 0
	}
	r, _ := utf8.DecodeRune(l[off:])
	return r
}

// byteAt returns the first byte at a column, for bytes that are no
// character.
func (t *yamlText) byteAt(n, col int) byte {
	l := t.line(n)
	if off := t.offset(n, col); off < len(l) {
		return l[off]
	}
	return 0
}

// invalidUTF8 returns the column of the first byte of line n that starts
// no valid UTF-8 character, 0 when there is none.
func (t *yamlText) invalidUTF8(n int) int {
	l := t.line(n)
	for off, col := 0, 1; off < len(l); col++ {
		r, size := utf8.DecodeRune(l[off:])
		if r == utf8.RuneError && size == 1 {
			return col
		}
		off += size
	}
	return 0
}

// firstColumn is the column of the first character of line n that is not
// a space.
func (t *yamlText) firstColumn(n int) int {
	return leadingSpaces(t.line(n)) + 1
}

func leadingSpaces(l []byte) int {
	n := 0
	for n < len(l) && l[n] == ' ' {
		n++
	}
	return n
}

// startsLine reports whether column col of line n is in the first word of
// the line: the library trips over a line's first token there, which is
// how a line out of place shows.
func (t *yamlText) startsLine(n, col int) bool {
	before := bytes.TrimLeft(t.line(n)[:t.offset(n, col)], " ")
	return !bytes.ContainsAny(before, " \t")
}

// lastBefore returns the last character before column col of line n that
// is not a space, 0 when there is none.
func (t *yamlText) lastBefore(n, col int) rune {
	before := bytes.TrimRight(t.line(n)[:t.offset(n, col)], " \t")
	r, size := utf8.DecodeLastRune(before)
	if size == 0 {
		return 0
	}
	return r
}

// find returns the column of the first submatch of pattern in line n, 0
// when it does not match.
func (t *yamlText) find(n int, pattern string) int {
	m := regexp.MustCompile(pattern).FindSubmatchIndex(t.line(n))
	if m == nil {
		return 0
	}
	return t.column(n, m[2])
}

// content returns line n when it holds more than spaces and a comment.
func (t *yamlText) content(n int) ([]byte, bool) {
	l := t.line(n)
	rest := bytes.TrimLeft(l, " \t")
	if len(rest) == 0 || rest[0] == '#' {
		return nil, false
	}
	return l, true
}
