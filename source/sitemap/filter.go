package sitemap

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/attache-dev/attache/source/scrape"
)

// Filter is a compiled Spec: which pages and child sitemaps to keep, and
// what a follow step reads on each page.
type Filter struct {
	include, exclude, sitemaps []pattern
	max                        int
	follow                     bool
	content, title             scrape.Value
}

// pattern is one compiled include, exclude or sitemaps pattern.
type pattern struct {
	raw   string
	whole bool // matched against scheme://host/path, not the path alone
	re    *regexp.Regexp
}

// compilePattern turns a pattern into an anchored prefix expression in
// which "*" matches within one path segment.
func compilePattern(raw string) (pattern, error) {
	s := strings.TrimSpace(raw)
	p := pattern{raw: s}
	switch {
	case s == "":
		return p, errors.New("empty pattern: write a path prefix such as \"/en/news/\"")
	case strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://"):
		p.whole = true
		u, err := url.Parse(strings.ReplaceAll(s, "*", "x"))
		if err != nil || u.Host == "" {
			return p, fmt.Errorf("%q is not an address prefix such as \"https://www.nato.int/en/news/\"", s)
		}
	case !strings.HasPrefix(s, "/"):
		return p, fmt.Errorf("%q is neither a path prefix (starting with /) nor an address (starting with https://): write \"/%s\"", s, s)
	}
	if strings.ContainsAny(s, "?#") {
		return p, fmt.Errorf("%q: patterns match the address without its query or fragment: leave out what follows ? or #", s)
	}
	if strings.Contains(s, "**") {
		return p, fmt.Errorf("%q: a pattern is a prefix and already matches every page below it, so ** is not needed: write one * for one segment", s)
	}
	var b strings.Builder
	b.WriteString("^")
	for i, part := range strings.Split(s, "*") {
		if i > 0 {
			b.WriteString("[^/]*")
		}
		if p.whole && i == 0 {
			part = lowerHost(part)
		}
		b.WriteString(regexp.QuoteMeta(part))
	}
	p.re = regexp.MustCompile(b.String())
	return p, nil
}

// lowerHost lower-cases the scheme and host of an address prefix, as the
// addresses it is matched against are.
func lowerHost(s string) string {
	scheme, rest, _ := strings.Cut(s, "://")
	host, path, found := strings.Cut(rest, "/")
	out := strings.ToLower(scheme) + "://" + strings.ToLower(host)
	if found {
		out += "/" + path
	}
	return out
}

// match reports whether the pattern matches an address.
func (p pattern) match(u *url.URL) bool {
	if p.whole {
		return p.re.MatchString(strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host) + u.Path)
	}
	return p.re.MatchString(u.Path)
}

func anyMatch(ps []pattern, u *url.URL) bool {
	for _, p := range ps {
		if p.match(u) {
			return true
		}
	}
	return false
}

// Keep reports whether a page's address passes include and exclude. A
// nil Filter keeps everything.
func (f *Filter) Keep(u *url.URL) bool {
	if f == nil {
		return true
	}
	if len(f.include) > 0 && !anyMatch(f.include, u) {
		return false
	}
	return !anyMatch(f.exclude, u)
}

// KeepSitemap reports whether a child sitemap passes the sitemaps
// patterns.
func (f *Filter) KeepSitemap(u *url.URL) bool {
	return f == nil || len(f.sitemaps) == 0 || anyMatch(f.sitemaps, u)
}

// MaxSitemaps is how many child sitemaps of an index to read in one poll.
func (f *Filter) MaxSitemaps() int {
	if f == nil || f.max <= 0 {
		return DefaultMaxSitemaps
	}
	return f.max
}

// Follow reports whether each new page is to be fetched; Content and
// Title are what to read there (Title may be zero: keep the sitemap's).
func (f *Filter) Follow() bool { return f != nil && f.follow }

// Content is the selector of a followed page's text.
func (f *Filter) Content() scrape.Value {
	if f == nil {
		return scrape.Value{}
	}
	return f.content
}

// Title is the selector of a followed page's title, or zero.
func (f *Filter) Title() scrape.Value {
	if f == nil {
		return scrape.Value{}
	}
	return f.title
}
