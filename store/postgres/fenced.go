package postgres

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/store"
)

// Fenced is the store as one poll under a feed lease sees it: reads go to
// the store, and the poll's commit (Record or SaveFeedState) is made under
// the lease, which frees the feed and sets when it is next due. A replica
// polls through a Fenced so that a poll whose lease was lost (the replica
// stalled past it, and another took the feed over) writes nothing.
type Fenced struct {
	s     *Store
	lease Lease
	next  func() time.Time
	done  atomic.Bool
}

// Fenced returns the store for one poll under lease; next gives, at commit
// time, when the feed is next due.
func (s *Store) Fenced(lease Lease, next func() time.Time) *Fenced {
	return &Fenced{s: s, lease: lease, next: next}
}

// Committed reports whether the poll's commit went through: a poll that
// ended without one (a feed in backoff, a poll cut short) leaves its lease
// for the caller to settle.
func (f *Fenced) Committed() bool { return f.done.Load() }

// FeedState reads the feed's state.
func (f *Fenced) FeedState(ctx context.Context, feed string) (store.FeedState, error) {
	return f.s.FeedState(ctx, feed)
}

// Unseen is the store's Unseen.
func (f *Fenced) Unseen(ctx context.Context, feed string, keys []string) ([]string, error) {
	return f.s.Unseen(ctx, feed, keys)
}

// SeenStories is the store's SeenStories.
func (f *Fenced) SeenStories(ctx context.Context, stories []string) (map[string]bool, error) {
	return f.s.SeenStories(ctx, stories)
}

// Record is RecordLeased under the poll's lease.
func (f *Fenced) Record(ctx context.Context, b store.RecordBatch) ([]attache.Alert, error) {
	queued, err := f.s.RecordLeased(ctx, f.lease, b, f.next())
	if err == nil {
		f.done.Store(true)
	}
	return queued, err
}

// SaveFeedState is SaveFeedStateLeased under the poll's lease.
func (f *Fenced) SaveFeedState(ctx context.Context, st store.FeedState) error {
	err := f.s.SaveFeedStateLeased(ctx, f.lease, st, f.next())
	if err == nil {
		f.done.Store(true)
	}
	return err
}

// AlertedItems is the store's.
func (f *Fenced) AlertedItems(ctx context.Context, feed string, keys []string) (map[string]store.AlertedItem, error) {
	return f.s.AlertedItems(ctx, feed, keys)
}
