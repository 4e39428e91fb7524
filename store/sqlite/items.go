package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/store"
)

// keyChunk bounds the IN list of one query. SQLite before 3.32 allowed 999
// bound parameters, PostgreSQL allows 65535; a feed's first poll can bring
// thousands of keys.
const keyChunk = 500

// Unseen returns those of keys that feed has not recorded, in their first
// order, each once. For a feed never polled that is all of them.
func (s *Store) Unseen(ctx context.Context, feed string, keys []string) ([]string, error) {
	seen := make(map[string]bool, len(keys))
	for chunk := range slices.Chunk(keys, keyChunk) {
		if err := s.markSeen(ctx, feed, chunk, seen); err != nil {
			return nil, fmt.Errorf("feed %q: unseen items: %w", feed, err)
		}
	}
	var unseen []string
	for _, k := range keys {
		if !seen[k] {
			unseen = append(unseen, k)
			seen[k] = true // report a repeated key once
		}
	}
	return unseen, nil
}

// markSeen sets seen[k] for each key of chunk that feed has recorded.
func (s *Store) markSeen(ctx context.Context, feed string, chunk []string, seen map[string]bool) error {
	query := `SELECT item_key FROM items WHERE feed = ? AND item_key IN (?` +
		strings.Repeat(", ?", len(chunk)-1) + `)`
	args := make([]any, 0, len(chunk)+1)
	args = append(args, feed)
	for _, k := range chunk {
		args = append(args, k)
	}
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return err
		}
		seen[k] = true
	}
	return rows.Err()
}

// SeenStories returns which of stories some recorded item (of any feed)
// already tells. A feed that rewrites its GUIDs, or a second feed carrying a
// story another one had, brings no news: the poller records such items
// without alerting them.
func (s *Store) SeenStories(ctx context.Context, stories []string) (map[string]bool, error) {
	seen := make(map[string]bool)
	for chunk := range slices.Chunk(stories, keyChunk) {
		query := `SELECT DISTINCT story FROM items WHERE story IN (?` + strings.Repeat(", ?", len(chunk)-1) + `)`
		args := make([]any, len(chunk))
		for i, st := range chunk {
			args[i] = st
		}
		rows, err := s.db.QueryContext(ctx, query, args...)
		if err != nil {
			return nil, fmt.Errorf("seen stories: %w", err)
		}
		for rows.Next() {
			var st string
			if err := rows.Scan(&st); err != nil {
				rows.Close()
				return nil, fmt.Errorf("seen stories: %w", err)
			}
			seen[st] = true
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("seen stories: %w", err)
		}
	}
	return seen, nil
}

// CountItems returns how many items of feed are recorded.
func (s *Store) CountItems(ctx context.Context, feed string) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM items WHERE feed = ?`, feed).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("feed %q: count items: %w", feed, err)
	}
	return n, nil
}

// ItemsSince returns every recorded item first seen at or after since, in
// the order they were first seen, for a backtest of the rules. The date is
// that of first sight, not of publication: a feed's publication dates can
// be missing, wrong or years old, while first sight is when attaché would
// have alerted. Items older than the retention are gone.
//
// The whole result is held in memory; at a few thousand items a day that
// is tens of megabytes for the default 90 days.
func (s *Store) ItemsSince(ctx context.Context, since time.Time) ([]attache.Item, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT feed, item_key, story, title, link, summary,
		content, author, categories, lang, published_ms, date_missing
		FROM items WHERE first_seen_ms >= ?
		ORDER BY first_seen_ms, published_ms, feed, item_key`, since.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("items since %s: %w", since.Format(time.RFC3339), err)
	}
	defer rows.Close()
	var items []attache.Item
	for rows.Next() {
		var (
			it         attache.Item
			categories string
			published  sql.NullInt64
		)
		err := rows.Scan(&it.Feed, &it.Key, &it.Story, &it.Title, &it.Link, &it.Summary,
			&it.Content, &it.Author, &categories, &it.Lang, &published, &it.DateMissing)
		if err != nil {
			return nil, fmt.Errorf("items since %s: %w", since.Format(time.RFC3339), err)
		}
		if it.Categories, err = decodeCategories(categories); err != nil {
			return nil, fmt.Errorf("item %q of feed %q: categories: %w", it.Key, it.Feed, err)
		}
		it.Published = fromMS(published)
		items = append(items, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("items since %s: %w", since.Format(time.RFC3339), err)
	}
	return items, nil
}

// insertItems records items as seen at now, leaving those already recorded
// untouched: an item's first sight, and its text as first seen, stand.
func insertItems(ctx context.Context, tx *sql.Tx, items []attache.Item, now time.Time) error {
	if len(items) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO items
		(feed, item_key, story, title, link, summary, content, author,
		 categories, lang, published_ms, date_missing, first_seen_ms)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (feed, item_key) DO NOTHING`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, it := range items {
		it = normItem(it)
		categories, err := encodeCategories(it.Categories)
		if err != nil {
			return fmt.Errorf("item %q: categories: %w", it.Key, err)
		}
		_, err = stmt.ExecContext(ctx, it.Feed, it.Key, it.Story, it.Title, it.Link,
			it.Summary, it.Content, it.Author, categories, it.Lang, toMS(it.Published),
			it.DateMissing, now.UnixMilli())
		if err != nil {
			return fmt.Errorf("item %q: %w", it.Key, err)
		}
	}
	return nil
}

// sight records the batch's sightings: the items it names, or, when the
// source did not change, the items of its last sighting.
func sight(ctx context.Context, tx *sql.Tx, b store.RecordBatch) error {
	now := b.Now.UnixMilli()
	if b.Unchanged {
		_, err := tx.ExecContext(ctx, `UPDATE items SET last_seen_ms = ?
			WHERE feed = ? AND last_seen_ms = (SELECT MAX(last_seen_ms) FROM items WHERE feed = ?)`,
			now, b.Feed, b.Feed)
		return err
	}
	for chunk := range slices.Chunk(b.Sighted, keyChunk) {
		args := make([]any, 0, len(chunk)+2)
		args = append(args, now, b.Feed)
		for _, k := range chunk {
			args = append(args, k)
		}
		_, err := tx.ExecContext(ctx, `UPDATE items SET last_seen_ms = ? WHERE feed = ? AND item_key IN (?`+
			strings.Repeat(", ?", len(chunk)-1)+`)`, args...)
		if err != nil {
			return err
		}
	}
	return nil
}
