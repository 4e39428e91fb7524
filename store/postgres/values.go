package postgres

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/attache-dev/attache"
)

// replacement stands for a NUL or an invalid byte: U+FFFD, the Unicode
// replacement character, which HTML parsers also put in place of a NUL.
const replacement = "\uFFFD"

// cleanText gives s as PostgreSQL's text can hold it: each NUL and each byte
// that is not part of valid UTF-8 replaced with U+FFFD. Every string the
// store writes or looks up goes through it, so that writes and look-ups
// agree. Two strings that differ only there become one; a NUL is never the
// only difference between two real keys.
func cleanText(s string) string {
	if utf8.ValidString(s) && !strings.Contains(s, "\x00") {
		return s // the common case costs a scan and no copy
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, replacement), "\x00", replacement)
}

// cleanTexts applies cleanText to each of ss, in a new slice.
func cleanTexts(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = cleanText(s)
	}
	return out
}

// PostgreSQL's timestamptz runs from 4713 BC to 294276 AD; Go's time goes
// much further. A time outside is an item date no feed means, so it is
// dropped (see cleanItem) rather than failing the poll that carries it.
var (
	minTime = time.Date(-4712, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(294276, 12, 31, 0, 0, 0, 0, time.UTC)
)

// inRange says whether t fits in a timestamptz.
func inRange(t time.Time) bool {
	return !t.Before(minTime) && !t.After(maxTime)
}

// ts converts a time to what the database stores: truncated to the
// millisecond, as the SQLite store keeps it, or NULL for the zero time.
func ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return truncMS(t)
}

// fromTS is the inverse of ts for a column that may be NULL.
func fromTS(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// truncMS gives t as it will read back from the database.
func truncMS(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return time.UnixMilli(t.UnixMilli()).UTC()
}

// cleanItem gives it as the store keeps it and reads it back: its text
// cleaned, Published in UTC to the millisecond (zero when no timestamptz
// can hold it), no categories as nil, and a Story even if the caller left
// it empty.
func cleanItem(it attache.Item) attache.Item {
	it.Feed = cleanText(it.Feed)
	it.Key = cleanText(it.Key)
	it.Story = cleanText(it.Story)
	it.Title = cleanText(it.Title)
	it.Link = cleanText(it.Link)
	it.Summary = cleanText(it.Summary)
	it.Content = cleanText(it.Content)
	it.Author = cleanText(it.Author)
	it.Lang = cleanText(it.Lang)
	if len(it.Categories) == 0 {
		it.Categories = nil
	} else {
		it.Categories = cleanTexts(it.Categories)
	}
	if !inRange(it.Published) {
		it.Published = time.Time{}
	}
	it.Published = truncMS(it.Published)
	if it.Story == "" {
		// As in the SQLite store: without this every storyless item would be
		// one story, and all but the first would never be alerted. Feed names
		// and normalised links hold no spaces, so this meets no real story.
		it.Story = it.Feed + " " + it.Key
	}
	return it
}

// cleanMatches cleans the text of each match, in a new slice.
func cleanMatches(ms []attache.Match) []attache.Match {
	out := make([]attache.Match, len(ms))
	for i, m := range ms {
		m.Rule = cleanText(m.Rule)
		m.Description = cleanText(m.Description)
		if m.Hits != nil {
			hits := make([]attache.Hit, len(m.Hits))
			for j, h := range m.Hits {
				h.Term = cleanText(h.Term)
				h.Text = cleanText(h.Text)
				hits[j] = h
			}
			m.Hits = hits
		}
		out[i] = m
	}
	return out
}
