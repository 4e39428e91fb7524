package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/store"
)

// SetMute records m, replacing the mute of the same kind and name.
func (s *Store) SetMute(ctx context.Context, m attache.Mute) error {
	if m.Name == "" || (m.Kind != attache.MuteRule && m.Kind != attache.MuteSource) {
		return fmt.Errorf("set mute: kind %q, name %q: want a rule or a source by name", m.Kind, m.Name)
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO mutes (kind, name, until, by_who, reason, at)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (kind, name) DO UPDATE SET until = excluded.until, by_who = excluded.by_who,
			reason = excluded.reason, at = excluded.at`,
		string(m.Kind), cleanText(m.Name), truncMS(m.Until), cleanText(m.By), cleanText(m.Reason), truncMS(m.At))
	if err != nil {
		return fmt.Errorf("mute %s %q: %w", m.Kind, m.Name, err)
	}
	return nil
}

// Unmute ends the mute of kind and name, and reports whether one was active
// at now.
func (s *Store) Unmute(ctx context.Context, kind attache.MuteKind, name string, now time.Time) (bool, error) {
	tag, err := s.pool.Exec(ctx, `UPDATE mutes SET until = $1 WHERE kind = $2 AND name = $3 AND until > $1`,
		truncMS(now), string(kind), cleanText(name))
	if err != nil {
		return false, fmt.Errorf("unmute %s %q: %w", kind, name, err)
	}
	return tag.RowsAffected() > 0, nil
}

// ActiveMutes lists the mutes active at now, by kind and name.
func (s *Store) ActiveMutes(ctx context.Context, now time.Time) ([]attache.Mute, error) {
	rows, err := s.pool.Query(ctx, `SELECT kind, name, until, by_who, reason, at
		FROM mutes WHERE until > $1 ORDER BY kind, name`, truncMS(now))
	if err != nil {
		return nil, fmt.Errorf("active mutes: %w", err)
	}
	mutes, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (attache.Mute, error) {
		var m attache.Mute
		var kind string
		err := row.Scan(&kind, &m.Name, &m.Until, &m.By, &m.Reason, &m.At)
		m.Kind, m.Until, m.At = attache.MuteKind(kind), m.Until.UTC(), m.At.UTC()
		return m, err
	})
	if err != nil {
		return nil, fmt.Errorf("active mutes: %w", err)
	}
	return mutes, nil
}

// AddFeedback records verdicts, one per alert, rule and reader.
func (s *Store) AddFeedback(ctx context.Context, fb []attache.Feedback) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		for _, f := range fb {
			if f.AlertID == "" || f.Rule == "" || f.By == "" {
				return errors.New("feedback: an alert, a rule and a reader are needed")
			}
			if f.Verdict != attache.VerdictUseful && f.Verdict != attache.VerdictNotRelevant {
				return fmt.Errorf("feedback: verdict %q: want %s or %s", f.Verdict, attache.VerdictUseful, attache.VerdictNotRelevant)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO feedback (alert_id, rule, by_who, verdict, at)
				VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (alert_id, rule, by_who) DO UPDATE SET verdict = excluded.verdict, at = excluded.at`,
				cleanText(f.AlertID), cleanText(f.Rule), cleanText(f.By), string(f.Verdict), truncMS(f.At)); err != nil {
				return fmt.Errorf("feedback on alert %q: %w", f.AlertID, err)
			}
		}
		return nil
	})
}

// RuleFeedback counts each rule's verdicts given at or after since.
func (s *Store) RuleFeedback(ctx context.Context, since time.Time) (map[string]store.FeedbackCount, error) {
	rows, err := s.pool.Query(ctx, `SELECT rule,
		COUNT(*) FILTER (WHERE verdict = 'useful'),
		COUNT(*) FILTER (WHERE verdict = 'not_relevant')
		FROM feedback WHERE at >= $1 GROUP BY rule`, truncMS(since))
	if err != nil {
		return nil, fmt.Errorf("rule feedback: %w", err)
	}
	type row struct {
		rule string
		c    store.FeedbackCount
	}
	counts, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
		var x row
		err := r.Scan(&x.rule, &x.c.Useful, &x.c.NotRelevant)
		return x, err
	})
	if err != nil {
		return nil, fmt.Errorf("rule feedback: %w", err)
	}
	out := make(map[string]store.FeedbackCount, len(counts))
	for _, x := range counts {
		out[x.rule] = x.c
	}
	return out, nil
}
