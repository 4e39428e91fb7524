package scrape

import (
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// skipped elements hold no readable text: goquery's Text would return the
// body of a script inside a statement as if it were part of it.
var skipped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Iframe: true, atom.Object: true, atom.Svg: true, atom.Math: true,
}

// blocks end a line of text: without the breaks, "</p><p>" would glue the
// last word of one paragraph to the first of the next.
var blocks = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Br: true, atom.Li: true, atom.Ul: true, atom.Ol: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Tr: true, atom.Td: true, atom.Th: true, atom.Table: true, atom.Section: true,
	atom.Article: true, atom.Header: true, atom.Footer: true, atom.Blockquote: true,
	atom.Pre: true, atom.Dd: true, atom.Dt: true, atom.Dl: true, atom.Hr: true,
	atom.Figcaption: true, atom.Nav: true, atom.Aside: true, atom.Main: true,
}

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
			if skipped[n.DataAtom] {
				return
			}
			if blocks[n.DataAtom] {
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

// lineText is the text of n on one line: every run of white space (U+00A0
// too) becomes one space. Titles, dates and summaries are read so.
func lineText(n *html.Node) string {
	return strings.Join(strings.FieldsFunc(rawText(n), isSpace), " ")
}

// blockText is the text of n with its paragraphs kept: each line's white
// space collapsed, blank lines dropped, lines joined by one break. Content
// is read so, to stay readable in an alert snippet.
func blockText(n *html.Node) string {
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

// attr returns the value of n's attribute name (already lower case, as the
// HTML parser stores names), trimmed.
func attr(n *html.Node, name string) (string, bool) {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == name {
			return strings.TrimSpace(a.Val), true
		}
	}
	return "", false
}
