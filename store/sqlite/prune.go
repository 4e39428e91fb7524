package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/store"
)

// Prune deletes, in one transaction, what is older than before: items last
// sighted in their source before it (an item still there is kept however
// old), delivered and dead alerts queued before it, and alerted
// records made before it. Queued and in-flight alerts are never deleted,
// however old: they are still owed to their destination.
//
// An item whose record is pruned is new again if it comes back to its feed
// after being gone for the whole retention, and is alerted again. Pruning the alerted records at the same age keeps the
// two consistent: a story is alerted again only when its item is new again.
func (s *Store) Prune(ctx context.Context, before time.Time) (store.PruneResult, error) {
	var r store.PruneResult
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return r, fmt.Errorf("prune: %w", err)
	}
	defer tx.Rollback()

	ms := before.UnixMilli()
	steps := []struct {
		n     *int64
		query string
		args  []any
	}{
		{&r.Items, `DELETE FROM items WHERE COALESCE(last_seen_ms, first_seen_ms) < ?`, []any{ms}},
		{&r.Alerts, `DELETE FROM alerts WHERE status IN (?, ?, ?) AND queued_ms < ?`,
			[]any{string(attache.AlertDelivered), string(attache.AlertDead), string(attache.AlertMuted), ms}},
		{&r.Feedback, `DELETE FROM feedback WHERE at_ms < ?`, []any{ms}},
		{&r.Mutes, `DELETE FROM mutes WHERE until_ms < ?`, []any{ms}},
		{&r.Stories, `DELETE FROM stories WHERE updated_ms < ?`, []any{ms}},
		{&r.Alerted, `DELETE FROM alerted WHERE created_ms < ?`, []any{ms}},
	}
	for _, step := range steps {
		res, err := tx.ExecContext(ctx, step.query, step.args...)
		if err != nil {
			return store.PruneResult{}, fmt.Errorf("prune: %w", err)
		}
		if *step.n, err = res.RowsAffected(); err != nil {
			return store.PruneResult{}, fmt.Errorf("prune: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return store.PruneResult{}, fmt.Errorf("prune: %w", err)
	}
	return r, nil
}
