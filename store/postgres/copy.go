package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/store"
)

// copyBatch is how many rows a copy reads and writes at a time.
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
	rows, err := s.pool.Query(ctx, `SELECT alert_id, rule, by_who, verdict, at FROM feedback ORDER BY alert_id, rule, by_who`)
	if err != nil {
		return err
	}
	fb, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (attache.Feedback, error) {
		var f attache.Feedback
		var verdict string
		err := row.Scan(&f.AlertID, &f.Rule, &f.By, &verdict, &f.At)
		f.Verdict, f.At = attache.Verdict(verdict), f.At.UTC()
		return f, err
	})
	if err != nil {
		return fmt.Errorf("feedback: %w", err)
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

func (s *Store) dumpItems(ctx context.Context, sink store.Sink) error {
	feed, key := "", ""
	for {
		rows, err := s.pool.Query(ctx, `SELECT feed, item_key, story, title, link, summary,
			content, author, categories, lang, published, date_missing, first_seen, last_seen
			FROM items WHERE (feed, item_key) > ($1, $2) ORDER BY feed, item_key LIMIT $3`, feed, key, copyBatch)
		if err != nil {
			return err
		}
		batch, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.SeenItem, error) {
			var (
				si              store.SeenItem
				published, last *time.Time
			)
			it := &si.Item
			err := row.Scan(&it.Feed, &it.Key, &it.Story, &it.Title, &it.Link, &it.Summary, &it.Content,
				&it.Author, &it.Categories, &it.Lang, &published, &it.DateMissing, &si.FirstSeen, &last)
			if len(it.Categories) == 0 {
				it.Categories = nil
			}
			it.Published, si.FirstSeen, si.LastSeen = fromTS(published), si.FirstSeen.UTC(), fromTS(last)
			return si, err
		})
		if err != nil {
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
		rows, err := s.pool.Query(ctx, `SELECT rule, destination, story, alert_id, created
			FROM alerted WHERE (rule, destination, story) > ($1, $2, $3)
			ORDER BY rule, destination, story LIMIT $4`, after.Rule, after.Destination, after.Story, copyBatch*10)
		if err != nil {
			return err
		}
		batch, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.Alerted, error) {
			var r store.Alerted
			err := row.Scan(&r.Rule, &r.Destination, &r.Story, &r.AlertID, &r.Created)
			r.Created = r.Created.UTC()
			return r, err
		})
		if err != nil {
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
		batch, err := s.queryAlerts(ctx, `SELECT `+alertColumns+` FROM alerts WHERE id > $1 ORDER BY id LIMIT $2`, after, copyBatch)
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

// Load returns a sink that writes a copy into this schema, which must hold
// no feed, item or alert. Each batch is one transaction.
func (s *Store) Load(ctx context.Context) (store.Sink, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM feeds) + (SELECT COUNT(*) FROM items)
		+ (SELECT COUNT(*) FROM alerts) + (SELECT COUNT(*) FROM alerted)`).Scan(&n)
	if err != nil {
		return nil, err
	}
	if n > 0 {
		return nil, fmt.Errorf("%w: it holds %d rows (copy into a new schema)", store.ErrNotEmpty, n)
	}
	return loader{s}, nil
}

type loader struct{ s *Store }

func (l loader) Feeds(ctx context.Context, feeds []store.FeedState) error {
	return l.s.inTx(ctx, func(tx pgx.Tx) error {
		for _, st := range feeds {
			if err := saveFeedState(ctx, tx, st); err != nil {
				return fmt.Errorf("feed %q: %w", st.Feed, err)
			}
			if st.Schedule != nil {
				if _, err := tx.Exec(ctx, `UPDATE feeds SET schedule_state = $1 WHERE name = $2`, cleanText(string(st.Schedule)), cleanText(st.Feed)); err != nil {
					return fmt.Errorf("feed %q: %w", st.Feed, err)
				}
			}
		}
		return nil
	})
}

func (l loader) Items(ctx context.Context, items []store.SeenItem) error {
	return l.s.inTx(ctx, func(tx pgx.Tx) error {
		for _, si := range items {
			it := cleanItem(si.Item)
			cs := it.Categories
			if cs == nil {
				cs = []string{}
			}
			_, err := tx.Exec(ctx, `INSERT INTO items
				(feed, item_key, story, title, link, summary, content, author,
				 categories, lang, published, date_missing, first_seen, last_seen)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
				it.Feed, it.Key, it.Story, it.Title, it.Link, it.Summary, it.Content, it.Author,
				cs, it.Lang, ts(it.Published), it.DateMissing, truncMS(si.FirstSeen), ts(si.LastSeen))
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
	return l.s.inTx(ctx, func(tx pgx.Tx) error {
		for _, r := range records {
			if _, err := tx.Exec(ctx, `INSERT INTO alerted (rule, destination, story, alert_id, created)
				VALUES ($1, $2, $3, $4, $5)`, cleanText(r.Rule), cleanText(r.Destination), cleanText(r.Story),
				cleanText(r.AlertID), truncMS(r.Created)); err != nil {
				return fmt.Errorf("rule %q, story %q: %w", r.Rule, r.Story, err)
			}
		}
		return nil
	})
}

func (l loader) Alerts(ctx context.Context, alerts []attache.Alert) error {
	return l.s.inTx(ctx, func(tx pgx.Tx) error {
		for _, a := range alerts {
			a.Item, a.Matches = cleanItem(a.Item), cleanMatches(a.Matches)
			item, err := encodeItem(a.Item, a.Thread)
			if err != nil {
				return fmt.Errorf("alert %q: %w", a.ID, err)
			}
			matches, err := encodeMatches(a.Matches)
			if err != nil {
				return fmt.Errorf("alert %q: %w", a.ID, err)
			}
			_, err = tx.Exec(ctx, `INSERT INTO alerts
				(id, destination, feed, item_key, published, item, matches, queued, status,
				 attempts, next_attempt, last_error, delivered, unknown, unknown_since, severity)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
				cleanText(a.ID), cleanText(a.Destination), a.Item.Feed, a.Item.Key, ts(a.Item.Published), item, matches,
				truncMS(a.Queued), string(a.Status), a.Attempts, truncMS(a.NextAttempt), cleanText(a.LastError),
				ts(a.Delivered), a.Unknown, ts(a.UnknownSince), int(a.Severity()))
			if err != nil {
				return fmt.Errorf("alert %q: %w", a.ID, err)
			}
		}
		return nil
	})
}
