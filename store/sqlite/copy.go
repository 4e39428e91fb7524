package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/store"
)

// copyBatch is how many rows a copy reads and writes at a time: a batch of
// items with their text is a few megabytes at most.
const copyBatch = 500

var _ store.Copier = (*Store)(nil)

// Dump gives every row of the state to sink, table by table, in batches
// read in key order (keyset paging: each batch starts after the last key).
func (s *Store) Dump(ctx context.Context, sink store.Sink) error {
	feeds, err := s.FeedStates(ctx)
	if err != nil {
		return err
	}
	if err := sink.Feeds(ctx, feeds); err != nil {
		return err
	}
	if err := s.dumpItems(ctx, sink); err != nil {
		return fmt.Errorf("items: %w", err)
	}
	if err := s.dumpAlerted(ctx, sink); err != nil {
		return fmt.Errorf("alerted: %w", err)
	}
	if err := s.dumpAlerts(ctx, sink); err != nil {
		return fmt.Errorf("alerts: %w", err)
	}
	mutes, err := s.ActiveMutes(ctx, time.Time{})
	if err != nil {
		return err
	}
	if err := sink.Mutes(ctx, mutes); err != nil {
		return fmt.Errorf("mutes: %w", err)
	}
	fb, err := s.allFeedback(ctx)
	if err != nil {
		return err
	}
	if err := sink.Feedback(ctx, fb); err != nil {
		return fmt.Errorf("feedback: %w", err)
	}
	stories, err := s.Stories(ctx, time.Time{})
	if err != nil {
		return err
	}
	if err := sink.Stories(ctx, stories); err != nil {
		return fmt.Errorf("stories: %w", err)
	}
	return nil
}

// allFeedback is every verdict kept, for a copy.
func (s *Store) allFeedback(ctx context.Context) ([]attache.Feedback, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT alert_id, rule, by_who, verdict, at_ms FROM feedback ORDER BY alert_id, rule, by_who`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []attache.Feedback
	for rows.Next() {
		var f attache.Feedback
		var verdict string
		var at int64
		if err := rows.Scan(&f.AlertID, &f.Rule, &f.By, &verdict, &at); err != nil {
			return nil, err
		}
		f.Verdict, f.At = attache.Verdict(verdict), fromMSValue(at)
		out = append(out, f)
	}
	return out, rows.Err()
}

func (s *Store) dumpItems(ctx context.Context, sink store.Sink) error {
	feed, key := "", ""
	for {
		rows, err := s.db.QueryContext(ctx, `SELECT feed, item_key, story, title, link, summary,
			content, author, categories, lang, published_ms, date_missing, first_seen_ms, last_seen_ms
			FROM items WHERE (feed, item_key) > (?, ?) ORDER BY feed, item_key LIMIT ?`, feed, key, copyBatch)
		if err != nil {
			return err
		}
		var batch []store.SeenItem
		for rows.Next() {
			var (
				it              attache.Item
				categories      string
				published, last sql.NullInt64
				first           int64
			)
			if err := rows.Scan(&it.Feed, &it.Key, &it.Story, &it.Title, &it.Link, &it.Summary, &it.Content,
				&it.Author, &categories, &it.Lang, &published, &it.DateMissing, &first, &last); err != nil {
				rows.Close()
				return err
			}
			if it.Categories, err = decodeCategories(categories); err != nil {
				rows.Close()
				return fmt.Errorf("item %q of feed %q: categories: %w", it.Key, it.Feed, err)
			}
			it.Published = fromMS(published)
			batch = append(batch, store.SeenItem{Item: it, FirstSeen: fromMSValue(first), LastSeen: fromMS(last)})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(batch) == 0 {
			return nil
		}
		if err := sink.Items(ctx, batch); err != nil {
			return err
		}
		last := batch[len(batch)-1].Item
		feed, key = last.Feed, last.Key
	}
}

func (s *Store) dumpAlerted(ctx context.Context, sink store.Sink) error {
	var after store.Alerted
	for {
		rows, err := s.db.QueryContext(ctx, `SELECT rule, destination, story, alert_id, created_ms
			FROM alerted WHERE (rule, destination, story) > (?, ?, ?)
			ORDER BY rule, destination, story LIMIT ?`, after.Rule, after.Destination, after.Story, copyBatch*10)
		if err != nil {
			return err
		}
		var batch []store.Alerted
		for rows.Next() {
			var r store.Alerted
			var created int64
			if err := rows.Scan(&r.Rule, &r.Destination, &r.Story, &r.AlertID, &created); err != nil {
				rows.Close()
				return err
			}
			r.Created = fromMSValue(created)
			batch = append(batch, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(batch) == 0 {
			return nil
		}
		if err := sink.Alerted(ctx, batch); err != nil {
			return err
		}
		after = batch[len(batch)-1]
	}
}

func (s *Store) dumpAlerts(ctx context.Context, sink store.Sink) error {
	after := ""
	for {
		batch, err := s.queryAlerts(ctx, `SELECT `+alertColumns+` FROM alerts WHERE id > ? ORDER BY id LIMIT ?`, after, copyBatch)
		if err != nil {
			return err
		}
		if len(batch) == 0 {
			return nil
		}
		if err := sink.Alerts(ctx, batch); err != nil {
			return err
		}
		after = batch[len(batch)-1].ID
	}
}

// Load returns a sink that writes a copy into this state, which must hold
// no feed, item or alert.
func (s *Store) Load(ctx context.Context) (store.Sink, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM feeds) + (SELECT COUNT(*) FROM items)
		+ (SELECT COUNT(*) FROM alerts) + (SELECT COUNT(*) FROM alerted)`).Scan(&n)
	if err != nil {
		return nil, err
	}
	if n > 0 {
		return nil, fmt.Errorf("%w: it holds %d rows (copy into a new file)", store.ErrNotEmpty, n)
	}
	return loader{s}, nil
}

// loader writes a copy's batches, each in one transaction.
type loader struct{ s *Store }

func (l loader) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := l.s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

func (l loader) Feeds(ctx context.Context, feeds []store.FeedState) error {
	return l.inTx(ctx, func(tx *sql.Tx) error {
		for _, st := range feeds {
			if err := saveFeedState(ctx, tx, st); err != nil {
				return fmt.Errorf("feed %q: %w", st.Feed, err)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE feeds SET schedule_state = ? WHERE name = ?`, nullText(st.Schedule), st.Feed); err != nil {
				return fmt.Errorf("feed %q: %w", st.Feed, err)
			}
		}
		return nil
	})
}

func (l loader) Items(ctx context.Context, items []store.SeenItem) error {
	return l.inTx(ctx, func(tx *sql.Tx) error {
		for _, si := range items {
			it := normItem(si.Item)
			categories, err := encodeCategories(it.Categories)
			if err != nil {
				return fmt.Errorf("item %q: categories: %w", it.Key, err)
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO items
				(feed, item_key, story, title, link, summary, content, author,
				 categories, lang, published_ms, date_missing, first_seen_ms, last_seen_ms)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				it.Feed, it.Key, it.Story, it.Title, it.Link, it.Summary, it.Content, it.Author,
				categories, it.Lang, toMS(it.Published), it.DateMissing, si.FirstSeen.UnixMilli(), toMS(si.LastSeen))
			if err != nil {
				return fmt.Errorf("item %q of feed %q: %w", it.Key, it.Feed, err)
			}
		}
		return nil
	})
}

func (l loader) Mutes(ctx context.Context, mutes []attache.Mute) error {
	for _, m := range mutes {
		if err := l.s.SetMute(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

func (l loader) Feedback(ctx context.Context, fb []attache.Feedback) error {
	return l.s.AddFeedback(ctx, fb)
}

// Stories are written as a poll writes them, in a batch of their own.
func (l loader) Stories(ctx context.Context, stories []store.StoryRecord) error {
	return l.s.saveStories(ctx, stories)
}

func (l loader) Alerted(ctx context.Context, records []store.Alerted) error {
	return l.inTx(ctx, func(tx *sql.Tx) error {
		for _, r := range records {
			if _, err := tx.ExecContext(ctx, `INSERT INTO alerted (rule, destination, story, alert_id, created_ms)
				VALUES (?, ?, ?, ?, ?)`, r.Rule, r.Destination, r.Story, r.AlertID, r.Created.UnixMilli()); err != nil {
				return fmt.Errorf("rule %q, story %q: %w", r.Rule, r.Story, err)
			}
		}
		return nil
	})
}

func (l loader) Alerts(ctx context.Context, alerts []attache.Alert) error {
	return l.inTx(ctx, func(tx *sql.Tx) error {
		for _, a := range alerts {
			item, err := encodeItem(a.Item, a.Thread)
			if err != nil {
				return fmt.Errorf("alert %q: %w", a.ID, err)
			}
			matches, err := encodeMatches(a.Matches)
			if err != nil {
				return fmt.Errorf("alert %q: %w", a.ID, err)
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO alerts
				(id, destination, feed, item_key, published_ms, item, matches, queued_ms, status,
				 attempts, next_attempt_ms, last_error, delivered_ms, unknown, unknown_since_ms, severity)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				a.ID, a.Destination, a.Item.Feed, a.Item.Key, toMS(a.Item.Published), item, matches,
				a.Queued.UnixMilli(), string(a.Status), a.Attempts, a.NextAttempt.UnixMilli(), a.LastError,
				toMS(a.Delivered), a.Unknown, toMS(a.UnknownSince), int(a.Severity()))
			if err != nil {
				return fmt.Errorf("alert %q: %w", a.ID, err)
			}
		}
		return nil
	})
}
