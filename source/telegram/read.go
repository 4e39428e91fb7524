package telegram

import (
	"bytes"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"github.com/attache-dev/attache/source/internal/ident"
	"github.com/attache-dev/attache/source/scrape"
)

// Page is one page of a channel's preview.
type Page struct {
	// URL is the address the page was read from (after redirects).
	URL *url.URL
	// Channel is the channel's name ("MID_Russia"), from its posts or
	// its address; Title is its display name.
	Channel string
	Title   string
	// Messages are the page's messages, service messages included,
	// oldest first (by message number).
	Messages []Message
	// Before is the message number that the page's "load older" marker
	// names (its oldest message), or 0 when the page has none.
	Before int64
}

// Read parses a fetched preview page. pageURL is the address it came from
// after redirects: it resolves relative links, and a t.me address other
// than /s/CHANNEL is the invitation page that a disabled preview
// redirects to. The body must be UTF-8 (the fetch layer converts it).
//
// A page with no message is not an error when it is a channel's preview
// (a new channel, or a page before the first post); it is an
// *UnavailableError when it is an invitation page or shows a notice
// instead of messages, and wraps ErrNotAPreview when it is anything else.
func Read(body []byte, pageURL *url.URL) (*Page, error) {
	where := "the page"
	if pageURL != nil {
		where = pageURL.Redacted()
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, fmt.Errorf("%s: %w: the page is empty", where, ErrNotAPreview)
	}
	root, err := scrape.ParseHTML(bytes.ToValidUTF8(body, nil))
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %w", where, ErrNotAPreview, err)
	}
	doc := goquery.NewDocumentFromNode(root)
	p := &Page{URL: pageURL, Title: channelTitle(doc)}

	doc.Find(".tgme_widget_message[data-post]").Each(func(_ int, s *goquery.Selection) {
		if m := parseMessage(s, pageURL); m.Post != "" {
			p.Messages = append(p.Messages, m)
		}
	})
	// The preview lists messages oldest first; ordering by number keeps
	// that promise whatever a mirror does.
	slices.SortStableFunc(p.Messages, func(a, b Message) int {
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
	p.Channel = channelOf(p.Messages, pageURL)
	p.Before = before(doc, p.Messages)

	if len(p.Messages) == 0 {
		if err := unavailable(doc, pageURL, p); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// channelTitle is the channel's display name as the page header gives it.
func channelTitle(doc *goquery.Document) string {
	for _, sel := range []string{".tgme_channel_info_header_title", ".tgme_header_title", ".tgme_page_title"} {
		if t := firstText(doc.Selection, sel); t != "" {
			return t
		}
	}
	if s := doc.Find(`meta[property="og:title"]`).First(); s.Length() > 0 {
		return strings.TrimSpace(s.AttrOr("content", ""))
	}
	return ""
}

// channelOf is the channel's name: the first part of its posts, else the
// last segment of a /s/CHANNEL address.
func channelOf(msgs []Message, u *url.URL) string {
	for _, m := range msgs {
		if m.Channel != "" {
			return m.Channel
		}
	}
	if u != nil {
		parts := strings.Split(strings.Trim(u.Path, "/"), "/")
		if len(parts) == 2 && parts[0] == "s" {
			return parts[1]
		}
	}
	return ""
}

// before reads the "load older messages" marker, else the oldest message
// number on the page.
func before(doc *goquery.Document, msgs []Message) int64 {
	if s := doc.Find(".tme_messages_more[data-before]").First(); s.Length() > 0 {
		if _, n := splitPost("x/" + strings.TrimSpace(s.AttrOr("data-before", ""))); n > 0 {
			return n
		}
	}
	for _, m := range msgs {
		if m.ID > 0 {
			return m.ID
		}
	}
	return 0
}

// notices are what the preview shows instead of the messages of a channel
// that cannot be displayed, lower case.
var notices = []string{
	"can't be displayed", "can’t be displayed", "cannot be displayed",
	"is blocked", "unavailable in your country", "not available in your country",
}

// unavailable explains a page without messages: nil for a channel's
// preview that simply has none, an *UnavailableError for an invitation
// page or a blocked channel, ErrNotAPreview for anything else.
func unavailable(doc *goquery.Document, u *url.URL, p *Page) error {
	where := "the page"
	if u != nil {
		where = u.Redacted()
	}
	if doc.Find(".tgme_channel_info, .tgme_channel_history").Length() > 0 {
		for _, sel := range []string{".tgme_channel_history", ".tgme_channel_info_description"} {
			text := firstText(doc.Selection, sel)
			lower := strings.ToLower(text)
			for _, n := range notices {
				if strings.Contains(lower, n) {
					return &UnavailableError{URL: where, Channel: p.Channel, Title: p.Title, Reason: "the channel shows a notice instead of its messages: " + text}
				}
			}
		}
		return nil
	}
	landing := doc.Find(".tgme_page, .tgme_page_action, .tgme_page_extra").Length() > 0
	if landing || (u != nil && isTelegramHost(u.Host) && !strings.HasPrefix(u.Path, "/s/")) {
		return &UnavailableError{URL: where, Channel: p.Channel, Title: p.Title, Reason: "the address leads to the channel's invitation page, not its message preview (the channel has disabled its preview, is private, or does not exist)"}
	}
	what := "the page has neither messages nor a channel header"
	if title := ident.Clean(firstText(doc.Selection, "title")); title != "" {
		what += fmt.Sprintf(" (its title is %q)", title)
	}
	return fmt.Errorf("%s: %w: %s", where, ErrNotAPreview, what)
}

// firstText is the text, on one line, of the first element within s that
// matches sel, or "".
func firstText(s *goquery.Selection, sel string) string {
	found := s.Find(sel)
	if found.Length() == 0 {
		return ""
	}
	return lineOf(found.Get(0))
}
