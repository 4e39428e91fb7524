package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/attache-dev/attache/store"
)

// Stories returns the stories whose latest member was published at or
// after since.
func (s *Store) Stories(ctx context.Context, since time.Time) ([]store.StoryRecord, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, record, updated_ms FROM stories WHERE updated_ms >= ? ORDER BY updated_ms, id`, since.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("stories: %w", err)
	}
	defer rows.Close()
	var out []store.StoryRecord
	for rows.Next() {
		var r store.StoryRecord
		var rec string
		var at int64
		if err := rows.Scan(&r.ID, &rec, &at); err != nil {
			return nil, fmt.Errorf("stories: %w", err)
		}
		r.Record, r.Updated = []byte(rec), fromMSValue(at)
		out = append(out, r)
	}
	return out, rows.Err()
}

// saveStories writes story records (a copy's).
func (s *Store) saveStories(ctx context.Context, stories []store.StoryRecord) error {
	for _, st := range stories {
		if _, err := s.db.ExecContext(ctx, `INSERT INTO stories (id, record, updated_ms) VALUES (?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET record = excluded.record, updated_ms = excluded.updated_ms`,
			st.ID, string(st.Record), st.Updated.UnixMilli()); err != nil {
			return fmt.Errorf("story %q: %w", st.ID, err)
		}
	}
	return nil
}
