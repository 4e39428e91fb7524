package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/attache-dev/attache"
)

// Unseen returns those of keys that feed has not recorded, in their first
// order, each once. For a feed never polled that is all of them. The keys go
// to the server as one array, whatever their number.
func (s *Store) Unseen(ctx context.Context, feed string, keys []string) ([]string, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT item_key FROM items WHERE feed = $1 AND item_key = ANY($2)`,
		cleanText(feed), cleanTexts(keys))
	if err != nil {
		return nil, fmt.Errorf("feed %q: unseen items: %w", feed, err)
	}
	recorded, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("feed %q: unseen items: %w", feed, err)
	}
	seen := make(map[string]bool, len(recorded))
	for _, k := range recorded {
		seen[k] = true
	}
	var unseen []string
	reported := make(map[string]bool)
	for _, k := range keys {
		if !seen[cleanText(k)] && !reported[k] {
			unseen = append(unseen, k)
			reported[k] = true
		}
	}
	return unseen, nil
}

// SeenStories returns which of stories some recorded item (of any feed)
// already tells. A feed that rewrites its GUIDs, or a second feed carrying a
// story another one had, brings no news: the poller records such items
// without alerting them.
func (s *Store) SeenStories(ctx context.Context, stories []string) (map[string]bool, error) {
	seen := make(map[string]bool)
	if len(stories) == 0 {
		return seen, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT story FROM items WHERE story = ANY($1)`, cleanTexts(stories))
	if err != nil {
		return nil, fmt.Errorf("seen stories: %w", err)
	}
	found, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("seen stories: %w", err)
	}
	stored := make(map[string]bool, len(found))
	for _, st := range found {
		stored[st] = true
	}
	// Answer in the caller's terms: a story with a NUL is found under its
	// cleaned form.
	for _, st := range stories {
		if stored[cleanText(st)] {
			seen[st] = true
		}
	}
	return seen, nil
}

// CountItems returns how many items of feed are recorded.
func (s *Store) CountItems(ctx context.Context, feed string) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT COUNT(*) FROM items WHERE feed = $1`, cleanText(feed)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("feed %q: count items: %w", feed, err)
	}
	return n, nil
}

// ItemsSince returns every recorded item first seen at or after since, in
// the order they were first seen, for a backtest of the rules. The date is
// that of first sight, not of publication, which can be missing, wrong or
// years old. Items older than the retention are gone. The whole result is
// held in memory.
func (s *Store) ItemsSince(ctx context.Context, since time.Time) ([]attache.Item, error) {
	rows, err := s.pool.Query(ctx, `SELECT feed, item_key, story, title, link, summary,
		content, author, categories, lang, published, date_missing
		FROM items WHERE first_seen >= $1
		ORDER BY first_seen, published NULLS FIRST, feed, item_key`, truncMS(since))
	if err != nil {
		return nil, fmt.Errorf("items since %s: %w", since.Format(time.RFC3339), err)
	}
	items, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (attache.Item, error) {
		var (
			it        attache.Item
			published *time.Time
		)
		err := row.Scan(&it.Feed, &it.Key, &it.Story, &it.Title, &it.Link, &it.Summary,
			&it.Content, &it.Author, &it.Categories, &it.Lang, &published, &it.DateMissing)
		if len(it.Categories) == 0 {
			it.Categories = nil
		}
		it.Published = fromTS(published)
		return it, err
	})
	if err != nil {
		return nil, fmt.Errorf("items since %s: %w", since.Format(time.RFC3339), err)
	}
	return items, nil
}

// insertItemsSQL records a poll's items in one statement, one array per
// column. Categories travel as one JSON array per item, since PostgreSQL's
// arrays of arrays must be rectangular. An item already recorded is left as
// it is: its first sight, and its text as first seen, stand.
const insertItemsSQL = `INSERT INTO items
	(feed, item_key, story, title, link, summary, content, author,
	 categories, lang, published, date_missing, first_seen)
	SELECT $1, u.key, u.story, u.title, u.link, u.summary, u.content, u.author,
		ARRAY(SELECT json_array_elements_text(u.categories::json)), u.lang, u.published, u.date_missing, $2
	FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
		$9::text[], $10::text[], $11::text[], $12::timestamptz[], $13::boolean[])
		AS u (key, story, title, link, summary, content, author, categories, lang, published, date_missing)
	ON CONFLICT (feed, item_key) DO NOTHING`

// insertItemsArgs gives the arguments of insertItemsSQL for items, already
// cleaned and of one feed, seen at now.
func insertItemsArgs(feed string, items []attache.Item, now time.Time) ([]any, error) {
	// In key order, the order of the primary key's locks, so that two
	// Records of one feed cannot deadlock; stable, so that of two items with
	// one key the first is kept.
	items = slices.Clone(items)
	slices.SortStableFunc(items, func(a, b attache.Item) int { return strings.Compare(a.Key, b.Key) })
	n := len(items)
	var (
		keys, stories, titles, links = make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		summaries, contents, authors = make([]string, n), make([]string, n), make([]string, n)
		categories, langs            = make([]string, n), make([]string, n)
		published                    = make([]*time.Time, n)
		dateMissing                  = make([]bool, n)
	)
	for i, it := range items {
		keys[i], stories[i], titles[i], links[i] = it.Key, it.Story, it.Title, it.Link
		summaries[i], contents[i], authors[i], langs[i] = it.Summary, it.Content, it.Author, it.Lang
		cs := it.Categories
		if cs == nil {
			cs = []string{}
		}
		b, err := json.Marshal(cs)
		if err != nil {
			return nil, fmt.Errorf("item %q: categories: %w", it.Key, err)
		}
		categories[i] = string(b)
		if !it.Published.IsZero() {
			published[i] = &it.Published
		}
		dateMissing[i] = it.DateMissing
	}
	return []any{feed, truncMS(now), keys, stories, titles, links,
		summaries, contents, authors, categories, langs, published, dateMissing}, nil
}
