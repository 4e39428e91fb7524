package source

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/source/hints"
	"github.com/attache-dev/attache/source/scrape"
	"github.com/attache-dev/attache/source/telegram"
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
	// Hints are the floors the answer sets on the next request: its
	// headers', and a feed's own <ttl> and sy:updatePeriod.
	Hints hints.Hints
}

// Items fetches a source and reads its items with the reader of its kind
// (ReaderFor). now is the time the poll started; undated items take it.
func (f *Fetcher) Items(ctx context.Context, src attache.Feed, cond Conditional, now time.Time) (Result, error) {
	return f.ItemsWith(ctx, src, ReaderFor(src), cond, now)
}

// ItemsWith fetches a source, asking for what r reads, and reads its items
// with r, with the same client, limits and conditional GET for every kind.
func (f *Fetcher) ItemsWith(ctx context.Context, src attache.Feed, r Reader, cond Conditional, now time.Time) (Result, error) {
	return f.ItemsSince(ctx, src, r, cond, now, time.Time{})
}

// ItemsSince is ItemsWith for a first poll that alerts what a backfill
// window holds: a source that shows only its latest entries and can be
// paged (a Telegram channel) is read back until its oldest entry is
// before since. A zero since reads only what the address shows.
func (f *Fetcher) ItemsSince(ctx context.Context, src attache.Feed, r Reader, cond Conditional, now, since time.Time) (Result, error) {
	name := src.Label()
	address, header := src.URL, http.Header(nil)
	if src.JSON != nil {
		c, err := JSONSpec(src.JSON).Compile()
		if err != nil {
			return Result{}, fmt.Errorf("feed %q: json: %w", name, err)
		}
		if u, err := url.Parse(src.URL); err == nil {
			address = c.URL(u).String()
		}
		header = c.Header()
	}
	resp, err := f.fetchWith(ctx, address, cond, r.Accept(), header)
	if err != nil {
		return Result{}, fmt.Errorf("feed %q: %w", name, err)
	}
	res := Result{FinalURL: resp.URL, NotModified: resp.NotModified, Hints: resp.Hints}
	if resp.NotModified {
		res.ETag, res.LastModified = resp.ETag, resp.LastModified
		return res, nil
	}
	var items []attache.Item
	switch {
	case src.Sitemap != nil:
		items, err = f.sitemapItems(ctx, resp, src, now)
	case src.Telegram != nil:
		items, err = f.telegramItems(ctx, resp, src, now, since)
	default:
		items, err = r.Read(resp, src, now)
	}
	if err != nil {
		return res, fmt.Errorf("feed %q: %s: %w", name, resp.URL, err)
	}
	for i := range items {
		capText(&items[i], f.opts.MaxText)
	}
	res.Items = items
	res.ETag, res.LastModified = resp.ETag, resp.LastModified
	if r.Accept() == acceptFeed {
		// The feed's own hints: read up to its first entry, a few bytes.
		if fields, err := hints.ScanFeed(bytes.NewReader(resp.Body)); err == nil {
			res.Hints = res.Hints.Merge(fields)
		}
	}
	return res, nil
}

// ReadPushed reads a feed document a WebSub hub pushed for src, within the
// same size and text bounds as a fetched one.
func (f *Fetcher) ReadPushed(src attache.Feed, body []byte, contentType string, now time.Time) ([]attache.Item, error) {
	if int64(len(body)) > f.opts.MaxBody {
		return nil, fmt.Errorf("feed %q: pushed content: %w: %d bytes, the limit is %d", src.Label(), ErrTooLarge, len(body), f.opts.MaxBody)
	}
	items, err := ParseItems(&Response{URL: src.URL, Body: body, ContentType: contentType}, src, now)
	if err != nil {
		return nil, fmt.Errorf("feed %q: pushed content: %w", src.Label(), err)
	}
	for i := range items {
		capText(&items[i], f.opts.MaxText)
	}
	return items, nil
}

// capText cuts each text field of it to max bytes, at a character
// boundary, so that what is kept and analysed is bounded whatever a
// source sends.
func capText(it *attache.Item, max int) {
	for _, s := range []*string{&it.Title, &it.Summary, &it.Content} {
		if len(*s) > max {
			cut := max
			for cut > 0 && !utf8.RuneStart((*s)[cut]) {
				cut--
			}
			*s = strings.Clone((*s)[:cut]) // a copy, so the whole text can be freed
		}
	}
}

// Reader reads one kind of source from its fetched document.
type Reader interface {
	// Accept is the Accept header of the fetch: what the reader reads.
	Accept() string
	// Read turns a fetched document (never a 304) into the source's items,
	// normalised, in document order. now is when the poll started; undated
	// items take it. Errors wrap one of this package's sentinels, so that
	// Classify names them.
	Read(resp *Response, src attache.Feed, now time.Time) ([]attache.Item, error)
}

// readerFunc is a Reader made of an Accept header and a function.
type readerFunc struct {
	accept string
	read   func(*Response, attache.Feed, time.Time) ([]attache.Item, error)
}

func (r readerFunc) Accept() string { return r.accept }

func (r readerFunc) Read(resp *Response, src attache.Feed, now time.Time) ([]attache.Item, error) {
	return r.read(resp, src, now)
}

// The readers of the kinds this package knows.
var (
	// FeedReader reads RSS, Atom and JSON Feed documents (ParseItems).
	FeedReader Reader = readerFunc{acceptFeed, ParseItems}
	// PageReader reads HTML list pages through their selectors (ParsePage).
	PageReader Reader = readerFunc{acceptPage, ParsePage}
	// TelegramReader reads a Telegram channel's public web preview
	// (ParseTelegram).
	TelegramReader Reader = readerFunc{acceptPage, ParseTelegram}
	// sitemapReader only asks for sitemaps: a sitemap index is read with its
	// children, through the fetcher (Fetcher.sitemapItems).
	// JSONReader reads a JSON API through the source's paths (ParseJSON).
	JSONReader    Reader = readerFunc{acceptJSON, ParseJSON}
	sitemapReader Reader = readerFunc{acceptSitemap, func(*Response, attache.Feed, time.Time) ([]attache.Item, error) {
		return nil, errors.New("a sitemap is read through Fetcher.Items, which fetches an index's children")
	}}
)

// ReaderFor returns the reader of a source's kind: PageReader for a source
// with HTML selectors, TelegramReader for a Telegram channel, else
// FeedReader.
func ReaderFor(src attache.Feed) Reader {
	switch {
	case src.HTML != nil:
		return PageReader
	case src.Telegram != nil:
		return TelegramReader
	case src.Sitemap != nil:
		return sitemapReader
	case src.JSON != nil:
		return JSONReader
	}
	return FeedReader
}

// ParseTelegram reads a fetched page of a channel's preview into items, one
// per message (service messages left out), keyed by the message's post.
// A disabled preview or an invitation page is ErrPreviewUnavailable's
// class, raised at once as a feed-health alert.
func ParseTelegram(resp *Response, src attache.Feed, now time.Time) ([]attache.Item, error) {
	if resp == nil || resp.NotModified {
		return nil, nil
	}
	u, _ := url.Parse(resp.URL)
	page, err := telegram.Read(resp.Body, u)
	if err != nil {
		return nil, err
	}
	return page.Items(src.Name, src.Lang, now), nil
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
