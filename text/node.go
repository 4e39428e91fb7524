package text

import (
	"strings"
	"unicode"

	"golang.org/x/net/html"
)

// rawText is the text of n and its descendants, with a line break at the
// edges of block elements.
func rawText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			// A line break in the source is white space, like any other;
			// only block edges break lines.
			b.WriteString(strings.Map(func(r rune) rune {
				if r == '\n' || r == '\r' {
					return ' '
				}
				return r
			}, n.Data))
			return
		case html.CommentNode, html.DoctypeNode:
			return
		case html.ElementNode:
			if Hidden(n.DataAtom) {
				return
			}
			if Breaks(n.DataAtom) {
				b.WriteByte('\n')
				defer b.WriteByte('\n')
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// Line is the text of n on one line: every run of white space (U+00A0
// too) becomes one space. Titles, dates and summaries are read so.
func Line(n *html.Node) string {
	return OneLine(rawText(n))
}

// OneLine writes every run of white space in s (U+00A0 and U+200B too) as
// one space, and trims the ends.
func OneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, isSpace), " ")
}

// Block is the text of n with its paragraphs kept: each line's white
// space collapsed, blank lines dropped, lines joined by one break. Content
// is read so, to stay readable in an alert snippet.
func Block(n *html.Node) string {
	return paragraphs(rawText(n))
}

func paragraphs(s string) string {
	var lines []string
	for line := range strings.SplitSeq(s, "\n") {
		if l := strings.Join(strings.FieldsFunc(line, isSpace), " "); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

func isSpace(r rune) bool { return unicode.IsSpace(r) || r == '\u00a0' || r == '\u200b' }
