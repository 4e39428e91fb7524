package watcher

import (
	"context"
	"fmt"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/scrape"
)

// Source is a feed to read, or an HTML list page when HTML is set.
type Source struct {
	// Name is the configured feed's name, which every item carries. Empty
	// for a source that is not a configured feed: its URL is used instead.
	Name string
	// URL is an http(s) URL, a file:// URL or a local path.
	URL string
	// Lang is the feed's configured language, given to every item. Empty
	// means the feed's own declared language (its primary tag), if any.
	Lang string
	// HTML, when set, makes the source an HTML list page read through
	// these selectors (ParsePage) instead of a feed.
	HTML *scrape.Spec
}

// Result is what one poll of a feed gave.
type Result struct {
	// Items are the feed's entries, normalised, in document order. Empty
	// when NotModified.
	Items []attache.Item
	// NotModified is true when the server answered 304 to the validators.
	NotModified bool
	// ETag and LastModified are the validators to send next time. They are
	// empty when the poll failed, so that a broken answer is never cached
	// as current.
	ETag         string
	LastModified string
	// FinalURL is the address after redirects.
	FinalURL string
}

// Items fetches a source and returns its items: fetch, then ParseItems
// for a feed or ParsePage for an HTML list page (a source with HTML
// selectors), with the same client, limits and conditional GET. now is the
// time the poll started; undated items take it.
func (f *Fetcher) Items(ctx context.Context, src Source, cond Conditional, now time.Time) (Result, error) {
	name := src.name()
	accept, parse := acceptFeed, ParseItems
	if src.HTML != nil {
		accept, parse = acceptPage, ParsePage
	}
	resp, err := f.fetch(ctx, src.URL, cond, accept)
	if err != nil {
		return Result{}, fmt.Errorf("feed %q: %w", name, err)
	}
	res := Result{FinalURL: resp.URL, NotModified: resp.NotModified}
	if resp.NotModified {
		res.ETag, res.LastModified = resp.ETag, resp.LastModified
		return res, nil
	}
	items, err := parse(resp, src, now)
	if err != nil {
		return res, fmt.Errorf("feed %q: %s: %w", name, resp.URL, err)
	}
	res.Items = items
	res.ETag, res.LastModified = resp.ETag, resp.LastModified
	return res, nil
}

// name is how messages and items name the source: its configured name, or
// else its URL.
func (src Source) name() string {
	if src.Name == "" {
		return src.URL
	}
	return src.Name
}

// ParseItems parses a fetched document and normalises its entries into
// items (SPEC §4). A response that is NotModified has none. Errors wrap
// ErrNotAFeed or ErrParse.
func ParseItems(resp *Response, src Source, now time.Time) ([]attache.Item, error) {
	if resp == nil || resp.NotModified {
		return nil, nil
	}
	if now.IsZero() {
		now = time.Now()
	}
	doc := toUTF8(skipLeadingJunk(resp.Body), resp.ContentType)
	feed, err := parseDocument(doc, resp.ContentType)
	if err != nil {
		return nil, err
	}
	return normalizeFeed(feed, src, resp.URL, now), nil
}
