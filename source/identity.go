package source

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strconv"
	"strings"

	"github.com/attache-dev/attache"
)

// NormalizeLink returns the form of a link that identifies an item (SPEC
// §4): scheme and host lower-case, the scheme's default port dropped, an
// empty path made "/", the fragment dropped, utm_* query parameters
// dropped and the other parameters kept as they were, in their order. A
// string that does not parse as a URL comes back trimmed of white space.
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

// linkBase is the address that relative item links are resolved against:
// the feed's own link (the website, where the items live) when it is an
// absolute http(s) URL once resolved against the document's address, else
// the document's address. Nil when neither is http(s): a local file gives
// no usable base, and its relative links are kept as they are.
func linkBase(feedLink, finalURL string) *url.URL {
	final, err := url.Parse(finalURL)
	if err != nil || !isHTTP(final) {
		final = nil
	}
	if feedLink = strings.TrimSpace(feedLink); feedLink != "" {
		if u, err := url.Parse(feedLink); err == nil {
			if final != nil {
				u = final.ResolveReference(u)
			}
			if isHTTP(u) {
				return u
			}
		}
	}
	return final
}

// resolveLink makes link absolute against base (when there is one).
func resolveLink(base *url.URL, link string) string {
	link = strings.TrimSpace(link)
	if link == "" || base == nil {
		return link
	}
	u, err := base.Parse(link)
	if err != nil {
		return link
	}
	return u.String()
}

func isHTTP(u *url.URL) bool {
	return u != nil && u.Host != "" && (strings.EqualFold(u.Scheme, "http") || strings.EqualFold(u.Scheme, "https"))
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && isHTTP(u)
}

// HashKey is the key of an item with neither GUID nor link: a hash of its
// title and date as written in the feed. When both are empty the item's
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

// Identify gives a document's items, in document order, their Key and
// Story (SPEC §4), whatever kind of source they come from: keys[i] is the
// i-th item's own key (its GUID, else its normalised link, else HashKey),
// made distinct within the document, and norms[i] its normalised link,
// which stands for its story unless the link stands for no single story
// (see storyLinks).
func Identify(feed string, items []attache.Item, keys, norms []string) {
	stories := storyLinks(norms)
	for i, key := range uniqueKeys(keys) {
		items[i].Key = key
		items[i].Story = storyOf(feed, key, stories[i])
	}
}

// uniqueKeys makes the keys of one document distinct. Entries that share a
// key stay separate items (SPEC §4): the first keeps the key, the n-th in
// document order becomes key#n (skipping any spelling another entry already
// has), so the same document always gives the same keys.
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
	// (normLink is "" when the link tells no story of its own: see
	// storyLinks.)
	if normLink != "" {
		return normLink
	}
	return "feed:" + feed + ":" + key
}

// storyLinks returns the normalised links that may stand for a story: a link
// that several entries of one document share (a feed that points every
// entry at its home page), or one that is only a site's root, identifies no
// single story, and using it would make every later entry look like an
// earlier one. Those become "", and their entries are stories of their own.
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
