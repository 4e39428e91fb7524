package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// RuleCounts returns, for each rule that has alerted anything still within
// retention, how many alerts it produced: one per story and destination,
// whichever feed carried the story. Rules that produced nothing are absent.
func (s *Store) RuleCounts(ctx context.Context) (map[string]int, error) {
	rows, err := s.pool.Query(ctx, `SELECT rule, COUNT(*) FROM alerted GROUP BY rule`)
	if err != nil {
		return nil, fmt.Errorf("rule counts: %w", err)
	}
	counts := make(map[string]int)
	var (
		rule string
		n    int
	)
	_, err = pgx.ForEachRow(rows, []any{&rule, &n}, func() error {
		counts[rule] = n
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("rule counts: %w", err)
	}
	return counts, nil
}
