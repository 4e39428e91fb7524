package slack

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/text"
)

// The snippet's window, in characters of the field's plain text. Escaped,
// with its bold marks, it stays far inside a section's 3,000 characters.
const (
	snippetChars = 300 // the whole window
	snippetLead  = 100 // at most this much before the first hit
	snippetSnap  = 60  // how far, in bytes, the window's ends move to fall between words
)

// span is a range of bytes of a field's plain text.
type span struct{ start, end int }

// snippetSource picks the text a snippet shows and the hits to highlight in
// it. The title is already the first line of the message, so the item's body
// (summary, then content) comes first when it has hits; the title with its
// hits comes next; without hits in any of them (a rule that matched the
// categories, say), the start of the body is still worth a glance.
func snippetSource(a attache.Alert) (string, []span) {
	hits := map[string][]attache.Hit{}
	for _, m := range a.Matches {
		for _, h := range m.Hits {
			hits[h.Field] = append(hits[h.Field], h)
		}
	}
	fields := map[string]string{
		attache.FieldTitle:   a.Item.Title,
		attache.FieldSummary: a.Item.Summary,
		attache.FieldContent: a.Item.Content,
	}
	for _, f := range []string{attache.FieldSummary, attache.FieldContent, attache.FieldTitle} {
		if len(hits[f]) == 0 {
			continue
		}
		text := text.Plain(fields[f])
		if spans := hitSpans(text, hits[f]); len(spans) > 0 {
			return text, spans
		}
	}
	for _, f := range []string{attache.FieldSummary, attache.FieldContent} {
		if text := text.Plain(fields[f]); text != "" {
			return text, nil
		}
	}
	return "", nil
}

// hitSpans turns hits into the ranges of text to set in bold: sorted, on
// character boundaries, without spaces at their ends (mrkdwn bold cannot
// begin or end on one), and with overlapping or adjacent hits merged, since
// "*a**b*" is not bold in Slack.
func hitSpans(text string, hits []attache.Hit) []span {
	spans := make([]span, 0, len(hits))
	for _, h := range hits {
		s, e := h.Start, h.End
		if s < 0 || e > len(text) || s >= e || (h.Text != "" && text[s:e] != h.Text) {
			// The offsets do not fit this text (the item was edited since it
			// matched, say): look for the hit's text instead.
			i := -1
			if h.Text != "" {
				i = strings.Index(text, h.Text)
			}
			if i < 0 {
				continue
			}
			s, e = i, i+len(h.Text)
		}
		for s > 0 && !utf8.RuneStart(text[s]) {
			s--
		}
		for e < len(text) && !utf8.RuneStart(text[e]) {
			e++
		}
		s, e = trimSpaces(text, s, e)
		if s < e {
			spans = append(spans, span{s, e})
		}
	}
	slices.SortFunc(spans, func(a, b span) int { return a.start - b.start })
	merged := spans[:0]
	for _, sp := range spans {
		if n := len(merged); n > 0 && sp.start <= merged[n-1].end {
			merged[n-1].end = max(merged[n-1].end, sp.end)
			continue
		}
		merged = append(merged, sp)
	}
	return merged
}

// trimSpaces narrows text[s:e] to leave out spaces and line breaks at its
// ends. Plain text (text.Plain) has no other kind of space.
func trimSpaces(text string, s, e int) (int, int) {
	for s < e && (text[s] == ' ' || text[s] == '\n') {
		s++
	}
	for e > s && (text[e-1] == ' ' || text[e-1] == '\n') {
		e--
	}
	return s, e
}

// window chooses the bytes [ws, we) of text to show: up to snippetLead
// characters before the first hit and snippetChars in all, with each end
// moved to fall between words when a space is near.
func window(text string, first span) (ws, we int) {
	ws = first.start
	for n := 0; n < snippetLead && ws > 0; n++ {
		_, size := utf8.DecodeLastRuneInString(text[:ws])
		ws -= size
	}
	if ws > 0 {
		if i := strings.IndexAny(text[ws:min(first.start, ws+snippetSnap)], " \n"); i >= 0 {
			ws += i + 1
		}
	}
	we = ws
	for n := 0; n < snippetChars && we < len(text); n++ {
		_, size := utf8.DecodeRuneInString(text[we:])
		we += size
	}
	if lo := max(first.end, we-snippetSnap); we < len(text) && lo < we {
		if i := strings.LastIndexAny(text[lo:we], " \n"); i >= 0 {
			we = lo + i
		}
	}
	return ws, we
}

// snippet renders a window of text around its first hits as mrkdwn, each
// hit in bold and everything else escaped.
func snippet(text string, spans []span) string {
	if text == "" {
		return ""
	}
	var first span
	if len(spans) > 0 {
		first = spans[0]
	}
	ws, we := window(text, first)
	var b strings.Builder
	if ws > 0 {
		// A space keeps the ellipsis from touching a bold mark, which would
		// stop Slack from reading it as one.
		b.WriteString(ellipsis + " ")
	}
	at := ws
	for _, sp := range spans {
		if sp.start >= we {
			break
		}
		s, e := trimSpaces(text, max(sp.start, at), min(sp.end, we))
		if s >= e {
			continue
		}
		b.WriteString(escape(text[at:s]))
		b.WriteString("*" + escape(text[s:e]) + "*")
		at = e
	}
	b.WriteString(escape(text[at:we]))
	if we < len(text) {
		b.WriteString(" " + ellipsis)
	}
	return b.String()
}
