package watcher

import (
	"context"
	"fmt"
	"time"

	"github.com/attache-dev/attache/scrape"

	"github.com/attache-dev/attache"
)

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
func (f *Fetcher) Items(ctx context.Context, src attache.Feed, cond Conditional, now time.Time) (Result, error) {
	name := src.Label()
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

// ParseItems parses a fetched document and normalises its entries into
// items (SPEC §4). A response that is NotModified has none. Errors wrap
// ErrNotAFeed or ErrParse.
func ParseItems(resp *Response, src attache.Feed, now time.Time) ([]attache.Item, error) {
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

// compileHTML compiles the selectors of an HTML list page. The
// configuration has checked them already; a source given on the command
// line is checked the same way before it is read.
func compileHTML(h *attache.HTMLSpec) (*scrape.Spec, error) {
	spec, problems := scrape.Compile(*h)
	if len(problems) > 0 {
		return nil, fmt.Errorf("html %s: %s", problems[0].Key, problems[0].Msg)
	}
	return spec, nil
}
