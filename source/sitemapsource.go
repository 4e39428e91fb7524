package source

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/source/sitemap"
)

// acceptSitemap is the Accept header of a sitemap fetch.
const acceptSitemap = "application/xml, text/xml;q=0.9, application/gzip;q=0.8, */*;q=0.5"

// SitemapFilter compiles a source's sitemap settings; the configuration has
// checked them already.
func SitemapFilter(s *attache.SitemapSpec) (*sitemap.Filter, error) {
	return sitemap.SpecOf(s).Compile()
}

// sitemapItems reads a fetched sitemap into items, one per page address
// that passes the filter. An index is read with its child sitemaps (those
// the filter keeps, the most recently modified first, at most
// max_sitemaps), each fetched with the same client and limits; a child
// that fails fails the poll, so that nothing is taken for a quiet day.
func (f *Fetcher) sitemapItems(ctx context.Context, resp *Response, src attache.Feed, now time.Time) ([]attache.Item, error) {
	filter, err := SitemapFilter(src.Sitemap)
	if err != nil {
		return nil, fmt.Errorf("sitemap: %w", err)
	}
	opt := sitemap.Options{MaxBytes: f.opts.MaxBody}
	u, _ := url.Parse(resp.URL)
	doc, err := sitemap.Read(resp.Body, u, filter, opt)
	if err != nil {
		return nil, err
	}
	if doc.Kind == sitemap.KindIndex {
		index := doc
		doc = &sitemap.Document{Kind: sitemap.KindURLSet}
		for _, child := range index.Sitemaps {
			cr, err := f.fetch(ctx, child.Loc, Conditional{}, acceptSitemap)
			if err != nil {
				return nil, fmt.Errorf("child sitemap: %w", err)
			}
			cu, _ := url.Parse(cr.URL)
			cd, err := sitemap.Read(cr.Body, cu, filter, opt)
			if err != nil {
				return nil, fmt.Errorf("child sitemap: %w", err)
			}
			doc.URLs = append(doc.URLs, cd.URLs...)
		}
	}
	return doc.Items(src.Name, src.Lang, now), nil
}
