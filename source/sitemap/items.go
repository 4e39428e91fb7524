package sitemap

import (
	"net/url"
	"path"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/source/internal/ident"
	"github.com/attache-dev/attache/source/scrape"
)

// Document is a sitemap as read.
type Document struct {
	Kind Kind `json:"kind"`
	// URLs are the pages that passed the filter, in document order.
	URLs []Page `json:"urls,omitempty"`
	// Sitemaps are the child sitemaps of an index to read next: those the
	// filter keeps, the most recently modified first (undated ones after,
	// in document order), at most Filter.MaxSitemaps.
	Sitemaps []Child `json:"sitemaps,omitempty"`
	// Skipped counts the pages and child sitemaps that the filter left
	// out; Dropped those past Options.MaxURLs (or past MaxSitemaps), and
	// entries without a usable <loc>.
	Skipped int `json:"skipped"`
	Dropped int `json:"dropped"`
}

// Page is one <url> of a urlset.
type Page struct {
	Loc string `json:"loc"`
	// LastMod is the page's <lastmod> in UTC, zero when absent or not a
	// date; LastModText is as written.
	LastMod     time.Time `json:"lastmod,omitzero"`
	LastModText string    `json:"lastmod_text,omitempty"`
	// News is the page's Google News entry, or nil.
	News *News `json:"news,omitempty"`
}

// News is a Google News sitemap entry.
type News struct {
	Title string `json:"title,omitempty"`
	// Published is <news:publication_date> in UTC, zero when absent or not
	// a date; PublishedText is as written.
	Published     time.Time `json:"published,omitzero"`
	PublishedText string    `json:"published_text,omitempty"`
	Language      string    `json:"language,omitempty"`
	Publication   string    `json:"publication,omitempty"`
	Keywords      []string  `json:"keywords,omitempty"`
}

// Child is one <sitemap> of an index.
type Child struct {
	Loc     string    `json:"loc"`
	LastMod time.Time `json:"lastmod,omitzero"`
}

// Items turns the pages of a urlset into items, in document order (an
// index has none: read its Sitemaps).
//
//   - Key and Story: the normalised address (SPEC §4).
//   - Title: <news:title>, else words taken from the address's last
//     segment ("/news/2026/09/14/allies-meet-in-riga" → "Allies meet in
//     riga"), so that rules have something to match before the page is
//     followed; none when that segment is an id.
//   - Published: <news:publication_date>, else the date the address
//     carries (/2026/09/14/), else <lastmod>, in UTC; none, or one not
//     believed, makes the item undated (now, DateMissing). A lastmod says
//     when the page last changed, not when it was published, so the
//     address's date comes first (a lastmod of the same day is kept for
//     its time of day). Dates are never a watermark: a later change never
//     makes a page new again.
//   - Author: the news publication's name; Categories: news keywords;
//     Lang: lang, else the news language.
func (d *Document) Items(feed, lang string, now time.Time) []attache.Item {
	entries := make([]ident.Entry, 0, len(d.URLs))
	for _, p := range d.URLs {
		it := attache.Item{Link: p.Loc, Lang: lang}
		date, dateText := pageDate(p)
		if n := p.News; n != nil {
			it.Title = n.Title
			it.Author = n.Publication
			it.Categories = n.Keywords
			if it.Lang == "" {
				it.Lang = ident.PrimaryLang(n.Language)
			}
			if !n.Published.IsZero() {
				date, dateText = n.Published, n.PublishedText
			}
		}
		if it.Title == "" {
			it.Title = slugTitle(p.Loc)
		}
		it.Title = ident.Clean(it.Title)
		it.Published, it.DateMissing = ident.Date(date, !date.IsZero(), now)
		entries = append(entries, ident.Entry{Item: it, DateText: dateText})
	}
	return ident.Assign(feed, entries)
}

// pageDate is the date of a page without a news date: the one its
// address carries, else its lastmod.
func pageDate(p Page) (time.Time, string) {
	ud, ok := addressDate(p.Loc)
	switch {
	case !ok:
		return p.LastMod, p.LastModText
	case !p.LastMod.IsZero() && p.LastMod.Truncate(24*time.Hour).Equal(ud):
		return p.LastMod, p.LastModText
	}
	return ud, ud.Format(time.DateOnly)
}

// addressDatePattern finds /YYYY/MM/DD/ in a path, as news sites write
// their articles' addresses.
var addressDatePattern = regexp.MustCompile(`/((?:19|20)\d\d)/(0[1-9]|1[0-2])/(0[1-9]|[12]\d|3[01])(?:/|$)`)

// addressDate reads the date in a page's address, when it has one that
// is a real day.
func addressDate(loc string) (time.Time, bool) {
	u, err := url.Parse(loc)
	if err != nil {
		return time.Time{}, false
	}
	m := addressDatePattern.FindStringSubmatch(u.Path)
	if m == nil {
		return time.Time{}, false
	}
	t, err := time.Parse(time.DateOnly, m[1]+"-"+m[2]+"-"+m[3])
	return t, err == nil
}

// parseDate reads a W3C datetime (the sitemap protocol's: 2026,
// 2026-09, 2026-09-14, 2026-09-14T10:00+02:00, with seconds and
// fractions), and failing that the other ways sites write dates (RFC
// 1123, 14.09.2026, ...). ok is false when no date is found.
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	for _, layout := range w3cLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	for _, layout := range []string{time.RFC1123Z, time.RFC1123, time.RFC850, time.ANSIC} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return scrape.ParseDate(s, "")
}

var w3cLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04Z07:00",
	"2006-01-02",
	"2006-01",
	"2006",
	"2006-01-02T15:04:05", // no zone: taken as UTC
	"2006-01-02 15:04:05",
}

// slugTitle makes a title of an address's last segment: the words of its
// slug, the first capitalised. A segment without letters (an id, a date)
// gives none: a title taken from a segment further up ("News") would say
// nothing about the page.
func slugTitle(loc string) string {
	u, err := url.Parse(loc)
	if err != nil {
		return ""
	}
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	last := segs[len(segs)-1]
	seg := strings.TrimSuffix(last, path.Ext(last))
	if len(seg) < len(last)-6 { // "v1.2-final-text": a dot, not an extension
		seg = last
	}
	if !hasLetter(seg) {
		return ""
	}
	words := strings.FieldsFunc(seg, func(r rune) bool { return r == '-' || r == '_' || r == '+' || unicode.IsSpace(r) })
	s := strings.Join(words, " ")
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}

func hasLetter(s string) bool {
	return strings.ContainsFunc(s, unicode.IsLetter)
}
