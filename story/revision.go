package story

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// Version is what an item said at one time.
type Version struct {
	Title string
	Text  string // may hold HTML
	Link  string
}

// Revision is how an item's words changed between two versions.
type Revision struct {
	Title []Change `json:"title,omitempty"`
	Text  []Change `json:"text,omitempty"`
	// Link is the new link when it changed other than in tracking
	// parameters, case of the host, scheme or a trailing slash.
	Link string `json:"link,omitempty"`
}

// Change is one place where words were removed, added or replaced, with a
// few words either side to find it by.
type Change struct {
	Before  string `json:"before,omitempty"`
	Removed string `json:"removed,omitempty"`
	Added   string `json:"added,omitempty"`
	After   string `json:"after,omitempty"`
}

// maxDiffWords bounds the words of a field that are compared, so that a
// page that grew without end costs a bounded time.
const maxDiffWords = 20000

// Revise compares two versions of an item word by word and reports whether
// the change is a revision. Cosmetic changes are not: spacing and line
// breaks, HTML markup, typography (quotation marks, dashes, no-break
// spaces, soft hyphens, ё for е), punctuation and letter case, number
// grouping (90,000 and 90 000), and a link that differs only in tracking
// parameters, scheme, host case or a trailing slash.
func Revise(old, new Version) (Revision, bool) {
	r := Revision{Title: diffWords(old.Title, new.Title), Text: diffWords(old.Text, new.Text)}
	if NormalizeLink(old.Link) != NormalizeLink(new.Link) {
		r.Link = new.Link
	}
	return r, len(r.Title) > 0 || len(r.Text) > 0 || r.Link != ""
}

// diffWords lists the changes between the words of two texts, compared in
// their folded form and shown as the texts write them.
func diffWords(a, b string) []Change {
	ta, tb := plain(a), plain(b)
	wa, wb := limit(diffTokens(ta)), limit(diffTokens(tb))
	ids := map[string]rune{}
	encode := func(ws []word) []rune {
		out := make([]rune, len(ws))
		for i := range ws {
			id, ok := ids[ws[i].fold]
			if !ok {
				// Runes from the supplementary planes: one per distinct
				// word, never a surrogate.
				id = rune(0x10000 + len(ids))
				ids[ws[i].fold] = id
			}
			out[i] = id
		}
		return out
	}
	ra, rb := encode(wa), encode(wb)
	if string(ra) == string(rb) {
		return nil
	}
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0 // no deadline: the same texts always give the same diff
	diffs := dmp.DiffCleanupSemantic(dmp.DiffMainRunes(ra, rb, false))

	var out []Change
	i, j := 0, 0 // next word of a, of b
	var cur *Change
	flush := func() {
		if cur != nil {
			cur.After = span(tb, wb, j, min(j+3, len(wb)))
			out = append(out, *cur)
			cur = nil
		}
	}
	for _, d := range diffs {
		n := utf8.RuneCountInString(d.Text)
		switch d.Type {
		case diffmatchpatch.DiffEqual:
			flush()
			i, j = i+n, j+n
		case diffmatchpatch.DiffDelete:
			if cur == nil {
				cur = &Change{Before: span(tb, wb, max(0, j-3), j)}
			}
			cur.Removed = joinSpan(cur.Removed, span(ta, wa, i, i+n))
			i += n
		case diffmatchpatch.DiffInsert:
			if cur == nil {
				cur = &Change{Before: span(tb, wb, max(0, j-3), j)}
			}
			cur.Added = joinSpan(cur.Added, span(tb, wb, j, j+n))
			j += n
		}
	}
	flush()
	return out
}

// diffTokens are the words of a text with each number whole: "40,000",
// "40 000" and "40.000" are one token 40000, so a grouping that changes is
// no change and a number that changes is shown whole.
func diffTokens(text string) []word {
	ws := words(text, false, nil)
	out := ws[:0]
	for i := 0; i < len(ws); i++ {
		w := ws[i]
		for isDigits(w.raw) && i+1 < len(ws) && len(ws[i+1].raw) == 3 && isDigits(ws[i+1].raw) &&
			isAnyGroupSep(text[w.end:ws[i+1].start]) {
			w.fold += ws[i+1].fold
			w.end = ws[i+1].end
			i++
		}
		out = append(out, w)
	}
	return out
}

func isAnyGroupSep(s string) bool {
	return s == "," || s == "." || s == " " || s == "\u202f" || s == "'"
}

func limit(ws []word) []word {
	if len(ws) > maxDiffWords {
		return ws[:maxDiffWords]
	}
	return ws
}

// span is the text from word i to word j (exclusive), as written.
func span(text string, ws []word, i, j int) string {
	if i >= j || i >= len(ws) {
		return ""
	}
	return text[ws[i].start:ws[j-1].end]
}

func joinSpan(a, b string) string {
	if a == "" {
		return b
	}
	return a + " " + b
}

// Rendering bounds: a revision is a thread reply, not the whole text.
const (
	maxChanges    = 5
	maxChangeText = 160
)

// String renders a revision compactly, one line per change:
//
//	title: removed “near Grodno”, added “near Brest”
//	text: … troops | removed “40,000” | added “50,000” | near the …
func (r Revision) String() string {
	var b strings.Builder
	write := func(field string, cs []Change) {
		for k, c := range cs {
			if k == maxChanges {
				fmt.Fprintf(&b, "%s: … and %d more changes\n", field, len(cs)-k)
				break
			}
			var parts []string
			if c.Before != "" {
				parts = append(parts, "… "+clip(c.Before))
			}
			if c.Removed != "" {
				parts = append(parts, "removed “"+clip(c.Removed)+"”")
			}
			if c.Added != "" {
				parts = append(parts, "added “"+clip(c.Added)+"”")
			}
			if c.After != "" {
				parts = append(parts, clip(c.After)+" …")
			}
			fmt.Fprintf(&b, "%s: %s\n", field, strings.Join(parts, " | "))
		}
	}
	write("title", r.Title)
	write("text", r.Text)
	if r.Link != "" {
		fmt.Fprintf(&b, "link: now %s\n", r.Link)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func clip(s string) string {
	if utf8.RuneCountInString(s) <= maxChangeText {
		return s
	}
	r := []rune(s)
	return string(r[:maxChangeText-1]) + "…"
}

// trackingParams are query parameters that say how a reader came, not what
// the page is.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "yclid": true, "msclkid": true, "mc_cid": true,
	"mc_eid": true, "_ga": true, "_gl": true, "igshid": true, "ref_src": true, "spm": true,
	"utm_referrer": true,
}

// NormalizeLink reduces a link to what identifies the page: no tracking
// parameters (utm_* and the like), no fragment, scheme and host in lower
// case with http taken for https and no "www.", no trailing slash, the
// other parameters sorted. A link that does not parse is returned trimmed.
func NormalizeLink(link string) string {
	u, err := url.Parse(strings.TrimSpace(link))
	if err != nil || u.Host == "" {
		return strings.TrimSpace(link)
	}
	u.Scheme = "https"
	u.Host = strings.TrimPrefix(strings.ToLower(u.Host), "www.")
	u.Fragment, u.RawFragment = "", ""
	q := u.Query()
	for k := range q {
		if trackingParams[strings.ToLower(k)] || strings.HasPrefix(strings.ToLower(k), "utm_") {
			q.Del(k)
		}
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		for _, v := range q[k] {
			parts = append(parts, url.QueryEscape(k)+"="+url.QueryEscape(v))
		}
	}
	u.RawQuery = strings.Join(parts, "&")
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = ""
	return u.String()
}
