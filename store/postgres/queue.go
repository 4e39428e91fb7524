package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/store"
)

// The queue's life cycle is the SQLite store's:
//
//	queued ──MarkInFlight──► in_flight ──MarkDelivered──► delivered
//	  ▲                         │  │
//	  └──MarkRetry/MarkUnknown──┘  └──MarkDead──► dead   (MarkDead also from queued)
//
// RequeueInFlight, and a replica taking a destination over, return to queued
// what was left in flight, counted as MarkUnknown counts a send.
//
// Each change is one UPDATE whose WHERE names the statuses it may start
// from, so two processes racing for one alert cannot both move it: the
// second finds the row changed and gets store.ErrStatus.

const alertColumns = `id, destination, item, matches, queued, status, attempts,
	next_attempt, last_error, delivered, unknown, unknown_since`

// unknownSet counts a send whose outcome is unknown; the first such send
// sets unknown_since to its start, which MarkInFlight recorded.
const unknownSet = `unknown = unknown + 1, unknown_since = COALESCE(unknown_since, last_attempt)`

// Due returns up to limit alerts for destination that are queued and due at
// now: the most severe first, then in turns across feeds (each feed's
// oldest first), so that no feed's backlog holds up another's alerts.
func (s *Store) Due(ctx context.Context, destination string, now time.Time, limit int) ([]attache.Alert, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("due alerts for %q: limit %d, want more than 0", destination, limit)
	}
	// By severity, then in turns across feeds (each feed's oldest first,
	// then each feed's second ...), so that a feed with a long backlog
	// delays no other feed's alerts by more than one of its own.
	alerts, err := s.queryAlerts(ctx, `SELECT `+alertColumns+` FROM (
			SELECT *, row_number() OVER (PARTITION BY severity, feed
				ORDER BY queued, published NULLS FIRST, id) AS turn
			FROM alerts
			WHERE destination = $1 AND status = 'queued' AND next_attempt <= $2
		) AS due
		ORDER BY severity DESC, turn, queued, published NULLS FIRST, id LIMIT $3`,
		cleanText(destination), truncMS(now), limit)
	if err != nil {
		return nil, fmt.Errorf("due alerts for %q: %w", destination, err)
	}
	return alerts, nil
}

// Alerts returns the latest limit alerts in any status, newest first, for a
// status page.
func (s *Store) Alerts(ctx context.Context, limit int) ([]attache.Alert, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("latest alerts: limit %d, want more than 0", limit)
	}
	alerts, err := s.queryAlerts(ctx, `SELECT `+alertColumns+` FROM alerts
		ORDER BY queued DESC, published DESC NULLS LAST, id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("latest alerts: %w", err)
	}
	return alerts, nil
}

// Destinations returns, sorted, the destinations that have queued alerts,
// due or not.
func (s *Store) Destinations(ctx context.Context) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT destination FROM alerts
		WHERE status = 'queued' ORDER BY destination`)
	if err != nil {
		return nil, fmt.Errorf("destinations: %w", err)
	}
	dests, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("destinations: %w", err)
	}
	return dests, nil
}

// MarkInFlight moves a queued alert to in_flight and counts an attempt, just
// before a send, so that a crash during the send is visible (see
// RequeueInFlight). It fails with store.ErrStatus if the alert is not queued.
func (s *Store) MarkInFlight(ctx context.Context, id string, now time.Time) error {
	return s.transition(ctx, id, "mark in flight", []attache.AlertStatus{attache.AlertQueued},
		`status = 'in_flight', attempts = attempts + 1, last_attempt = $3`, truncMS(now))
}

// MarkDelivered records that an in-flight alert was sent. It returns once
// the commit is durable (with the server's default synchronous_commit).
func (s *Store) MarkDelivered(ctx context.Context, id string, now time.Time) error {
	return s.transition(ctx, id, "mark delivered", []attache.AlertStatus{attache.AlertInFlight},
		`status = 'delivered', delivered = $3`, truncMS(now))
}

// MarkRetry returns an in-flight alert to the queue after a transient
// failure, not due before next.
func (s *Store) MarkRetry(ctx context.Context, id string, next time.Time, errText string) error {
	return s.transition(ctx, id, "mark for retry", []attache.AlertStatus{attache.AlertInFlight},
		`status = 'queued', next_attempt = $3, last_error = $4`, truncMS(next), cleanText(errText))
}

// MarkUnknown returns an in-flight alert to the queue after a send whose
// outcome is unknown, not due before next, counting the send.
func (s *Store) MarkUnknown(ctx context.Context, id string, next time.Time, errText string) error {
	return s.transition(ctx, id, "mark outcome unknown", []attache.AlertStatus{attache.AlertInFlight},
		`status = 'queued', next_attempt = $3, last_error = $4, `+unknownSet, truncMS(next), cleanText(errText))
}

// MarkDead gives up on an alert after a permanent failure, or without a send
// (a destination removed from the configuration). The alert is kept, with
// errText, until pruned.
func (s *Store) MarkDead(ctx context.Context, id string, errText string) error {
	return s.transition(ctx, id, "mark dead",
		[]attache.AlertStatus{attache.AlertQueued, attache.AlertInFlight},
		`status = 'dead', last_error = $3`, cleanText(errText))
}

// MarkMuted records that a queued alert is silenced by a mute and is never
// to be sent.
func (s *Store) MarkMuted(ctx context.Context, id string, text string) error {
	return s.transition(ctx, id, "mark muted", []attache.AlertStatus{attache.AlertQueued},
		`status = 'muted', last_error = $3`, cleanText(text))
}

// Requeue puts a dead alert back in the queue, due at now, as if queued
// anew.
func (s *Store) Requeue(ctx context.Context, id string, now time.Time) error {
	return s.transition(ctx, id, "requeue", []attache.AlertStatus{attache.AlertDead},
		`status = 'queued', queued = $3, next_attempt = $3, attempts = 0, unknown = 0, unknown_since = NULL`, truncMS(now))
}

// RequeueInFlight returns to the queue every alert left in flight, and says
// how many. Call it once at startup, before the dispatcher runs: an alert in
// flight then was being sent when the process stopped, and may or may not
// have arrived, so the send is counted as one whose outcome is unknown. With one process per
// schema that is exact; with several, it would also take back what another
// process is sending, which is why replicas will requeue only alerts whose
// claim has expired (see the package's lease design).
func (s *Store) RequeueInFlight(ctx context.Context) (int, error) {
	tag, err := s.pool.Exec(ctx, `UPDATE alerts SET status = 'queued', `+unknownSet+` WHERE status = 'in_flight'`)
	if err != nil {
		return 0, fmt.Errorf("requeue alerts in flight: %w", err)
	}
	return int(tag.RowsAffected()), nil
}

// transition applies set to alert id if its status is one of from; set's
// own arguments are $3 onwards. On failure it looks the alert up to tell
// store.ErrNotFound from store.ErrStatus; that look-up is only for the
// message.
func (s *Store) transition(ctx context.Context, id, what string, from []attache.AlertStatus, set string, setArgs ...any) error {
	names := make([]string, len(from))
	for i, st := range from {
		names[i] = string(st)
	}
	key := cleanText(id)
	args := append([]any{key, names}, setArgs...)
	tag, err := s.pool.Exec(ctx, `UPDATE alerts SET `+set+` WHERE id = $1 AND status = ANY($2)`, args...)
	if err != nil {
		return fmt.Errorf("alert %q: %s: %w", id, what, err)
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	var status string
	err = s.pool.QueryRow(ctx, `SELECT status FROM alerts WHERE id = $1`, key).Scan(&status)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("alert %q: %s: %w", id, what, store.ErrNotFound)
	case err != nil:
		return fmt.Errorf("alert %q: %s: %w", id, what, err)
	}
	return fmt.Errorf("alert %q: %s: it is %s, not %s: %w",
		id, what, status, strings.Join(names, " or "), store.ErrStatus)
}

func (s *Store) queryAlerts(ctx context.Context, query string, args ...any) ([]attache.Alert, error) {
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanAlert)
}

func scanAlert(row pgx.CollectableRow) (attache.Alert, error) {
	var (
		a                     attache.Alert
		item, matches, status string
		delivered, since      *time.Time
	)
	err := row.Scan(&a.ID, &a.Destination, &item, &matches, &a.Queued, &status, &a.Attempts,
		&a.NextAttempt, &a.LastError, &delivered, &a.Unknown, &since)
	if err != nil {
		return a, err
	}
	if a.Item, a.Thread, err = decodeItem(item); err != nil {
		return a, fmt.Errorf("alert %q: item: %w", a.ID, err)
	}
	if a.Matches, err = decodeMatches(matches); err != nil {
		return a, fmt.Errorf("alert %q: matches: %w", a.ID, err)
	}
	a.Status = attache.AlertStatus(status)
	a.Queued = a.Queued.UTC()
	a.NextAttempt = a.NextAttempt.UTC()
	a.Delivered = fromTS(delivered)
	a.UnknownSince = fromTS(since)
	return a, nil
}

// QueueStats returns the state of the queue per destination, sorted by
// destination, for metrics and the status page.
func (s *Store) QueueStats(ctx context.Context) ([]store.QueueStat, error) {
	rows, err := s.pool.Query(ctx, `SELECT destination,
		COUNT(*) FILTER (WHERE status = 'queued'),
		COUNT(*) FILTER (WHERE status = 'in_flight'),
		COUNT(*) FILTER (WHERE status = 'delivered'),
		COUNT(*) FILTER (WHERE status = 'dead'),
		COUNT(*) FILTER (WHERE status = 'muted'),
		MIN(queued) FILTER (WHERE status = 'queued')
		FROM alerts GROUP BY destination ORDER BY destination`)
	if err != nil {
		return nil, fmt.Errorf("queue stats: %w", err)
	}
	stats, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.QueueStat, error) {
		var (
			st     store.QueueStat
			oldest *time.Time
		)
		err := row.Scan(&st.Destination, &st.Queued, &st.InFlight, &st.Delivered, &st.Dead, &st.Muted, &oldest)
		st.OldestQueued = fromTS(oldest)
		return st, err
	})
	if err != nil {
		return nil, fmt.Errorf("queue stats: %w", err)
	}
	return stats, nil
}
