package web_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// newServer serves h on a real listener and returns its URL.
func newServer(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// breaks are the elements whose edges separate words in the page's text.
var breaks = []string{"br", "p", "div", "td", "th", "tr", "h1", "h2", "section", "header", "table"}

// text is the visible text of n as a reader sees it: words separated where
// the layout separates them, runs of space collapsed.
func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			b.WriteString(n.Data)
			return
		case n.Type == html.ElementNode && (n.Data == "style" || n.Data == "head"):
			return
		}
		isBreak := n.Type == html.ElementNode && slices.Contains(breaks, n.Data)
		if isBreak {
			b.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if isBreak {
			b.WriteByte(' ')
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// rowsOf returns the text of each cell of each body row of the table in the
// section with the given id.
func rowsOf(t *testing.T, doc *html.Node, id string) [][]string {
	t.Helper()
	var section *html.Node
	for n := range doc.Descendants() {
		if n.Type == html.ElementNode && n.Data == "section" && attr(n, "id") == id {
			section = n
			break
		}
	}
	if section == nil {
		t.Fatalf("no section %q", id)
	}
	var rows [][]string
	for n := range section.Descendants() {
		if n.Type != html.ElementNode || n.Data != "tr" || n.Parent.Data != "tbody" {
			continue
		}
		var cells []string
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && c.Data == "td" {
				cells = append(cells, text(c))
			}
		}
		rows = append(rows, cells)
	}
	return rows
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// links returns the href of every link in doc.
func links(doc *html.Node) []string {
	var hrefs []string
	for n := range doc.Descendants() {
		if n.Type == html.ElementNode && n.Data == "a" {
			hrefs = append(hrefs, attr(n, "href"))
		}
	}
	return hrefs
}

func compareRows(t *testing.T, got, want [][]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d rows, want %d:\n%q", len(got), len(want), got)
	}
	for i := range min(len(got), len(want)) {
		if !slices.Equal(got[i], want[i]) {
			t.Errorf("row %d:\n got %q\nwant %q", i, got[i], want[i])
		}
	}
}
