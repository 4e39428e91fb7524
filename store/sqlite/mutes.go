package sqlite

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/store"
)

// SetMute records m, replacing the mute of the same kind and name.
func (s *Store) SetMute(ctx context.Context, m attache.Mute) error {
	if m.Name == "" || (m.Kind != attache.MuteRule && m.Kind != attache.MuteSource) {
		return fmt.Errorf("set mute: kind %q, name %q: want a rule or a source by name", m.Kind, m.Name)
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO mutes (kind, name, until_ms, by_who, reason, at_ms)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (kind, name) DO UPDATE SET until_ms = excluded.until_ms, by_who = excluded.by_who,
			reason = excluded.reason, at_ms = excluded.at_ms`,
		string(m.Kind), m.Name, m.Until.UnixMilli(), m.By, m.Reason, m.At.UnixMilli())
	if err != nil {
		return fmt.Errorf("mute %s %q: %w", m.Kind, m.Name, err)
	}
	return nil
}

// Unmute ends the mute of kind and name, and reports whether one was active
// at now.
func (s *Store) Unmute(ctx context.Context, kind attache.MuteKind, name string, now time.Time) (bool, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE mutes SET until_ms = ? WHERE kind = ? AND name = ? AND until_ms > ?`,
		now.UnixMilli(), string(kind), name, now.UnixMilli())
	if err != nil {
		return false, fmt.Errorf("unmute %s %q: %w", kind, name, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// ActiveMutes lists the mutes active at now, by kind and name.
func (s *Store) ActiveMutes(ctx context.Context, now time.Time) ([]attache.Mute, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT kind, name, until_ms, by_who, reason, at_ms
		FROM mutes WHERE until_ms > ? ORDER BY kind, name`, now.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("active mutes: %w", err)
	}
	defer rows.Close()
	var out []attache.Mute
	for rows.Next() {
		var (
			m         attache.Mute
			kind      string
			until, at int64
		)
		if err := rows.Scan(&kind, &m.Name, &until, &m.By, &m.Reason, &at); err != nil {
			return nil, fmt.Errorf("active mutes: %w", err)
		}
		m.Kind, m.Until, m.At = attache.MuteKind(kind), fromMSValue(until), fromMSValue(at)
		out = append(out, m)
	}
	return out, rows.Err()
}

// AddFeedback records verdicts, one per alert, rule and reader.
func (s *Store) AddFeedback(ctx context.Context, fb []attache.Feedback) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, f := range fb {
		if err := checkFeedback(f); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO feedback (alert_id, rule, by_who, verdict, at_ms)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (alert_id, rule, by_who) DO UPDATE SET verdict = excluded.verdict, at_ms = excluded.at_ms`,
			f.AlertID, f.Rule, f.By, string(f.Verdict), f.At.UnixMilli()); err != nil {
			return fmt.Errorf("feedback on alert %q: %w", f.AlertID, err)
		}
	}
	return tx.Commit()
}

// checkFeedback refuses a verdict that names no alert, rule or reader, or
// is neither useful nor not relevant.
func checkFeedback(f attache.Feedback) error {
	if f.AlertID == "" || f.Rule == "" || f.By == "" {
		return errors.New("feedback: an alert, a rule and a reader are needed")
	}
	if f.Verdict != attache.VerdictUseful && f.Verdict != attache.VerdictNotRelevant {
		return fmt.Errorf("feedback: verdict %q: want %s or %s", f.Verdict, attache.VerdictUseful, attache.VerdictNotRelevant)
	}
	return nil
}

// RuleFeedback counts each rule's verdicts given at or after since.
func (s *Store) RuleFeedback(ctx context.Context, since time.Time) (map[string]store.FeedbackCount, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT rule,
		SUM(CASE WHEN verdict = 'useful' THEN 1 ELSE 0 END),
		SUM(CASE WHEN verdict = 'not_relevant' THEN 1 ELSE 0 END)
		FROM feedback WHERE at_ms >= ? GROUP BY rule`, since.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("rule feedback: %w", err)
	}
	defer rows.Close()
	out := map[string]store.FeedbackCount{}
	for rows.Next() {
		var rule string
		var c store.FeedbackCount
		if err := rows.Scan(&rule, &c.Useful, &c.NotRelevant); err != nil {
			return nil, fmt.Errorf("rule feedback: %w", err)
		}
		out[rule] = c
	}
	return out, rows.Err()
}
