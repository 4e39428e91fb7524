package text

import "golang.org/x/net/html/atom"

// Hidden reports elements whose text a reader never sees: goquery's Text,
// or a bare tokenizer, would return the body of a script inside a
// statement as if it were part of it.
func Hidden(a atom.Atom) bool {
	switch a {
	case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Head, atom.Iframe,
		atom.Object, atom.Svg, atom.Math:
		return true
	}
	return false
}

// Breaks reports elements that separate the text around them: without a
// break, "</p><p>" would glue the last word of one paragraph to the first
// of the next.
func Breaks(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Br, atom.Div, atom.Li, atom.Ul, atom.Ol, atom.Tr, atom.Td, atom.Th,
		atom.Table, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Blockquote,
		atom.Pre, atom.Hr, atom.Section, atom.Article, atom.Header, atom.Footer, atom.Figure,
		atom.Figcaption, atom.Dd, atom.Dt, atom.Dl, atom.Img, atom.Aside, atom.Nav, atom.Main:
		return true
	}
	return false
}
