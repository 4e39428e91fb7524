package postgres

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
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
		queued, err = s.record(ctx, b, nil)
		if err == nil || try == recordTries || !isDeadlock(err) {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("record feed %q: %w", b.Feed, err)
	}
	return queued, nil
}

// record sends the whole batch in one round trip: a pgx batch runs as one
// implicit transaction, so the first statement that fails undoes the others.
// This matters more than any statement's cost: on a busy machine each round
// trip waits for both processes to be scheduled.
//
// Under a lease (fence not nil), the fence stands first: if the lease has
// moved on, it fails and the batch with it.
func (s *Store) record(ctx context.Context, b store.RecordBatch, fence *fenceArgs) ([]attache.Alert, error) {
	var pb pgx.Batch
	if fence != nil {
		pb.Queue(`SELECT attache_fence_feed($1, $2, $3, $4)`, fence.feed, fence.owner, fence.epoch, fence.next)
	}
	// The state first: items refer to their feed's row.
	pb.Queue(saveFeedStateSQL, feedStateArgs(b.State)...)
	if len(b.Items) > 0 {
		args, err := insertItemsArgs(b.Feed, b.Items, b.Now)
		if err != nil {
			return nil, err
		}
		pb.Queue(insertItemsSQL, args...)
	}
	sightings := 0
	switch {
	case b.Unchanged:
		pb.Queue(`UPDATE items SET last_seen = $1
			WHERE feed = $2 AND last_seen = (SELECT MAX(last_seen) FROM items WHERE feed = $2)`, truncMS(b.Now), cleanText(b.Feed))
		sightings = 1
	case len(b.Sighted) > 0:
		keys := make([]string, len(b.Sighted))
		for i, k := range b.Sighted {
			keys[i] = cleanText(k)
		}
		pb.Queue(`UPDATE items SET last_seen = $1 WHERE feed = $2 AND item_key = ANY($3::text[])`, truncMS(b.Now), cleanText(b.Feed), keys)
		sightings = 1
	}
	for _, it := range b.Revised {
		it = cleanItem(it)
		pb.Queue(`UPDATE items SET title = $1, link = $2, summary = $3, content = $4 WHERE feed = $5 AND item_key = $6`,
			it.Title, it.Link, it.Summary, it.Content, cleanText(b.Feed), it.Key)
	}
	for _, st := range b.Stories {
		pb.Queue(`INSERT INTO stories (id, record, updated) VALUES ($1, $2, $3)
			ON CONFLICT (id) DO UPDATE SET record = excluded.record, updated = excluded.updated`,
			cleanText(st.ID), cleanText(string(st.Record)), truncMS(st.Updated))
	}
	alerts := make([]attache.Alert, len(b.Alerts))
	order := lockOrder(b.Alerts)
	for _, i := range order {
		a, args, err := queueAlertArgs(b.Alerts[i], b.Now)
		if err != nil {
			return nil, fmt.Errorf("alert %q: %w", a.ID, err)
		}
		alerts[i] = a
		pb.Queue(queueAlertSQL, args...)
	}

	br := s.pool.SendBatch(ctx, &pb)
	defer br.Close()
	if fence != nil {
		if _, err := br.Exec(); err != nil {
			return nil, err
		}
	}
	if _, err := br.Exec(); err != nil {
		return nil, fmt.Errorf("save state: %w", err)
	}
	if len(b.Items) > 0 {
		if _, err := br.Exec(); err != nil {
			return nil, fmt.Errorf("insert %d items: %w", len(b.Items), err)
		}
	}
	if sightings > 0 {
		if _, err := br.Exec(); err != nil {
			return nil, fmt.Errorf("sight items: %w", err)
		}
	}
	for _, it := range b.Revised {
		if _, err := br.Exec(); err != nil {
			return nil, fmt.Errorf("revise item %q: %w", it.Key, err)
		}
	}
	for _, st := range b.Stories {
		if _, err := br.Exec(); err != nil {
			return nil, fmt.Errorf("story %q: %w", st.ID, err)
		}
	}
	kept := make([]bool, len(alerts))
	for _, i := range order {
		var matches string
		err := br.QueryRow().Scan(&matches)
		if errors.Is(err, pgx.ErrNoRows) {
			continue // nothing left to say, or the id is queued already
		}
		if err != nil {
			return nil, fmt.Errorf("alert %q: %w", alerts[i].ID, err)
		}
		if alerts[i].Matches, err = decodeMatches(matches); err != nil {
			return nil, fmt.Errorf("alert %q: matches: %w", alerts[i].ID, err)
		}
		kept[i] = true
	}
	var queued []attache.Alert
	for i, a := range alerts {
		if kept[i] {
			queued = append(queued, a)
		}
	}
	// Close reports an error of the implicit commit.
	if err := br.Close(); err != nil {
		return nil, err
	}
	return queued, nil
}

// normalise checks the batch and fills in its feed names
// (store.RecordBatch.Normalise), then cleans every text of it (cleanText).
// Rows the schema rejects (an empty key or alert id) fail inside the
// transaction and undo it.
func normalise(b *store.RecordBatch) error {
	if err := b.Normalise(); err != nil {
		return err
	}
	for i, it := range b.Items {
		b.Items[i] = cleanItem(it)
	}
	for i, a := range b.Alerts {
		a.ID = cleanText(a.ID)
		a.Destination = cleanText(a.Destination)
		a.Item = cleanItem(a.Item)
		a.Matches = cleanMatches(a.Matches)
		a.LastError = cleanText(a.LastError)
		b.Alerts[i] = a
	}
	b.Feed = cleanText(b.Feed)
	b.State.Feed = b.Feed
	return nil
}

// lockOrder gives the order in which to queue alerts: by destination and
// story, the order of the alerted rows they claim, and otherwise as given.
// Two replicas recording alerts of the same stories then take the row locks
// in the same order and cannot deadlock; alerts of one id keep their order,
// so the first still wins.
func lockOrder(alerts []attache.Alert) []int {
	order := make([]int, len(alerts))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int {
		return cmp.Or(strings.Compare(alerts[i].Destination, alerts[j].Destination),
			strings.Compare(alerts[i].Item.Story, alerts[j].Item.Story))
	})
	return order
}

// queueAlertSQL queues one alert in one statement. It claims the alert's
// rules for its story and destination in alerted, unless its id is already
// queued (an id already queued means this very message exists; checking it
// first keeps a repeat from claiming rules for a message that will never
// name them); keeps, of the alert's matches, those whose rule it claimed;
// and queues the alert if any is left. It returns the kept matches, or no
// row. The statements of one Record run in order, so an alert sees the
// claims and the ids of those before it in the batch.
const queueAlertSQL = `WITH claimed AS (
		INSERT INTO alerted (rule, destination, story, alert_id, created)
		SELECT m.rule, $2, $3, $1, $4 FROM unnest($5::text[]) AS m (rule)
		WHERE NOT EXISTS (SELECT 1 FROM alerts WHERE id = $1)
		ON CONFLICT (rule, destination, story) DO NOTHING
		RETURNING rule
	), kept AS (
		SELECT json_agg(m.value ORDER BY m.n) AS matches
		FROM json_array_elements($6::json) WITH ORDINALITY AS m (value, n)
		WHERE m.value->>'rule' IN (SELECT rule FROM claimed)
	)
	INSERT INTO alerts (id, destination, feed, item_key, published, item, matches,
		queued, status, attempts, next_attempt, last_error, severity)
	SELECT $1, $2, $7, $8, $9, $10, kept.matches, $11, 'queued', 0, $12, '', $13
	FROM kept WHERE kept.matches IS NOT NULL
	ON CONFLICT (id) DO NOTHING
	RETURNING matches`

// queueAlertArgs prepares a, already cleaned, for queueAlertSQL: a rule
// named twice is named once, and the alert is given the queue's fields as
// Due will return them. Its Matches are all candidates; the statement's
// answer says which are kept.
func queueAlertArgs(a attache.Alert, now time.Time) (attache.Alert, []any, error) {
	var (
		matches []attache.Match
		rules   []string
		named   = make(map[string]bool, len(a.Matches))
	)
	for _, m := range a.Matches {
		if !named[m.Rule] {
			named[m.Rule] = true
			matches = append(matches, m)
			rules = append(rules, m.Rule)
		}
	}
	a.Matches = matches
	a.Status = attache.AlertQueued
	a.Attempts = 0
	a.LastError = ""
	a.Delivered = time.Time{}
	a.Unknown, a.UnknownSince = 0, time.Time{}
	if a.Queued.IsZero() {
		a.Queued = now
	}
	if a.NextAttempt.IsZero() {
		a.NextAttempt = a.Queued
	}
	a.Queued, a.NextAttempt = truncMS(a.Queued), truncMS(a.NextAttempt)

	item, err := encodeItem(a.Item, a.Thread)
	if err != nil {
		return a, nil, err
	}
	encoded, err := encodeMatches(matches)
	if err != nil {
		return a, nil, err
	}
	if rules == nil {
		rules = []string{}
	}
	// Claims in rule order, the key's first column, for the lock order.
	rules = slices.Sorted(slices.Values(rules))
	return a, []any{a.ID, a.Destination, a.Item.Story, truncMS(now), rules, encoded,
		a.Item.Feed, a.Item.Key, ts(a.Item.Published), item, a.Queued, a.NextAttempt,
		// The highest severity of the candidates: a match that another
		// alert already claimed may rank the alert one step too high, never
		// too low.
		int(a.Severity())}, nil
}

// isDeadlock reports an error PostgreSQL raised to break a deadlock; the
// transaction it aborted can simply run again.
func isDeadlock(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "40P01"
}
