package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/store"
)

// Record is the durability point of a poll. In one transaction it records
// the batch's items as seen, saves the feed's state and queues its alerts;
// if anything fails, nothing of the batch is written.
//
// Each alert is queued with only those of its matches whose rule has not
// yet alerted the same story (Item.Story) to the same destination, whichever
// feed carried it then; an alert left with no match is dropped, and so is
// one whose id is already in the queue. Record returns the alerts it queued,
// as Due will return them.
func (s *Store) Record(ctx context.Context, b store.RecordBatch) ([]attache.Alert, error) {
	if err := b.Normalise(); err != nil {
		return nil, fmt.Errorf("record feed %q: %w", b.Feed, err)
	}
	queued, err := s.record(ctx, b)
	if err != nil {
		return nil, fmt.Errorf("record feed %q: %w", b.Feed, err)
	}
	return queued, nil
}

func (s *Store) record(ctx context.Context, b store.RecordBatch) ([]attache.Alert, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()

	// The state first: items refer to their feed's row.
	if err := saveFeedState(ctx, tx, b.State); err != nil {
		return nil, fmt.Errorf("save state: %w", err)
	}
	if err := insertItems(ctx, tx, b.Items, b.Now); err != nil {
		return nil, err
	}
	if err := sight(ctx, tx, b); err != nil {
		return nil, fmt.Errorf("sight items: %w", err)
	}
	if err := revise(ctx, tx, b.Feed, b.Revised); err != nil {
		return nil, err
	}
	for _, st := range b.Stories {
		if _, err := tx.ExecContext(ctx, `INSERT INTO stories (id, record, updated_ms) VALUES (?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET record = excluded.record, updated_ms = excluded.updated_ms`,
			st.ID, string(st.Record), st.Updated.UnixMilli()); err != nil {
			return nil, fmt.Errorf("story %q: %w", st.ID, err)
		}
	}
	var queued []attache.Alert
	for _, a := range b.Alerts {
		a, ok, err := queueAlert(ctx, tx, a, b.Now)
		if err != nil {
			return nil, fmt.Errorf("alert %q: %w", a.ID, err)
		}
		if ok {
			queued = append(queued, a)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return queued, nil
}

// queueAlert claims a's matches in the alerted table and queues what is left
// of it. It reports false when nothing was queued.
func queueAlert(ctx context.Context, tx *sql.Tx, a attache.Alert, now time.Time) (attache.Alert, bool, error) {
	// An id already queued means this very message exists. Checked before
	// claiming matches, so that a repeat cannot claim rules for a message
	// that will never name them.
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM alerts WHERE id = ?`, a.ID).Scan(&n)
	if err != nil || n > 0 {
		return a, false, err
	}

	a.Item = normItem(a.Item)
	var kept []attache.Match
	for _, m := range a.Matches {
		res, err := tx.ExecContext(ctx, `INSERT INTO alerted
			(rule, destination, story, alert_id, created_ms) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (rule, destination, story) DO NOTHING`,
			m.Rule, a.Destination, a.Item.Story, a.ID, now.UnixMilli())
		if err != nil {
			return a, false, fmt.Errorf("rule %q: %w", m.Rule, err)
		}
		if claimed, err := res.RowsAffected(); err != nil {
			return a, false, err
		} else if claimed == 1 {
			kept = append(kept, m)
		}
	}
	if len(kept) == 0 {
		return a, false, nil
	}

	a.Matches = kept
	a.Status = attache.AlertQueued
	a.Attempts = 0
	a.LastError = ""
	a.Delivered = time.Time{}
	if a.Queued.IsZero() {
		a.Queued = now
	}
	if a.NextAttempt.IsZero() {
		a.NextAttempt = a.Queued
	}
	a.Queued, a.NextAttempt = truncMS(a.Queued), truncMS(a.NextAttempt)

	item, err := encodeItem(a.Item, a.Thread)
	if err != nil {
		return a, false, err
	}
	matches, err := encodeMatches(a.Matches)
	if err != nil {
		return a, false, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO alerts
		(id, destination, feed, item_key, published_ms, item, matches,
		 queued_ms, status, attempts, next_attempt_ms, last_error, severity)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, '', ?)
		ON CONFLICT (id) DO NOTHING`,
		a.ID, a.Destination, a.Item.Feed, a.Item.Key, toMS(a.Item.Published), item, matches,
		a.Queued.UnixMilli(), string(attache.AlertQueued), a.NextAttempt.UnixMilli(), int(a.Severity()))
	if err != nil {
		return a, false, err
	}
	inserted, err := res.RowsAffected()
	return a, inserted == 1, err
}
