package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/store"
)

// The queue's life cycle, driven by the dispatcher:
//
//	queued ──MarkInFlight──► in_flight ──MarkDelivered──► delivered
//	  ▲                         │  │
//	  └──MarkRetry/MarkUnknown──┘  └──MarkDead──► dead   (MarkDead also from queued)
//
// RequeueInFlight, at startup, returns to queued what a crash left in flight,
// counted as MarkUnknown counts a send.

const alertColumns = `id, destination, item, matches, queued_ms, status, attempts,
	next_attempt_ms, last_error, delivered_ms, unknown, unknown_since_ms`

// Due returns up to limit alerts for destination that are queued and due at
// now: the most severe first, then in turns across feeds, each feed's oldest
// first (by queueing time, then by the item's publication).
func (s *Store) Due(ctx context.Context, destination string, now time.Time, limit int) ([]attache.Alert, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("due alerts for %q: limit %d, want more than 0", destination, limit)
	}
	// By severity, then in turns across feeds (each feed's oldest first,
	// then each feed's second ...), so that a feed with a long backlog
	// delays no other feed's alerts by more than one of its own.
	alerts, err := s.queryAlerts(ctx, `SELECT `+alertColumns+` FROM (
			SELECT *, ROW_NUMBER() OVER (PARTITION BY severity, feed ORDER BY queued_ms, published_ms, id) AS turn
			FROM alerts
			WHERE destination = ? AND status = ? AND next_attempt_ms <= ?
		)
		ORDER BY severity DESC, turn, queued_ms, published_ms, id LIMIT ?`,
		destination, string(attache.AlertQueued), now.UnixMilli(), limit)
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
		ORDER BY queued_ms DESC, published_ms DESC, id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("latest alerts: %w", err)
	}
	return alerts, nil
}

// Destinations returns, sorted, the destinations that have queued alerts,
// due or not.
func (s *Store) Destinations(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT destination FROM alerts
		WHERE status = ? ORDER BY destination`, string(attache.AlertQueued))
	if err != nil {
		return nil, fmt.Errorf("destinations: %w", err)
	}
	defer rows.Close()
	var dests []string
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return nil, fmt.Errorf("destinations: %w", err)
		}
		dests = append(dests, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("destinations: %w", err)
	}
	return dests, nil
}

// MarkInFlight moves a queued alert to in_flight and counts an attempt. The
// dispatcher calls it just before sending, so that a crash during the send
// is visible at the next start (see RequeueInFlight). It fails with
// store.ErrStatus if the alert is not queued.
func (s *Store) MarkInFlight(ctx context.Context, id string, now time.Time) error {
	return s.transition(ctx, id, "mark in flight", []attache.AlertStatus{attache.AlertQueued},
		`status = ?, attempts = attempts + 1, last_attempt_ms = ?`,
		string(attache.AlertInFlight), now.UnixMilli())
}

// MarkDelivered records that an in-flight alert was sent. The commit is
// synchronous, so a delivered alert stays delivered after a power cut.
func (s *Store) MarkDelivered(ctx context.Context, id string, now time.Time) error {
	return s.transition(ctx, id, "mark delivered", []attache.AlertStatus{attache.AlertInFlight},
		`status = ?, delivered_ms = ?`,
		string(attache.AlertDelivered), now.UnixMilli())
}

// MarkRetry returns an in-flight alert to the queue after a transient
// failure, not due before next.
func (s *Store) MarkRetry(ctx context.Context, id string, next time.Time, errText string) error {
	return s.transition(ctx, id, "mark for retry", []attache.AlertStatus{attache.AlertInFlight},
		`status = ?, next_attempt_ms = ?, last_error = ?`,
		string(attache.AlertQueued), next.UnixMilli(), errText)
}

// unknownSet counts a send whose outcome is unknown; the first such send
// sets unknown_since to its start, which MarkInFlight recorded.
const unknownSet = `unknown = unknown + 1,
	unknown_since_ms = COALESCE(unknown_since_ms, last_attempt_ms)`

// MarkUnknown returns an in-flight alert to the queue after a send whose
// outcome is unknown, not due before next, counting the send.
func (s *Store) MarkUnknown(ctx context.Context, id string, next time.Time, errText string) error {
	return s.transition(ctx, id, "mark outcome unknown", []attache.AlertStatus{attache.AlertInFlight},
		`status = ?, next_attempt_ms = ?, last_error = ?, `+unknownSet,
		string(attache.AlertQueued), next.UnixMilli(), errText)
}

// MarkDead gives up on an alert after a permanent failure. The alert is
// kept, with errText, until pruned. It applies to a queued alert too, for a
// dispatcher that gives up without sending (a destination removed from the
// configuration, say).
func (s *Store) MarkDead(ctx context.Context, id string, errText string) error {
	return s.transition(ctx, id, "mark dead",
		[]attache.AlertStatus{attache.AlertQueued, attache.AlertInFlight},
		`status = ?, last_error = ?`,
		string(attache.AlertDead), errText)
}

// MarkMuted records that a queued alert is silenced by a mute and is never
// to be sent.
func (s *Store) MarkMuted(ctx context.Context, id string, text string) error {
	return s.transition(ctx, id, "mark muted", []attache.AlertStatus{attache.AlertQueued},
		`status = ?, last_error = ?`, string(attache.AlertMuted), text)
}

// Requeue puts a dead alert back in the queue, due at now, as if queued
// anew.
func (s *Store) Requeue(ctx context.Context, id string, now time.Time) error {
	return s.transition(ctx, id, "requeue", []attache.AlertStatus{attache.AlertDead},
		`status = ?, queued_ms = ?, next_attempt_ms = ?, attempts = 0, unknown = 0, unknown_since_ms = NULL`,
		string(attache.AlertQueued), now.UnixMilli(), now.UnixMilli())
}

// RequeueInFlight returns to the queue every alert left in flight, and says
// how many. Call it once at startup, before the dispatcher runs: an alert in
// flight then was being sent when the process stopped, and may or may not
// have arrived, so the send is counted as one whose outcome is unknown.
func (s *Store) RequeueInFlight(ctx context.Context) (int, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE alerts SET status = ?, `+unknownSet+` WHERE status = ?`,
		string(attache.AlertQueued), string(attache.AlertInFlight))
	if err != nil {
		return 0, fmt.Errorf("requeue alerts in flight: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("requeue alerts in flight: %w", err)
	}
	return int(n), nil
}

// transition applies set to alert id if its status is one of from. On
// failure it looks the alert up to tell store.ErrNotFound from store.ErrStatus; that
// look-up is only for the message.
func (s *Store) transition(ctx context.Context, id, what string, from []attache.AlertStatus, set string, setArgs ...any) error {
	args := append(append([]any{}, setArgs...), id)
	names := make([]string, len(from))
	for i, st := range from {
		names[i] = string(st)
		args = append(args, string(st))
	}
	query := `UPDATE alerts SET ` + set + ` WHERE id = ? AND status IN (?` +
		strings.Repeat(", ?", len(from)-1) + `)`
	res, err := s.db.ExecContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("alert %q: %s: %w", id, what, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("alert %q: %s: %w", id, what, err)
	} else if n == 1 {
		return nil
	}
	var status string
	err = s.db.QueryRowContext(ctx, `SELECT status FROM alerts WHERE id = ?`, id).Scan(&status)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("alert %q: %s: %w", id, what, store.ErrNotFound)
	case err != nil:
		return fmt.Errorf("alert %q: %s: %w", id, what, err)
	}
	return fmt.Errorf("alert %q: %s: it is %s, not %s: %w",
		id, what, status, strings.Join(names, " or "), store.ErrStatus)
}

func (s *Store) queryAlerts(ctx context.Context, query string, args ...any) ([]attache.Alert, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var alerts []attache.Alert
	for rows.Next() {
		a, err := scanAlert(rows)
		if err != nil {
			return nil, err
		}
		alerts = append(alerts, a)
	}
	return alerts, rows.Err()
}

func scanAlert(sc scanner) (attache.Alert, error) {
	var (
		a                     attache.Alert
		item, matches, status string
		queued, next          int64
		delivered, since      sql.NullInt64
	)
	err := sc.Scan(&a.ID, &a.Destination, &item, &matches, &queued, &status, &a.Attempts,
		&next, &a.LastError, &delivered, &a.Unknown, &since)
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
	a.Queued = fromMSValue(queued)
	a.NextAttempt = fromMSValue(next)
	a.Delivered = fromMS(delivered)
	a.UnknownSince = fromMS(since)
	return a, nil
}

// QueueStats returns the state of the queue per destination, sorted by
// destination, for metrics and the status page.
func (s *Store) QueueStats(ctx context.Context) ([]store.QueueStat, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT destination,
		SUM(CASE WHEN status = 'queued' THEN 1 ELSE 0 END),
		SUM(CASE WHEN status = 'in_flight' THEN 1 ELSE 0 END),
		SUM(CASE WHEN status = 'delivered' THEN 1 ELSE 0 END),
		SUM(CASE WHEN status = 'dead' THEN 1 ELSE 0 END),
		SUM(CASE WHEN status = 'muted' THEN 1 ELSE 0 END),
		MIN(CASE WHEN status = 'queued' THEN queued_ms END)
		FROM alerts GROUP BY destination ORDER BY destination`)
	if err != nil {
		return nil, fmt.Errorf("queue stats: %w", err)
	}
	defer rows.Close()
	var stats []store.QueueStat
	for rows.Next() {
		var (
			st     store.QueueStat
			oldest sql.NullInt64
		)
		if err := rows.Scan(&st.Destination, &st.Queued, &st.InFlight, &st.Delivered, &st.Dead, &st.Muted, &oldest); err != nil {
			return nil, fmt.Errorf("queue stats: %w", err)
		}
		st.OldestQueued = fromMS(oldest)
		stats = append(stats, st)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("queue stats: %w", err)
	}
	return stats, nil
}
