// Package ident gives the items that the source readers make the identity
// that SPEC §4 defines: a key within the feed (the entry's own id, else its
// normalised link, else a hash of title and date), a story across feeds
// (the normalised link, unless several entries share it or it is only a
// site's front page), a date in UTC that is believed only when it is
// plausible, and text cleaned of what is not text.
//
// The rules are those that package watcher applies to feeds and HTML list
// pages; the readers of telegram channels, sitemaps and JSON APIs share
// them here so that an item keeps its identity whichever reader made it.
package ident

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/attache-dev/attache"
)

// FutureSlack is how far ahead of now a date may be and still be believed:
// a day covers clocks and time zones that are merely wrong.
const FutureSlack = 24 * time.Hour

// Entry is an item before its identity is known.
type Entry struct {
	// Item carries the entry's fields; Key, Story and Feed are set by Assign.
	Item attache.Item
	// ID is the entry's own identifier (a GUID, a post number, an API id),
	// or "" when it has none.
	ID string
	// DateText is the date as the source wrote it, hashed into the key of
	// an entry that has neither ID nor link.
	DateText string
}

// Assign sets the feed, key and story of each entry's item, in order, and
// returns the items. Keys are made distinct within the document: entries
// that share one stay separate items, the n-th becoming key#n.
func Assign(feed string, entries []Entry) []attache.Item {
	items := make([]attache.Item, len(entries))
	keys := make([]string, len(entries))
	norms := make([]string, len(entries))
	for i, e := range entries {
		it := e.Item
		it.Feed = feed
		norm := NormalizeLink(it.Link)
		key := strings.TrimSpace(e.ID)
		if key == "" {
			key = norm
		}
		if key == "" {
			key = HashKey(it.Title, Clean(e.DateText), it.Summary+"\x00"+it.Content)
		}
		items[i], keys[i], norms[i] = it, key, norm
	}
	stories := storyLinks(norms)
	for i, key := range uniqueKeys(keys) {
		items[i].Key = key
		items[i].Story = storyOf(feed, key, stories[i])
	}
	return items
}

// Date returns t in UTC when it is a usable publication date: present,
// after 1970 and no more than FutureSlack ahead of now. Otherwise it
// returns now and missing = true: an item without a believable date is
// taken as published when first seen, never dropped. A far-future date is
// refused on purpose: it would look newer than everything for as long as
// it lasts and would pass any backfill window.
func Date(t time.Time, ok bool, now time.Time) (time.Time, bool) {
	now = now.UTC()
	if !ok || t.IsZero() || t.Unix() <= 0 || t.After(now.Add(FutureSlack)) {
		return now, true
	}
	return t.UTC(), false
}

// NormalizeLink returns the form of a link that identifies an item: scheme
// and host lower-case, the scheme's default port dropped, an empty path
// made "/", the fragment dropped, utm_* query parameters dropped and the
// other parameters kept as they were, in their order. A string that does
// not parse as a URL comes back trimmed of white space.
func NormalizeLink(raw string) string {
	s := strings.TrimSpace(raw)
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil {
		return s
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	switch {
	case u.Scheme == "http" && strings.HasSuffix(u.Host, ":80"):
		u.Host = strings.TrimSuffix(u.Host, ":80")
	case u.Scheme == "https" && strings.HasSuffix(u.Host, ":443"):
		u.Host = strings.TrimSuffix(u.Host, ":443")
	case strings.HasSuffix(u.Host, ":"): // an empty port
		u.Host = strings.TrimSuffix(u.Host, ":")
	}
	if u.Host != "" && u.Path == "" && u.Opaque == "" {
		u.Path, u.RawPath = "/", ""
	}
	u.Fragment, u.RawFragment = "", ""
	u.RawQuery = dropTrackingParams(u.RawQuery)
	u.ForceQuery = false
	return u.String()
}

// dropTrackingParams removes utm_* parameters from a raw query, keeping the
// others byte for byte and in order (re-encoding them could make two
// spellings of one link differ, or one link change its meaning).
func dropTrackingParams(raw string) string {
	if raw == "" {
		return ""
	}
	kept := make([]string, 0, strings.Count(raw, "&")+1)
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		name, _, _ := strings.Cut(part, "=")
		if unescaped, err := url.QueryUnescape(name); err == nil {
			name = unescaped
		}
		if strings.HasPrefix(strings.ToLower(name), "utm_") {
			continue
		}
		kept = append(kept, part)
	}
	return strings.Join(kept, "&")
}

// HashKey is the key of an item with neither id nor link: a hash of its
// title and date as written in the source. When both are empty the item's
// text is hashed too, so that such items are not all one.
func HashKey(title, date, text string) string {
	h := sha256.New()
	h.Write([]byte(title))
	h.Write([]byte{0})
	h.Write([]byte(date))
	if title == "" && date == "" {
		h.Write([]byte{0})
		h.Write([]byte(text))
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))[:32]
}

// uniqueKeys makes the keys of one document distinct: the first keeps the
// key, the n-th in document order becomes key#n (skipping any spelling
// another entry already has), so the same document always gives the same
// keys.
func uniqueKeys(keys []string) []string {
	taken := make(map[string]bool, len(keys))
	for _, k := range keys {
		taken[k] = true
	}
	seen := make(map[string]int, len(keys))
	out := make([]string, len(keys))
	for i, k := range keys {
		seen[k]++
		if seen[k] == 1 {
			out[i] = k
			continue
		}
		n := seen[k]
		candidate := k + "#" + strconv.Itoa(n)
		for taken[candidate] {
			n++
			candidate = k + "#" + strconv.Itoa(n)
		}
		seen[k] = n
		taken[candidate] = true
		out[i] = candidate
	}
	return out
}

// storyOf identifies an item across feeds: its normalised link, or failing
// that its feed and key.
func storyOf(feed, key, normLink string) string {
	if normLink != "" {
		return normLink
	}
	return "feed:" + feed + ":" + key
}

// storyLinks returns the normalised links that may stand for a story. A
// link that several entries of one document share (a source that points
// every entry at its home page), or one that is only a site's root,
// identifies no single story, and using it would make every later entry
// look like an earlier one: those become "", and their entries are
// stories of their own.
func storyLinks(norms []string) []string {
	count := make(map[string]int, len(norms))
	for _, n := range norms {
		count[n]++
	}
	out := make([]string, len(norms))
	for i, n := range norms {
		if n != "" && count[n] == 1 && !isSiteRoot(n) {
			out[i] = n
		}
	}
	return out
}

// isSiteRoot reports a link to a site's front page.
func isSiteRoot(link string) bool {
	u, err := url.Parse(link)
	return err == nil && (u.Path == "" || u.Path == "/") && u.RawQuery == ""
}

// Clean repairs text taken from a source: invalid UTF-8 is dropped, and so
// are control characters other than tab and newline; the ends are trimmed.
func Clean(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\t' && r != '\n' {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// PrimaryLang reduces a declared language such as "ru-RU" to its primary
// tag, "ru"; it returns "" for anything that does not look like one.
func PrimaryLang(s string) string {
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

// IsHTTP reports an absolute http(s) URL with a host.
func IsHTTP(u *url.URL) bool {
	return u != nil && u.Host != "" && (strings.EqualFold(u.Scheme, "http") || strings.EqualFold(u.Scheme, "https"))
}

// Resolve makes link absolute against base and keeps it only when it
// leads to a page of its own: an http(s) URL, or a file URL when the base
// is itself a local file (a document read with `attache test FILE`).
// Anything else (javascript:, mailto:, a link that does not parse, a place
// on the same page, a relative link without a base) gives "", so that a
// remote document can never point the reader at a local file.
func Resolve(base *url.URL, link string) string {
	link = strings.TrimSpace(link)
	if link == "" || strings.HasPrefix(link, "#") {
		return ""
	}
	u, err := url.Parse(link)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	switch {
	case IsHTTP(u):
	case strings.EqualFold(u.Scheme, "file") && base != nil && strings.EqualFold(base.Scheme, "file"):
	default:
		return ""
	}
	return u.String()
}
