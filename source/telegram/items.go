package telegram

import (
	"html"
	"strings"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/source/internal/ident"
)

// maxTitle is how long a title taken from a message's first line may be,
// in characters: a message has no title of its own, and its first line
// can be a whole paragraph.
const maxTitle = 160

// Items turns the page's messages into items, oldest first. Service
// messages are left out: they are not news. Every other message is an
// item, a photo without caption too: it can match no rule, but recording
// it keeps "every unseen item counts" true.
//
//   - Key: the post ("MID_Russia/50101"), stable across edits; Story: its
//     normalised permalink.
//   - Title: the first line of the text (cut at maxTitle), else the text
//     its media carry (a document's name, a poll's question), else the
//     link preview's title.
//   - Summary: the text, HTML-escaped (item text fields may hold HTML,
//     and a message's "<" is a character, not a tag).
//   - Content: the context, one labelled line each: "Forwarded from: …",
//     "In reply to: …", "Link preview: …", "Media: …".
//   - Author: the signature or the channel; Categories: the hashtags.
//   - Published: the message's time in UTC; a missing or implausible one
//     makes the item undated (now, DateMissing).
//
// lang is given to every item; feed names the configured source.
func (p *Page) Items(feed, lang string, now time.Time) []attache.Item {
	entries := make([]ident.Entry, 0, len(p.Messages))
	for _, m := range p.Messages {
		if m.Service {
			continue
		}
		e := m.entry(lang, now)
		if e.Item.Author == "" {
			e.Item.Author = p.Title // a forwarded message names no author of its own
		}
		entries = append(entries, e)
	}
	return ident.Assign(feed, entries)
}

// entry is the item a message makes, before its identity is assigned.
func (m Message) entry(lang string, now time.Time) ident.Entry {
	it := attache.Item{
		Title:      title(m),
		Link:       m.Link,
		Summary:    html.EscapeString(m.Text),
		Content:    html.EscapeString(context(m)),
		Author:     m.Author,
		Categories: m.Hashtags,
		Lang:       lang,
	}
	it.Published, it.DateMissing = ident.Date(m.Date, !m.Date.IsZero(), now)
	return ident.Entry{Item: it, ID: m.Post, DateText: m.DateText}
}

func title(m Message) string {
	for _, s := range []string{m.Text, m.MediaText} {
		if t := firstLine(s, maxTitle); t != "" {
			return t
		}
	}
	if m.Preview != nil {
		return firstLine(m.Preview.Title, maxTitle)
	}
	return ""
}

// context is what surrounds a message's own text, each part on a labelled
// line so that an analyst reading the alert can tell it from the text.
func context(m Message) string {
	var lines []string
	add := func(label string, parts ...string) {
		var kept []string
		for _, p := range parts {
			if p = strings.TrimSpace(p); p != "" {
				kept = append(kept, p)
			}
		}
		if len(kept) > 0 {
			lines = append(lines, label+": "+strings.Join(kept, " — "))
		}
	}
	if f := m.Forwarded; f != nil {
		add("Forwarded from", f.Name, f.Link)
	}
	if r := m.Reply; r != nil {
		add("In reply to", r.Author, r.Text, r.Link)
	}
	if pv := m.Preview; pv != nil {
		add("Link preview", pv.Site, pv.Title, pv.Description, pv.URL)
	}
	if len(m.Media) > 0 {
		add("Media", strings.Join(m.Media, ", "), strings.ReplaceAll(m.MediaText, "\n", "; "))
	}
	return strings.Join(lines, "\n")
}
