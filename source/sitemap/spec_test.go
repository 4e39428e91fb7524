package sitemap

import (
	"strings"
	"testing"

	"github.com/attache-dev/attache/source/internal/check"
)

func TestPatterns(t *testing.T) {
	tests := []struct {
		pattern, url string
		want         bool
	}{
		{"/en/news/", "https://nato.example/en/news/2026/09/14/a", true},
		{"/en/news/", "https://nato.example/fr/news/2026/09/14/a", false},
		{"/en/news/", "https://nato.example/en/newsletter", false},
		{"/*/news/", "https://nato.example/fr/news/a", true},
		{"/*/news/", "https://nato.example/fr/x/news/a", false},
		{"/en/news/*/09/", "https://nato.example/en/news/2026/09/14", true},
		{"/ru/новости/", "https://mfa.example/ru/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8/1", true},
		{"/en/News/", "https://nato.example/en/news/a", false},
		{"https://WWW.nato.example/en/", "https://www.nato.example/en/a", true},
		{"https://www.nato.example/en/", "https://other.example/en/a", false},
		{"/a.b/", "https://x.example/aXb/", false},
	}
	for _, tt := range tests {
		t.Run(tt.pattern+" "+tt.url, func(t *testing.T) {
			p, err := compilePattern(tt.pattern)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.match(mustURL(t, tt.url)); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		spec Spec
		want []string // "key: part of the message"
	}{
		{"the zero spec is valid", Spec{}, nil},
		{"the NATO spec is valid", Spec{Include: []string{"/en/news-and-events/articles/news/"}, Follow: true, Content: "main", Title: "meta[property='og:title']@content"}, nil},
		{"a pattern without a leading slash says how to write it", Spec{Include: []string{"/ok/", "en/news/"}}, []string{`include[1]: "en/news/" is neither`}},
		{"an empty pattern", Spec{Exclude: []string{" "}}, []string{"exclude[0]: empty pattern"}},
		{"a query in a pattern", Spec{Include: []string{"/news?page=1"}}, []string{"include[0]:", "without its query"}},
		{"a double star", Spec{Sitemaps: []string{"/**/news"}}, []string{"sitemaps[0]:", "** is not needed"}},
		{"follow without content", Spec{Follow: true}, []string{"follow: follow: true needs content"}},
		{"content without follow", Spec{Content: "main"}, []string{"content: content is read on each page"}},
		{"a bad content selector", Spec{Follow: true, Content: "div[", Title: "@content"}, []string{"content: invalid CSS selector", "title:", "needs a selector before the @"}},
		{"max_sitemaps out of range", Spec{MaxSitemaps: 51}, []string{"max_sitemaps: 51 is out of range"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.spec.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("got %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("got no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("got %q, want it to say %q", err, w)
				}
			}
			if len(check.All(err)) == 0 {
				t.Errorf("got no *Problem in %v", err)
			}
		})
	}
}
