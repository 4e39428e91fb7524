package sitemap

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"

	"golang.org/x/net/html/charset"
)

// Errors that Read wraps.
var (
	// ErrNotASitemap: the document is not a sitemap: an HTML page (a bot
	// check, an error page), a feed, or another XML document.
	ErrNotASitemap = errors.New("not a sitemap")
	// ErrParse: the document starts as a sitemap but does not parse
	// (broken XML, a truncated or corrupt gzip stream).
	ErrParse = errors.New("sitemap does not parse")
	// ErrTooLarge: the body, once decompressed, is larger than
	// Options.MaxBytes.
	ErrTooLarge = errors.New("sitemap too large")
)

// Default bounds, the sitemap protocol's own: 50,000 addresses and 50 MB
// uncompressed per file.
const (
	DefaultMaxURLs  = 50_000
	DefaultMaxBytes = 50 << 20
)

// Options bound what one sitemap may cost.
type Options struct {
	// MaxURLs is how many <url> entries are read; the rest are counted in
	// Document.Dropped. 0 means DefaultMaxURLs.
	MaxURLs int
	// MaxBytes bounds a gzip body once decompressed; 0 means
	// DefaultMaxBytes. (A plain body is bounded by the fetch.)
	MaxBytes int64
}

// Kind says which of the two sitemap documents was read.
type Kind string

// The two kinds of sitemap.
const (
	KindURLSet Kind = "urlset"
	KindIndex  Kind = "sitemapindex"
)

// urlElem and sitemapElem are decoded one at a time, so a sitemap of
// 50,000 pages never becomes a tree in memory. Tags match local names in
// any namespace: sites declare the sitemap namespace in several spellings.
type urlElem struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod"`
	News    *struct {
		Publication struct {
			Name     string `xml:"name"`
			Language string `xml:"language"`
		} `xml:"publication"`
		PublicationDate string `xml:"publication_date"`
		Title           string `xml:"title"`
		Keywords        string `xml:"keywords"`
	} `xml:"news"`
}

type sitemapElem struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod"`
}

// Read parses a fetched sitemap, gzip-compressed or not. pageURL is the
// address it came from: relative locations resolve against it. filter may
// be nil (keep everything, default bounds).
func Read(body []byte, pageURL *url.URL, filter *Filter, opt Options) (*Document, error) {
	where := "the sitemap"
	if pageURL != nil {
		where = pageURL.Redacted()
	}
	if opt.MaxURLs <= 0 {
		opt.MaxURLs = DefaultMaxURLs
	}
	if opt.MaxBytes <= 0 {
		opt.MaxBytes = DefaultMaxBytes
	}
	r, err := decompressed(body, opt.MaxBytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	d := xml.NewDecoder(r)
	d.Strict = false // sitemaps in the wild carry &nbsp; and stray tags
	d.CharsetReader = charset.NewReaderLabel
	doc, err := decode(d, pageURL, filter, opt)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	return doc, nil
}

// decode reads the root element and then its entries, one at a time.
func decode(d *xml.Decoder, base *url.URL, filter *Filter, opt Options) (*Document, error) {
	root, err := rootElement(d)
	if err != nil {
		return nil, err
	}
	doc := &Document{}
	switch root.Name.Local {
	case "urlset":
		doc.Kind = KindURLSet
	case "sitemapindex":
		doc.Kind = KindIndex
	default:
		return nil, notASitemap(root.Name.Local)
	}
	var children []Child
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, parseError(err)
		}
		start, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch {
		case doc.Kind == KindURLSet && start.Name.Local == "url":
			var e urlElem
			if err := d.DecodeElement(&e, &start); err != nil {
				return nil, parseError(err)
			}
			if len(doc.URLs)+doc.Skipped+doc.Dropped >= opt.MaxURLs {
				doc.Dropped++
				continue
			}
			doc.add(e, base, filter)
		case doc.Kind == KindIndex && start.Name.Local == "sitemap":
			var e sitemapElem
			if err := d.DecodeElement(&e, &start); err != nil {
				return nil, parseError(err)
			}
			u := resolve(base, e.Loc)
			switch {
			case u == nil:
				doc.Dropped++
			case !filter.KeepSitemap(u):
				doc.Skipped++
			default:
				t, _ := parseDate(e.LastMod)
				children = append(children, Child{Loc: u.String(), LastMod: t})
			}
		default:
			if err := d.Skip(); err != nil {
				return nil, parseError(err)
			}
		}
	}
	doc.Sitemaps = newestFirst(children, filter.MaxSitemaps(), &doc.Dropped)
	return doc, nil
}

// add keeps one <url> when its location is usable and passes the filter.
func (doc *Document) add(e urlElem, base *url.URL, filter *Filter) {
	u := resolve(base, e.Loc)
	if u == nil {
		doc.Dropped++
		return
	}
	if !filter.Keep(u) {
		doc.Skipped++
		return
	}
	p := Page{Loc: u.String(), LastModText: strings.TrimSpace(e.LastMod)}
	p.LastMod, _ = parseDate(p.LastModText)
	if n := e.News; n != nil {
		p.News = &News{
			Title:         strings.Join(strings.Fields(n.Title), " "),
			PublishedText: strings.TrimSpace(n.PublicationDate),
			Language:      strings.TrimSpace(n.Publication.Language),
			Publication:   strings.Join(strings.Fields(n.Publication.Name), " "),
		}
		p.News.Published, _ = parseDate(p.News.PublishedText)
		for k := range strings.SplitSeq(n.Keywords, ",") {
			if k = strings.Join(strings.Fields(k), " "); k != "" {
				p.News.Keywords = append(p.News.Keywords, k)
			}
		}
	}
	doc.URLs = append(doc.URLs, p)
}

// newestFirst orders child sitemaps by last modification, newest first
// and undated last (stable), and keeps max of them.
func newestFirst(children []Child, max int, dropped *int) []Child {
	slices.SortStableFunc(children, func(a, b Child) int {
		switch {
		case a.LastMod.Equal(b.LastMod):
			return 0
		case a.LastMod.After(b.LastMod):
			return -1
		}
		return 1
	})
	if len(children) > max {
		*dropped += len(children) - max
		children = children[:max]
	}
	return children
}

// resolve makes a location absolute and keeps it when it is http(s) (or
// a local file, for a sitemap that is itself one).
func resolve(base *url.URL, loc string) *url.URL {
	loc = strings.TrimSpace(loc)
	if loc == "" {
		return nil
	}
	u, err := url.Parse(loc)
	if err != nil {
		return nil
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	scheme := strings.ToLower(u.Scheme)
	switch {
	case (scheme == "http" || scheme == "https") && u.Host != "":
	case scheme == "file" && base != nil && strings.EqualFold(base.Scheme, "file"):
	default:
		return nil
	}
	return u
}

// rootElement returns the document's first element.
func rootElement(d *xml.Decoder) (xml.StartElement, error) {
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return xml.StartElement{}, fmt.Errorf("%w: the document is empty", ErrNotASitemap)
		}
		if err != nil {
			return xml.StartElement{}, parseError(err)
		}
		if start, ok := tok.(xml.StartElement); ok {
			return start, nil
		}
	}
}

// notASitemap names what the document is instead.
func notASitemap(root string) error {
	switch strings.ToLower(root) {
	case "html":
		return fmt.Errorf("%w: the server answered with an HTML page (a bot check or an error page?)", ErrNotASitemap)
	case "rss", "feed", "rdf":
		return fmt.Errorf("%w: the document is a feed (<%s>): configure it as a feed, without sitemap:", ErrNotASitemap, root)
	}
	return fmt.Errorf("%w: the root element is <%s>, not <urlset> or <sitemapindex>", ErrNotASitemap, root)
}

func parseError(err error) error {
	if errors.Is(err, ErrTooLarge) || errors.Is(err, ErrParse) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrParse, err)
}
