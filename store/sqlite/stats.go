package sqlite

import (
	"context"
	"fmt"
)

// RuleCounts returns, for each rule that has alerted anything still within
// retention, how many alerts it produced: one per story and destination,
// whichever feed carried the story, counted for every rule an alert names.
// Rules that produced nothing are absent: the caller knows the configured
// rules and shows them as zero.
func (s *Store) RuleCounts(ctx context.Context) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT rule, COUNT(*) FROM alerted GROUP BY rule`)
	if err != nil {
		return nil, fmt.Errorf("rule counts: %w", err)
	}
	defer rows.Close()
	counts := make(map[string]int)
	for rows.Next() {
		var (
			rule string
			n    int
		)
		if err := rows.Scan(&rule, &n); err != nil {
			return nil, fmt.Errorf("rule counts: %w", err)
		}
		counts[rule] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("rule counts: %w", err)
	}
	return counts, nil
}
