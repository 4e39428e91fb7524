package scrape

import (
	"bytes"
	"errors"
	"fmt"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// MaxDepth bounds how deeply a page's elements may nest. The HTML parser
// scans its stack of open elements for many tags, so a page of a million
// nested elements would take it hours; real pages nest a few dozen levels.
const MaxDepth = 1024

// ErrTooDeep: the page nests elements more than MaxDepth deep.
var ErrTooDeep = errors.New("elements nested too deeply")

// ParseHTML parses a page that is already UTF-8, after checking in linear
// time that it does not nest elements deeper than MaxDepth.
func ParseHTML(doc []byte) (*html.Node, error) {
	if d := nesting(doc, MaxDepth); d > MaxDepth {
		return nil, fmt.Errorf("%w: more than %d levels", ErrTooDeep, MaxDepth)
	}
	return html.Parse(bytes.NewReader(doc))
}

// nesting estimates the deepest nesting of a page's elements with the
// tokenizer, stopping once it passes limit. Void elements and those whose
// end tag may be left out (p, li, td, ...) are not counted: sloppy pages
// leave them open by the thousand, and the parser closes them itself. An
// end tag closes up to the last open element of its name.
func nesting(doc []byte, limit int) int {
	z := html.NewTokenizer(bytes.NewReader(doc))
	var open []string         // names, not atoms: unknown elements nest too
	count := map[string]int{} // open elements by name: a stray end tag costs no scan
	deepest := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return deepest
		case html.StartTagToken:
			name, _ := z.TagName()
			if flat[atom.Lookup(name)] {
				continue
			}
			open = append(open, string(name))
			count[string(name)]++
			if len(open) > deepest {
				deepest = len(open)
				if deepest > limit {
					return deepest
				}
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			if count[string(name)] == 0 {
				continue
			}
			for i := len(open) - 1; i >= 0; i-- {
				if open[i] == string(name) {
					for _, closed := range open[i:] {
						count[closed]--
					}
					open = open[:i]
					break
				}
			}
		}
	}
}

// flat are the elements that nesting does not count: void elements, and
// those whose end tag is optional or which the parser never nests.
var flat = map[atom.Atom]bool{
	atom.Area: true, atom.Base: true, atom.Br: true, atom.Col: true, atom.Embed: true,
	atom.Hr: true, atom.Img: true, atom.Input: true, atom.Link: true, atom.Meta: true,
	atom.Source: true, atom.Track: true, atom.Wbr: true, atom.Param: true,
	atom.P: true, atom.Li: true, atom.Dt: true, atom.Dd: true, atom.Option: true,
	atom.Optgroup: true, atom.Tr: true, atom.Td: true, atom.Th: true, atom.Thead: true,
	atom.Tbody: true, atom.Tfoot: true, atom.Colgroup: true, atom.Rb: true, atom.Rt: true,
	atom.Rtc: true, atom.Rp: true, atom.Html: true, atom.Head: true, atom.Body: true,
}
