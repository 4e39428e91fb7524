package source

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/source/scrape"
	"golang.org/x/net/html"
)

// ParsePage reads the items of a fetched HTML list page through the
// source's selectors (src.HTML), one per element that the item selector
// matches, and normalises them as ParseItems does feed entries: links made
// absolute against the page (or its <base>), the key the normalised link,
// else a hash of title and date; a date that is missing or not believed
// makes the item undated (DateMissing), first seen now.
//
// A page on which the selectors find no item is an error wrapping
// ErrSelectorsMatchedNothing, never an empty list: the site changed its
// layout. A bot-check page wraps ErrNotAFeed, as it does for feeds.
func ParsePage(resp *Response, src attache.Feed, now time.Time) ([]attache.Item, error) {
	if resp == nil || resp.NotModified {
		return nil, nil
	}
	if src.HTML == nil {
		return nil, errors.New("source has no HTML selectors")
	}
	spec, err := compileHTML(src.HTML)
	if err != nil {
		return nil, err
	}
	if now.IsZero() {
		now = time.Now()
	}
	doc, _ := htmlToUTF8(resp.Body, resp.ContentType)
	if len(bytes.TrimSpace(doc)) == 0 {
		return nil, fmt.Errorf("%w: the page is empty", ErrSelectorsMatchedNothing)
	}
	root, err := scrape.ParseHTML(doc)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrParse, err)
	}
	entries, matched := spec.Items(root)
	if len(entries) == 0 {
		return nil, matchedNothing(doc, spec, matched, resp.ContentType)
	}
	return normalizePage(entries, root, src, spec.DateFormat, resp.URL, now), nil
}

// matchedNothing explains a page without items: a bot check, or else
// which selector found nothing on which page.
func matchedNothing(doc []byte, spec *scrape.Spec, matched int, contentType string) error {
	if detectBotCheck(doc) != "" {
		return notAFeed(doc, kindHTML, "html", contentType)
	}
	what := fmt.Sprintf("item selector %q matched no element", spec.Item.String())
	if matched > 0 {
		what = fmt.Sprintf("item selector %q matched %d elements, none with a title or a link", spec.Item.String(), matched)
	}
	if title := pageTitle(doc); title != "" {
		what += fmt.Sprintf(" on the page titled %q", title)
	}
	return fmt.Errorf("%w: %s (has the site changed its layout?)", ErrSelectorsMatchedNothing, what)
}

// normalizePage turns a page's entries into items, in document order.
func normalizePage(entries []scrape.Entry, root *html.Node, src attache.Feed, dateFormat, finalURL string, now time.Time) []attache.Item {
	name := src.Label()
	lang := src.Lang
	if lang == "" {
		lang = primaryLang(scrape.Lang(root))
	}
	page, base := pageBase(finalURL, scrape.BaseHref(root))
	now = now.UTC()

	items := make([]attache.Item, 0, len(entries))
	keys := make([]string, 0, len(entries))
	norms := make([]string, 0, len(entries))
	for _, e := range entries {
		link := pageLink(page, base, e.Link)
		norm := NormalizeLink(link)
		it := attache.Item{Feed: name, Title: clean(e.Title), Link: link, Summary: clean(e.Summary), Lang: lang}
		it.Published, it.DateMissing = pageDate(e.Date, dateFormat, now)
		key := norm
		if key == "" {
			key = HashKey(it.Title, clean(e.Date), it.Summary)
		}
		items = append(items, it)
		keys = append(keys, key)
		norms = append(norms, norm)
	}
	Identify(name, items, keys, norms)
	return items
}

// pageBase returns the page's own address and the base its relative links
// resolve against: its <base href> (itself relative to the page) when it
// has one, else its address. Both are nil when the address does not parse.
func pageBase(finalURL, baseHref string) (page, base *url.URL) {
	page, err := url.Parse(finalURL)
	if err != nil || page.Scheme == "" {
		return nil, nil
	}
	base = page
	if baseHref != "" {
		if b, err := page.Parse(baseHref); err == nil && (isHTTP(b) || b.Scheme == page.Scheme) {
			base = b
		}
	}
	return page, base
}

// pageLink resolves an item's link. It keeps only links that lead to a
// page of their own: http(s), or file links on a page that is itself a
// local file (a remote page must never make the watcher read local files).
// A link back to the list page or its base ("#", "javascript:...") is no
// link: as a key, it would make every such item one story.
func pageLink(page, base *url.URL, link string) string {
	link = strings.TrimSpace(link)
	if strings.HasPrefix(link, "#") {
		return "" // a place on the list page itself
	}
	if link == "" || base == nil {
		return link
	}
	u, err := base.Parse(link)
	if err != nil {
		return ""
	}
	switch {
	case isHTTP(u):
	case strings.EqualFold(u.Scheme, "file") && strings.EqualFold(page.Scheme, "file"):
	default:
		return ""
	}
	if n := NormalizeLink(u.String()); n == NormalizeLink(page.String()) || n == NormalizeLink(base.String()) {
		return ""
	}
	return u.String()
}

// pageDate reads an item's date, in UTC; like itemDate, a date that is
// missing, before 1970 or more than futureSlack ahead of now makes the
// item undated, first seen now.
func pageDate(text, layout string, now time.Time) (time.Time, bool) {
	if strings.TrimSpace(text) == "" {
		return now, true
	}
	t, ok := scrape.ParseDate(text, layout)
	if !ok || t.Unix() <= 0 || t.After(now.Add(futureSlack)) {
		return now, true
	}
	return t.UTC(), false
}
