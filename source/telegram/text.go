package telegram

import (
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// textOf is the text of a message's markup as a reader sees it: a line
// break for each <br> and at the edges of block elements, every other run
// of white space (U+00A0 too) one space, at most one blank line between
// paragraphs, and the ends trimmed. Emoji drawn as images keep the
// character that the markup carries beside the image.
func textOf(n *html.Node) string {
	if n == nil {
		return ""
	}
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
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
			switch {
			case hidden[n.DataAtom]:
				return
			case n.DataAtom == atom.Br:
				b.WriteByte('\n')
				return
			case block[n.DataAtom]:
				b.WriteByte('\n')
				defer b.WriteByte('\n')
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return paragraphs(b.String())
}

// lineOf is the text of n on one line.
func lineOf(n *html.Node) string {
	return strings.Join(strings.FieldsFunc(textOf(n), isSpace), " ")
}

// paragraphs collapses the white space of each line, keeps one blank line
// where the text had one or more, and trims the ends.
func paragraphs(s string) string {
	var out []string
	blank := false
	for line := range strings.SplitSeq(s, "\n") {
		l := strings.Join(strings.FieldsFunc(line, isSpace), " ")
		if l == "" {
			blank = len(out) > 0
			continue
		}
		if blank {
			out = append(out, "")
			blank = false
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

func isSpace(r rune) bool {
	return unicode.IsSpace(r) || r == '\u00a0' || r == '\u200b' || r == '\ufeff'
}

// hidden elements hold no text a reader sees.
var hidden = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Svg: true, atom.Iframe: true, atom.Object: true, atom.Video: true, atom.Audio: true,
}

// block elements end a line: without the break, a quote or a code block
// would be glued to the words around it.
var block = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Blockquote: true, atom.Pre: true, atom.Li: true,
	atom.Ul: true, atom.Ol: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true,
	atom.H5: true, atom.H6: true, atom.Table: true, atom.Tr: true, atom.Hr: true,
}

// firstLine is the first line of text cut to at most max runes, at a word
// boundary where there is one, with an ellipsis when it was cut: the title
// of a message, which has none of its own.
func firstLine(text string, max int) string {
	line, _, _ := strings.Cut(strings.TrimSpace(text), "\n")
	line = strings.TrimSpace(line)
	runes := []rune(line)
	if len(runes) <= max {
		return line
	}
	cut := max - 1
	for i := cut; i > max/2; i-- {
		if isSpace(runes[i]) {
			cut = i
			break
		}
	}
	return strings.TrimRightFunc(string(runes[:cut]), func(r rune) bool { return isSpace(r) || unicode.IsPunct(r) }) + "…"
}
