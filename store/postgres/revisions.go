package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/store"
)

// AlertedItems returns, of the feed's items with these keys, those whose
// alert was delivered somewhere, with their text as last recorded.
func (s *Store) AlertedItems(ctx context.Context, feed string, keys []string) (map[string]store.AlertedItem, error) {
	out := map[string]store.AlertedItem{}
	if len(keys) == 0 {
		return out, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT i.item_key, i.story, i.title, i.link, i.summary, i.content, i.lang,
		a.destination, a.matches
		FROM alerts a JOIN items i ON i.feed = a.feed AND i.item_key = a.item_key
		WHERE a.feed = $1 AND a.status = 'delivered' AND a.item_key = ANY($2::text[])
		ORDER BY a.queued`, cleanText(feed), cleanTexts(keys))
	if err != nil {
		return nil, fmt.Errorf("alerted items of feed %q: %w", feed, err)
	}
	type row struct {
		it            attache.Item
		dest, matches string
	}
	got, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
		var x row
		err := r.Scan(&x.it.Key, &x.it.Story, &x.it.Title, &x.it.Link, &x.it.Summary, &x.it.Content, &x.it.Lang, &x.dest, &x.matches)
		return x, err
	})
	if err != nil {
		return nil, fmt.Errorf("alerted items of feed %q: %w", feed, err)
	}
	for _, x := range got {
		ms, err := decodeMatches(x.matches)
		if err != nil {
			return nil, fmt.Errorf("alerted items of feed %q: %w", feed, err)
		}
		x.it.Feed = feed
		ai, ok := out[x.it.Key]
		if !ok {
			ai = store.AlertedItem{Item: x.it, Matches: map[string][]attache.Match{}}
		}
		if _, seen := ai.Matches[x.dest]; !seen {
			ai.Matches[x.dest] = ms
		}
		out[x.it.Key] = ai
	}
	return out, nil
}
