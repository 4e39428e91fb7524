package telegram

import (
	"net/url"
	"strconv"
	"time"
)

// Older returns the address of the page of messages that come before this
// one (?before=N), and true, when a first poll that wants every message
// since `since` should read it: the page has messages, the oldest of them
// is dated after since, the channel has older messages (the oldest here
// is not its first), and the address moves back (a mirror that ignores
// ?before would otherwise be read forever). The caller bounds the count
// of pages too, with Spec.Pages.
//
// An oldest message without a date does not stop the paging by itself;
// the page count does.
func (p *Page) Older(since time.Time) (*url.URL, bool) {
	if p == nil || p.URL == nil || len(p.Messages) == 0 || p.Before <= 1 {
		return nil, false
	}
	oldest := p.Messages[0]
	if !oldest.Date.IsZero() && !oldest.Date.After(since) {
		return nil, false
	}
	q := p.URL.Query()
	if cur, err := strconv.ParseInt(q.Get("before"), 10, 64); err == nil && cur > 0 && p.Before >= cur {
		return nil, false
	}
	q.Set("before", strconv.FormatInt(p.Before, 10))
	q.Del("after")
	next := *p.URL
	next.RawQuery = q.Encode()
	next.Fragment, next.RawFragment = "", ""
	return &next, true
}
