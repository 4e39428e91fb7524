package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/attache-dev/attache/store"
)

// Prune deletes, in one transaction, what is older than before: items first
// seen before it, delivered and dead alerts queued before it, and alerted
// records made before it. Queued and in-flight alerts are never deleted,
// however old: they are still owed to their destination. The trade-offs are
// the SQLite store's: retention must outlast any item's stay in its feed.
func (s *Store) Prune(ctx context.Context, before time.Time) (store.PruneResult, error) {
	var r store.PruneResult
	cut := truncMS(before)
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		steps := []struct {
			n     *int64
			query string
		}{
			{&r.Items, `DELETE FROM items WHERE COALESCE(last_seen, first_seen) < $1`},
			{&r.Alerts, `DELETE FROM alerts WHERE status IN ('delivered', 'dead', 'muted') AND queued < $1`},
			{&r.Feedback, `DELETE FROM feedback WHERE at < $1`},
			{&r.Mutes, `DELETE FROM mutes WHERE until < $1`},
			{&r.Stories, `DELETE FROM stories WHERE updated < $1`},
			{&r.Alerted, `DELETE FROM alerted WHERE created < $1`},
		}
		for _, step := range steps {
			tag, err := tx.Exec(ctx, step.query, cut)
			if err != nil {
				return err
			}
			*step.n = tag.RowsAffected()
		}
		return nil
	})
	if err != nil {
		return store.PruneResult{}, fmt.Errorf("prune: %w", err)
	}
	return r, nil
}
