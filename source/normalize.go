package source

import (
	"strings"
	"time"
	"unicode"

	"github.com/attache-dev/attache"
	"github.com/mmcdole/gofeed"
)

// futureSlack is how far ahead of now a date may be and still be believed:
// a day covers clocks and time zones that are merely wrong.
const futureSlack = 24 * time.Hour

// normalizeFeed turns the entries of a parsed feed into items, in document
// order. now stands in for dates that are missing or not believed.
func normalizeFeed(feed *gofeed.Feed, src attache.Feed, finalURL string, now time.Time) []attache.Item {
	name := src.Label()
	lang := src.Lang
	if lang == "" {
		lang = primaryLang(feed.Language)
	}
	base := linkBase(feed.Link, finalURL)
	feedAuthor := clean(personNames(feed.Authors))
	now = now.UTC()

	items := make([]attache.Item, 0, len(feed.Items))
	keys := make([]string, 0, len(feed.Items))
	norms := make([]string, 0, len(feed.Items))
	for _, entry := range feed.Items {
		if entry == nil {
			continue
		}
		guid := clean(entry.GUID)
		link := clean(entry.Link)
		for _, l := range entry.Links {
			if link != "" {
				break
			}
			link = clean(l)
		}
		// An RSS guid is a permalink unless it says otherwise, and gofeed
		// does not pass isPermaLink on: an http(s) guid stands in for a
		// missing link.
		if link == "" && isHTTPURL(guid) {
			link = guid
		}
		link = resolveLink(base, link)
		norm := NormalizeLink(link)

		it := attache.Item{
			Feed:       name,
			Title:      clean(entry.Title),
			Link:       link,
			Summary:    clean(entry.Description),
			Content:    clean(entry.Content),
			Author:     clean(personNames(entry.Authors)),
			Categories: cleanAll(entry.Categories),
			Lang:       lang,
		}
		if it.Author == "" {
			it.Author = feedAuthor // an Atom entry inherits its feed's author
		}
		it.Published, it.DateMissing = itemDate(entry, now)

		key := guid
		if key == "" {
			key = norm
		}
		if key == "" {
			date := strings.TrimSpace(entry.Published)
			if date == "" {
				date = strings.TrimSpace(entry.Updated)
			}
			key = HashKey(it.Title, clean(date), it.Summary+"\x00"+it.Content)
		}
		items = append(items, it)
		keys = append(keys, key)
		norms = append(norms, norm)
	}
	Identify(name, items, keys, norms)
	return items
}

// itemDate picks the published date, else the updated date, in UTC. A date
// that is not usable (absent, before 1970, or more than futureSlack ahead of
// now) is passed over. A far-future date is kept out of Published on
// purpose: it would look newer than everything for as long as it lasts and
// would pass any backfill window, so such an item is treated as undated
// (first seen now, DateMissing) rather than dropped: every unseen item
// counts.
func itemDate(entry *gofeed.Item, now time.Time) (time.Time, bool) {
	for _, t := range []*time.Time{entry.PublishedParsed, entry.UpdatedParsed} {
		if t == nil || t.Unix() <= 0 || t.After(now.Add(futureSlack)) {
			continue
		}
		return t.UTC(), false
	}
	return now, true
}

// personNames joins the names (else e-mail addresses) of people.
func personNames(people []*gofeed.Person) string {
	names := make([]string, 0, len(people))
	for _, p := range people {
		if p == nil {
			continue
		}
		n := strings.TrimSpace(p.Name)
		if n == "" {
			n = strings.TrimSpace(p.Email)
		}
		if n != "" {
			names = append(names, n)
		}
	}
	return strings.Join(names, ", ")
}

// primaryLang reduces a declared language such as "ru-RU" to its primary
// tag, "ru"; it returns "" for anything that does not look like one.
func primaryLang(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "-_"); i >= 0 {
		s = s[:i]
	}
	if len(s) < 2 || len(s) > 3 {
		return ""
	}
	for _, r := range s {
		if r < 'a' || r > 'z' {
			return ""
		}
	}
	return s
}

// clean repairs text taken from a feed: invalid UTF-8 is dropped, and so
// are control characters other than tab and newline; the ends are trimmed.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\t' && r != '\n' {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

func cleanAll(ss []string) []string {
	var out []string
	for _, s := range ss {
		if c := clean(s); c != "" {
			out = append(out, c)
		}
	}
	return out
}
