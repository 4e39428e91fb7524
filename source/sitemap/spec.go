// Package sitemap reads XML sitemaps into items: a `urlset` gives one item
// per page (its link the <loc>, its title the Google News <news:title> or
// else words taken from the address, its date the news publication date
// or else <lastmod>); a `sitemapindex` gives the child sitemaps to read
// next. Bodies may be gzip-compressed (sitemap.xml.gz). Include and
// exclude patterns choose which pages are items.
//
// Sitemaps are how sites without a feed (NATO's, since its rebuild) list
// their new pages. With follow and content, the caller reads each new
// page's text, as it does for HTML list pages; this package gives the
// settings and their validation, not the fetching.
package sitemap

import (
	"fmt"
	"strings"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/source/internal/check"
	"github.com/attache-dev/attache/source/scrape"
)

// Problem is one thing wrong with a sitemap's settings; Validate returns
// every problem it finds (check.All lists them).
type Problem = check.Problem

// Bounds on the child sitemaps of an index read in one poll.
const (
	// DefaultMaxSitemaps: an index usually lists its newest sitemaps
	// first or dates them; five covers a news section's recent months.
	DefaultMaxSitemaps = 5
	maxMaxSitemaps     = 50
)

// Spec is the `sitemap:` block of a source.
type Spec struct {
	// Include, when set, keeps only the pages whose address matches one of
	// these patterns; Exclude then drops those matching one of its own.
	// A pattern is a path prefix: it starts with "/" and matches every
	// address whose path begins with it ("/en/news-and-events/articles/news/"),
	// and a "*" in it stands for any characters but "/" ("/*/news/" for
	// every language). A pattern that starts with http:// or https://
	// is a prefix of the whole address instead (scheme, host and path).
	// Case counts, as it does in paths; the query is not looked at.
	Include []string `yaml:"include"`
	Exclude []string `yaml:"exclude"`
	// Sitemaps, when set, keeps only the child sitemaps of an index whose
	// address matches one of these patterns (same syntax).
	Sitemaps []string `yaml:"sitemaps"`
	// MaxSitemaps bounds how many child sitemaps of an index are read in
	// one poll, the most recently modified first; 0 means
	// DefaultMaxSitemaps.
	MaxSitemaps int `yaml:"max_sitemaps"`
	// Follow asks for each new page, where Content (and Title, when set)
	// are read, as for an HTML list page.
	Follow bool `yaml:"follow"`
	// Content is the selector of the text on each page ("main",
	// "div.article-body", "meta[name=description]@content").
	Content string `yaml:"content"`
	// Title, when set, is read on each followed page and replaces the
	// title taken from the sitemap ("h1", "meta[property='og:title']@content").
	Title string `yaml:"title"`
}

// SpecOf is the reader's form of a source's sitemap settings.
func SpecOf(s *attache.SitemapSpec) Spec {
	return Spec{Include: s.Include, Exclude: s.Exclude, Sitemaps: s.Sitemaps, MaxSitemaps: s.MaxSitemaps,
		Follow: s.Follow, Content: s.Content, Title: s.Title}
}

// Validate checks the settings; the error lists every problem as a
// *Problem whose Key is the setting concerned ("include[1]").
func (s Spec) Validate() error {
	_, err := s.Compile()
	return err
}

// Compile checks the settings and returns the filter that Read applies.
func (s Spec) Compile() (*Filter, error) {
	var l check.List
	f := &Filter{max: s.MaxSitemaps, follow: s.Follow}
	if f.max == 0 {
		f.max = DefaultMaxSitemaps
	}
	f.include = compileAll(&l, "include", s.Include)
	f.exclude = compileAll(&l, "exclude", s.Exclude)
	f.sitemaps = compileAll(&l, "sitemaps", s.Sitemaps)
	if s.MaxSitemaps < 0 || s.MaxSitemaps > maxMaxSitemaps {
		l.Add("max_sitemaps", fmt.Sprintf("%d is out of range: give 1 to %d (0 or none means %d)", s.MaxSitemaps, maxMaxSitemaps, DefaultMaxSitemaps))
	}
	var err error
	if f.content, err = pageValue(s.Content); err != nil {
		l.Add("content", err.Error())
	}
	if f.title, err = pageValue(s.Title); err != nil {
		l.Add("title", err.Error())
	}
	switch {
	case s.Follow && f.content.IsZero():
		l.Add("follow", "follow: true needs content: the selector of the text on each page, such as \"main\" or \"div.article-body\"")
	case !s.Follow && !f.content.IsZero():
		l.Add("content", "content is read on each page: set follow: true as well")
	case !s.Follow && !f.title.IsZero():
		l.Add("title", "title is read on each page: set follow: true as well")
	}
	if len(l) > 0 {
		return nil, l.Err()
	}
	return f, nil
}

// pageValue parses a selector read on another page: it needs an element,
// so "@attr" alone is refused.
func pageValue(s string) (scrape.Value, error) {
	v, err := scrape.ParseValue(s)
	if err != nil {
		return scrape.Value{}, err
	}
	if strings.HasPrefix(strings.TrimSpace(s), "@") {
		return scrape.Value{}, fmt.Errorf("%q is read on each page, so it needs a selector before the @, such as \"meta[name=description]@content\"", s)
	}
	return v, nil
}

func compileAll(l *check.List, key string, patterns []string) []pattern {
	var out []pattern
	for i, raw := range patterns {
		p, err := compilePattern(raw)
		if err != nil {
			l.Add(fmt.Sprintf("%s[%d]", key, i), err.Error())
			continue
		}
		out = append(out, p)
	}
	return out
}
