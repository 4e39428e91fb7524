package text

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
			if Hidden(a) {
				if tt == html.StartTagToken {
					skip++
				}
				continue
			}
			if Breaks(a) {
				b.WriteByte('\n')
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if Hidden(a) {
				if skip > 0 {
					skip--
				}
				continue
			}
			if Breaks(a) {
				b.WriteByte('\n')
			}
		}
	}
}
