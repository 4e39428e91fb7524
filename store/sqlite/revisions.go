package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/store"
)

// AlertedItems returns, of the feed's items with these keys, those whose
// alert was delivered somewhere, with their text as last recorded.
func (s *Store) AlertedItems(ctx context.Context, feed string, keys []string) (map[string]store.AlertedItem, error) {
	out := map[string]store.AlertedItem{}
	for start := 0; start < len(keys); start += keyChunk {
		chunk := keys[start:min(start+keyChunk, len(keys))]
		args := []any{feed}
		for _, k := range chunk {
			args = append(args, k)
		}
		rows, err := s.db.QueryContext(ctx, `SELECT i.item_key, i.story, i.title, i.link, i.summary, i.content, i.lang,
			a.destination, a.matches
			FROM alerts a JOIN items i ON i.feed = a.feed AND i.item_key = a.item_key
			WHERE a.feed = ? AND a.status = 'delivered' AND a.item_key IN (?`+strings.Repeat(", ?", len(chunk)-1)+`)
			ORDER BY a.queued_ms`, args...)
		if err != nil {
			return nil, fmt.Errorf("alerted items of feed %q: %w", feed, err)
		}
		if err := scanAlertedItems(rows, feed, out); err != nil {
			return nil, fmt.Errorf("alerted items of feed %q: %w", feed, err)
		}
	}
	return out, nil
}

func scanAlertedItems(rows *sql.Rows, feed string, out map[string]store.AlertedItem) error {
	defer rows.Close()
	for rows.Next() {
		var (
			it            attache.Item
			dest, matches string
		)
		if err := rows.Scan(&it.Key, &it.Story, &it.Title, &it.Link, &it.Summary, &it.Content, &it.Lang, &dest, &matches); err != nil {
			return err
		}
		ms, err := decodeMatches(matches)
		if err != nil {
			return err
		}
		it.Feed = feed
		ai, ok := out[it.Key]
		if !ok {
			ai = store.AlertedItem{Item: it, Matches: map[string][]attache.Match{}}
		}
		if _, seen := ai.Matches[dest]; !seen {
			ai.Matches[dest] = ms // the first alert there: the item's own
		}
		out[it.Key] = ai
	}
	return rows.Err()
}

// revise replaces the recorded text of revised items.
func revise(ctx context.Context, tx *sql.Tx, feed string, items []attache.Item) error {
	for _, it := range items {
		it = normItem(it)
		if _, err := tx.ExecContext(ctx, `UPDATE items SET title = ?, link = ?, summary = ?, content = ? WHERE feed = ? AND item_key = ?`,
			it.Title, it.Link, it.Summary, it.Content, feed, it.Key); err != nil {
			return fmt.Errorf("revise item %q: %w", it.Key, err)
		}
	}
	return nil
}
