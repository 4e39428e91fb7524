package source

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/source/telegram"
)

// telegramItems reads a fetched page of a channel's preview into items.
// With since set (a first poll with a backfill window), it pages back with
// ?before=N while the oldest message read is still inside the window, at
// most the source's max_pages in all, each page fetched with the same
// client and limits: the preview shows only the last 20 or so messages,
// and a first poll that must alert what the window holds needs them all.
// A page that fails fails the poll, so that the window is never taken for
// quieter than it was; the next poll, still a first one, tries again.
func (f *Fetcher) telegramItems(ctx context.Context, resp *Response, src attache.Feed, now, since time.Time) ([]attache.Item, error) {
	u, _ := url.Parse(resp.URL)
	page, err := telegram.Read(resp.Body, u)
	if err != nil {
		return nil, err
	}
	if since.IsZero() {
		return page.Items(src.Name, src.Lang, now), nil
	}
	maxPages := telegram.Spec{}.Pages()
	if src.Telegram != nil {
		maxPages = telegram.Spec{MaxPages: src.Telegram.MaxPages}.Pages()
	}
	all := *page
	for read := 1; read < maxPages; read++ {
		next, ok := page.Older(since)
		if !ok {
			break
		}
		older, err := f.fetch(ctx, next.String(), Conditional{}, acceptPage)
		if err != nil {
			return nil, fmt.Errorf("older messages: %w", err)
		}
		ou, _ := url.Parse(older.URL)
		if page, err = telegram.Read(older.Body, ou); err != nil {
			return nil, fmt.Errorf("older messages: %w", err)
		}
		all.Messages = append(page.Messages, all.Messages...)
	}
	all.Messages = oncePerPost(all.Messages)
	return all.Items(src.Name, src.Lang, now), nil
}

// oncePerPost keeps each post once, oldest first: pages that overlap (a
// message posted between two requests shifts them) name some twice, and
// the newer page's copy is the later one.
func oncePerPost(ms []telegram.Message) []telegram.Message {
	slices.SortStableFunc(ms, func(a, b telegram.Message) int {
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
	out := ms[:0]
	for i, m := range ms {
		if i+1 < len(ms) && ms[i+1].Post == m.Post {
			continue // the later copy wins
		}
		out = append(out, m)
	}
	return out
}
