package source

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/internal/redact"
	"github.com/attache-dev/attache/source/scrape"
	"github.com/attache-dev/attache/text"
	"golang.org/x/sync/errgroup"
)

// Bounds of following item pages.
const (
	// FollowConcurrency is how many item pages one Follow fetches at once.
	FollowConcurrency = 4
	// FollowPerHost is how many item pages are fetched at once from one
	// host, across every poll that shares the Fetcher: a ministry's server
	// sees at most this many of our requests in flight, however many of
	// its list pages are configured.
	FollowPerHost = 2
	// maxContentRunes bounds the text kept from one item page: the longest
	// speeches run to some 30,000 characters, and the store keeps the text
	// for as long as the item's record.
	maxContentRunes = 64 << 10
)

// ErrNoPage: an item has no link that leads to a page of its own (none, or
// one to a local file from a page on the web), so it cannot be followed.
var ErrNoPage = errors.New("no page to follow")

// Follow fetches the page of each item once, with the same client and
// limits as feeds, and sets the item's Content to what the source's content
// selector finds there, so that rules match the whole statement and not
// only its list entry; a sitemap's title selector, when set, replaces the
// Title too (a sitemap's own title is words from the address). It returns
// one error per item, nil for each page that was read: an item whose page
// fails keeps what its list gave, and the caller says so. Items are
// changed in place.
//
// At most FollowConcurrency pages are fetched at once, and FollowPerHost
// from one host. A cancelled ctx stops the pages not yet fetched.
func (f *Fetcher) Follow(ctx context.Context, src attache.Feed, items []attache.Item) []error {
	errs := make([]error, len(items))
	reading, err := pageReadingOf(src)
	if err != nil {
		for i := range errs {
			errs[i] = err
		}
		return errs
	}
	var g errgroup.Group
	g.SetLimit(FollowConcurrency)
	for i := range items {
		g.Go(func() error {
			page, err := f.followOne(ctx, src.URL, reading, items[i].Link)
			if err != nil {
				errs[i] = err
				return nil // one page's failure is its item's alone
			}
			items[i].Content = page.content
			if page.title != "" {
				items[i].Title = page.title
			}
			return nil
		})
	}
	_ = g.Wait()
	return errs
}

// Follows reports whether a source reads the page of each new item.
func Follows(src attache.Feed) bool {
	return (src.HTML != nil && src.HTML.Follow) || (src.Sitemap != nil && src.Sitemap.Follow)
}

// pageReading is what is read on an item's page: the text, and for a
// sitemap optionally the title.
type pageReading struct {
	content, title *scrape.Spec
}

// followedPage is what one item page gave.
type followedPage struct {
	content, title string
}

// pageReadingOf compiles the selectors read on a source's item pages.
func pageReadingOf(src attache.Feed) (pageReading, error) {
	none := errors.New("the source has no content selector")
	switch {
	case src.HTML != nil:
		spec, err := compileHTML(src.HTML)
		if err != nil {
			return pageReading{}, err
		}
		if spec.Content.IsZero() {
			return pageReading{}, none
		}
		return pageReading{content: spec}, nil
	case src.Sitemap != nil:
		filter, err := SitemapFilter(src.Sitemap)
		if err != nil {
			return pageReading{}, fmt.Errorf("sitemap: %w", err)
		}
		if filter.Content().IsZero() {
			return pageReading{}, none
		}
		r := pageReading{content: &scrape.Spec{Content: filter.Content()}}
		if !filter.Title().IsZero() {
			r.title = &scrape.Spec{Content: filter.Title()}
		}
		return r, nil
	}
	return pageReading{}, none
}

// followOne reads the content (and title) of one item page.
func (f *Fetcher) followOne(ctx context.Context, listURL string, reading pageReading, link string) (followedPage, error) {
	host, err := followable(listURL, link)
	if err != nil {
		return followedPage{}, err
	}
	release, err := f.slots.acquire(ctx, host)
	if err != nil {
		return followedPage{}, fmt.Errorf("item page %s: %w", redact.URL(link), err)
	}
	defer release()
	resp, err := f.fetch(ctx, link, Conditional{}, acceptPage)
	if err != nil {
		return followedPage{}, fmt.Errorf("item page: %w", err)
	}
	doc, _ := htmlToUTF8(resp.Body, resp.ContentType)
	root, err := scrape.ParseHTML(doc)
	if err != nil {
		return followedPage{}, fmt.Errorf("item page %s: %w: %w", resp.URL, ErrParse, err)
	}
	content := clean(reading.content.ContentOf(root))
	if content == "" {
		if service := detectBotCheck(doc); service != "" {
			return followedPage{}, fmt.Errorf("item page %s: %w: bot check (%s)", resp.URL, ErrNotAFeed, service)
		}
		return followedPage{}, fmt.Errorf("item page %s: content selector %q matched nothing", resp.URL, reading.content.Content.String())
	}
	page := followedPage{content: cutRunes(content, maxContentRunes)}
	if reading.title != nil {
		// A title that matches nothing keeps the sitemap's: the text was read.
		page.title = text.OneLine(reading.title.ContentOf(root))
	}
	return page, nil
}

// followable checks that an item's link leads to a page that may be
// fetched and returns its host: http(s), or a local file only when the
// list page is itself a local file.
func followable(listURL, link string) (string, error) {
	if strings.TrimSpace(link) == "" {
		return "", ErrNoPage
	}
	u, err := url.Parse(link)
	if err != nil {
		return "", fmt.Errorf("%w: %q does not parse", ErrNoPage, link)
	}
	if isHTTP(u) {
		return strings.ToLower(u.Host), nil
	}
	if _, local, _ := localPath(listURL); local && strings.EqualFold(u.Scheme, "file") {
		return "", nil
	}
	return "", fmt.Errorf("%w: %s is not a web page", ErrNoPage, redact.URL(link))
}

// hostSlots bounds the requests in flight to each host.
type hostSlots struct {
	mu    sync.Mutex
	hosts map[string]chan struct{}
}

// acquire waits for a free slot of host, or for ctx; release frees it.
func (s *hostSlots) acquire(ctx context.Context, host string) (release func(), err error) {
	s.mu.Lock()
	if s.hosts == nil {
		s.hosts = map[string]chan struct{}{}
	}
	slots, ok := s.hosts[host]
	if !ok {
		slots = make(chan struct{}, FollowPerHost)
		s.hosts[host] = slots
	}
	s.mu.Unlock()
	select {
	case slots <- struct{}{}:
		return func() { <-slots }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
