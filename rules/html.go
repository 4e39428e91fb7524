package rules

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// htmlToText reduces an HTML fragment to its text: tags dropped, entities
// decoded, script/style contents dropped, block elements turned into line
// breaks so that words on either side of them stay apart.
func htmlToText(s string) string {
	// Most titles are plain text; skip the tokenizer when nothing in the
	// string could be markup or an entity.
	if !strings.ContainsAny(s, "<&") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	z := html.NewTokenizer(strings.NewReader(s))
	skip := 0 // depth inside elements whose text is not content
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if isHidden(a) {
				if tt == html.StartTagToken {
					skip++
				}
				continue
			}
			if isBlock(a) {
				b.WriteByte('\n')
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if isHidden(a) {
				if skip > 0 {
					skip--
				}
				continue
			}
			if isBlock(a) {
				b.WriteByte('\n')
			}
		}
	}
}

// isHidden reports elements whose text a reader never sees.
func isHidden(a atom.Atom) bool {
	switch a {
	case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Head, atom.Iframe, atom.Svg, atom.Math:
		return true
	}
	return false
}

// isBlock reports elements that separate the text around them.
func isBlock(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Br, atom.Div, atom.Li, atom.Ul, atom.Ol, atom.Tr, atom.Td, atom.Th,
		atom.Table, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Blockquote,
		atom.Pre, atom.Hr, atom.Section, atom.Article, atom.Header, atom.Footer, atom.Figure,
		atom.Figcaption, atom.Dd, atom.Dt, atom.Dl, atom.Img, atom.Aside, atom.Nav, atom.Main:
		return true
	}
	return false
}
