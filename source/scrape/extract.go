package scrape

import (
	"strings"

	"github.com/PuerkitoBio/goquery"
	"github.com/attache-dev/attache/text"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Entry is one item as a list page shows it, before it becomes an item:
// text on one line, the link as written in the page (the caller, who knows
// the page's address, resolves it), the date as found.
type Entry struct {
	Title   string
	Link    string
	Date    string
	Summary string
}

// Items applies the selectors to a parsed page: one Entry per element that
// Item matches, in document order, except elements with neither a title
// nor a link (an empty placeholder is not an item) and untitled elements
// whose link a titled one has. matched counts every element Item matched,
// so that the caller can tell "the selectors found nothing" from "they
// found only empty elements".
//
// The untitled duplicates are what the HTML parser makes of a link left
// open: it clones the <a>, attributes and all, around each block that
// follows, and every clone matches "a.item". A thumbnail beside its titled
// link is the other common case. Neither is an item of its own.
func (s *Spec) Items(root *html.Node) (entries []Entry, matched int) {
	if s.Item.IsZero() || root == nil {
		return nil, 0
	}
	var all []Entry
	titled := map[string]bool{} // links of entries with a title
	doc := goquery.NewDocumentFromNode(root)
	doc.FindMatcher(s.Item.m).Each(func(_ int, item *goquery.Selection) {
		matched++
		e := Entry{
			Title:   s.title(item),
			Link:    s.link(item),
			Date:    read(s.Date, item, false),
			Summary: read(s.Summary, item, false),
		}
		if e.Title != "" && e.Link != "" {
			titled[e.Link] = true
		}
		all = append(all, e)
	})
	for _, e := range all {
		if e.Title == "" && (e.Link == "" || titled[e.Link]) {
			continue
		}
		entries = append(entries, e)
	}
	return entries, matched
}

func (s *Spec) title(item *goquery.Selection) string {
	if s.Title.IsZero() {
		return text.Line(item.Get(0))
	}
	return read(s.Title, item, false)
}

// link reads the configured link, or else the item's own href, or else the
// href of the first link inside it: the usual shapes of a list entry.
func (s *Spec) link(item *goquery.Selection) string {
	if !s.Link.IsZero() {
		return read(s.Link, item, true)
	}
	if href, ok := attr(item.Get(0), "href"); ok && href != "" {
		return href
	}
	if a := item.Find("a[href]").First(); a.Length() > 0 {
		href, _ := attr(a.Get(0), "href")
		return href
	}
	return ""
}

// target is the element a Value reads within an item: the first match
// among its descendants, else the item itself when it matches (so that
// "a@href" works whether the item is the link or holds it), else none.
func target(v Value, item *goquery.Selection) *html.Node {
	if v.sel.IsZero() {
		return item.Get(0)
	}
	if found := item.FindMatcher(v.sel.m).First(); found.Length() > 0 {
		return found.Get(0)
	}
	if n := item.Get(0); v.sel.m.Match(n) {
		return n
	}
	return nil
}

// read extracts a Value within an item: the attribute, or for a link the
// href when there is one, or else the text.
func read(v Value, item *goquery.Selection, isLink bool) string {
	if v.IsZero() {
		return ""
	}
	n := target(v, item)
	if n == nil {
		return ""
	}
	if v.attr != "" {
		val, _ := attr(n, v.attr)
		return text.OneLine(val)
	}
	if isLink {
		if href, ok := attr(n, "href"); ok && href != "" {
			return href
		}
	}
	return text.Line(n)
}

// ContentOf reads the Content value on an item's page: the text of every
// element it matches, paragraphs kept, each element once (a match inside
// an earlier match adds nothing); or, with @attr, the attribute of the
// first. It is empty when nothing matches.
func (s *Spec) ContentOf(root *html.Node) string {
	if s.Content.IsZero() || root == nil {
		return ""
	}
	doc := goquery.NewDocumentFromNode(root)
	if s.Content.sel.IsZero() {
		return "" // "@attr" alone has no element to read on another page
	}
	found := doc.FindMatcher(s.Content.sel.m)
	if found.Length() == 0 {
		return ""
	}
	if s.Content.attr != "" {
		val, _ := attr(found.Get(0), s.Content.attr)
		return val
	}
	var parts []string
	var taken []*html.Node
	for _, n := range found.Nodes {
		if inside(n, taken) {
			continue
		}
		taken = append(taken, n)
		if t := text.Block(n); t != "" {
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, "\n\n")
}

// inside reports whether n is a descendant of one of the nodes.
func inside(n *html.Node, nodes []*html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		for _, t := range nodes {
			if p == t {
				return true
			}
		}
	}
	return false
}

// BaseHref returns the href of the page's <base> element, which relative
// links are resolved against instead of the page's address, or "".
func BaseHref(root *html.Node) string {
	if n := first(root, atom.Base, "href"); n != nil {
		v, _ := attr(n, "href")
		return v
	}
	return ""
}

// Lang returns the lang attribute of the page's <html> element, or "".
func Lang(root *html.Node) string {
	if n := first(root, atom.Html, "lang"); n != nil {
		v, _ := attr(n, "lang")
		return v
	}
	return ""
}

// first finds the first element of kind a that has the attribute key.
func first(n *html.Node, a atom.Atom, key string) *html.Node {
	if n == nil {
		return nil
	}
	if n.Type == html.ElementNode && n.DataAtom == a {
		if _, ok := attr(n, key); ok {
			return n
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := first(c, a, key); f != nil {
			return f
		}
	}
	return nil
}

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
