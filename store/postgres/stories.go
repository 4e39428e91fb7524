package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/attache-dev/attache/store"
)

// Stories returns the stories whose latest member was published at or
// after since.
func (s *Store) Stories(ctx context.Context, since time.Time) ([]store.StoryRecord, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, record, updated FROM stories WHERE updated >= $1 ORDER BY updated, id`, truncMS(since))
	if err != nil {
		return nil, fmt.Errorf("stories: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.StoryRecord, error) {
		var r store.StoryRecord
		var rec string
		err := row.Scan(&r.ID, &rec, &r.Updated)
		r.Record, r.Updated = []byte(rec), r.Updated.UTC()
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("stories: %w", err)
	}
	return out, nil
}

// saveStories writes story records (a copy's).
func (s *Store) saveStories(ctx context.Context, stories []store.StoryRecord) error {
	for _, st := range stories {
		if _, err := s.pool.Exec(ctx, `INSERT INTO stories (id, record, updated) VALUES ($1, $2, $3)
			ON CONFLICT (id) DO UPDATE SET record = excluded.record, updated = excluded.updated`,
			cleanText(st.ID), cleanText(string(st.Record)), truncMS(st.Updated)); err != nil {
			return fmt.Errorf("story %q: %w", st.ID, err)
		}
	}
	return nil
}
