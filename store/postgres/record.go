package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/store"
)

// recordTries bounds how often Record runs a batch that PostgreSQL aborted
// to break a deadlock: two replicas recording alerts of the same stories in
// opposite orders can each wait for the other's claim in alerted.
const recordTries = 3

// Record is the durability point of a poll. In one transaction it records
// the batch's items as seen, saves the feed's state and queues its alerts;
// if anything fails, nothing of the batch is written.
//
// Each alert is queued with only those of its matches whose rule has not
// yet alerted the same story (Item.Story) to the same destination, whichever
// feed carried it then, and whichever process recorded it; an alert left
// with no match is dropped, and so is one whose id is already in the queue.
// Record returns the alerts it queued, as Due will return them.
func (s *Store) Record(ctx context.Context, b store.RecordBatch) ([]attache.Alert, error) {
	if err := normalise(&b); err != nil {
		return nil, fmt.Errorf("record feed %q: %w", b.Feed, err)
	}
	var (
		queued []attache.Alert
		err    error
	)
	for try := 1; ; try++ {
		queued, err = s.record(ctx, b)
		if err == nil || try == recordTries || !isDeadlock(err) {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("record feed %q: %w", b.Feed, err)
	}
	return queued, nil
}

func (s *Store) record(ctx context.Context, b store.RecordBatch) ([]attache.Alert, error) {
	var queued []attache.Alert
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		queued = nil
		// The state first: items refer to their feed's row.
		if err := saveFeedState(ctx, tx, b.State); err != nil {
			return fmt.Errorf("save state: %w", err)
		}
		if err := insertItems(ctx, tx, b.Feed, b.Items, b.Now); err != nil {
			return err
		}
		for _, a := range b.Alerts {
			a, ok, err := queueAlert(ctx, tx, a, b.Now)
			if err != nil {
				return fmt.Errorf("alert %q: %w", a.ID, err)
			}
			if ok {
				queued = append(queued, a)
			}
		}
		return nil
	})
	return queued, err
}

// normalise fills in the feed names left empty, rejects a batch that mixes
// feeds or has no time, and cleans every text of the batch (cleanText).
// Rows the schema rejects (an empty key or alert id) fail inside the
// transaction and undo it.
func normalise(b *store.RecordBatch) error {
	if b.Feed == "" {
		return errors.New("empty feed name")
	}
	if b.Now.IsZero() {
		return errors.New("no time given")
	}
	if err := sameFeed(&b.State.Feed, b.Feed, "state"); err != nil {
		return err
	}
	items := make([]attache.Item, len(b.Items))
	for i, it := range b.Items {
		if err := sameFeed(&it.Feed, b.Feed, "item "+it.Key); err != nil {
			return err
		}
		items[i] = cleanItem(it)
	}
	alerts := make([]attache.Alert, len(b.Alerts))
	for i, a := range b.Alerts {
		if err := sameFeed(&a.Item.Feed, b.Feed, "alert "+a.ID); err != nil {
			return err
		}
		a.ID = cleanText(a.ID)
		a.Destination = cleanText(a.Destination)
		a.Item = cleanItem(a.Item)
		a.Matches = cleanMatches(a.Matches)
		a.LastError = cleanText(a.LastError)
		alerts[i] = a
	}
	b.Feed = cleanText(b.Feed)
	b.State.Feed = b.Feed
	b.Items, b.Alerts = items, alerts
	return nil
}

func sameFeed(name *string, feed, what string) error {
	switch *name {
	case "":
		*name = feed
	case feed:
	default:
		return fmt.Errorf("%s belongs to feed %q", what, *name)
	}
	return nil
}

// claimSQL claims an alert's rules for its story and destination in
// alerted, unless the alert's id is already queued, and returns the rules
// it claimed. An id already queued means this very message exists; it is
// checked first, so that a repeat cannot claim rules for a message that will
// never name them. A rule named twice is claimed once.
const claimSQL = `INSERT INTO alerted (rule, destination, story, alert_id, created)
	SELECT m.rule, $2, $3, $1, $4 FROM unnest($5::text[]) AS m (rule)
	WHERE NOT EXISTS (SELECT 1 FROM alerts WHERE id = $1)
	ON CONFLICT (rule, destination, story) DO NOTHING
	RETURNING rule`

const insertAlertSQL = `INSERT INTO alerts
	(id, destination, feed, item_key, published, item, matches,
	 queued, status, attempts, next_attempt, last_error)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'queued', 0, $9, '')
	ON CONFLICT (id) DO NOTHING`

// queueAlert claims a's matches and queues what is left of it. It reports
// false when nothing was queued.
func queueAlert(ctx context.Context, tx pgx.Tx, a attache.Alert, now time.Time) (attache.Alert, bool, error) {
	rules := make([]string, len(a.Matches))
	for i, m := range a.Matches {
		rules[i] = m.Rule
	}
	rows, err := tx.Query(ctx, claimSQL, a.ID, a.Destination, a.Item.Story, truncMS(now), rules)
	if err != nil {
		return a, false, err
	}
	claimed, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return a, false, err
	}
	if len(claimed) == 0 {
		return a, false, nil
	}
	fresh := make(map[string]bool, len(claimed))
	for _, r := range claimed {
		fresh[r] = true
	}
	var kept []attache.Match
	for _, m := range a.Matches {
		if fresh[m.Rule] {
			kept = append(kept, m)
			delete(fresh, m.Rule) // a rule named twice is named once
		}
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

	item, err := encodeItem(a.Item)
	if err != nil {
		return a, false, err
	}
	matches, err := encodeMatches(a.Matches)
	if err != nil {
		return a, false, err
	}
	tag, err := tx.Exec(ctx, insertAlertSQL, a.ID, a.Destination, a.Item.Feed, a.Item.Key,
		ts(a.Item.Published), item, matches, a.Queued, a.NextAttempt)
	if err != nil {
		return a, false, err
	}
	return a, tag.RowsAffected() == 1, nil
}

// isDeadlock reports an error PostgreSQL raised to break a deadlock; the
// transaction it aborted can simply run again.
func isDeadlock(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "40P01"
}
