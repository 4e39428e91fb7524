package websub

import (
	"context"
	"time"
)

// renewAt is when a lease should be renewed: a tenth of it before it ends,
// and at least an hour before (half the lease, for leases under two hours),
// leaving time for a hub that is slow to verify, or down for a while.
func renewAt(sub Subscription) time.Time {
	ahead := max(sub.Lease/10, min(time.Hour, sub.Lease/2))
	return sub.LeaseEnd.Add(-ahead)
}

// retryEvery is how soon a failed renewal is tried again.
const retryEvery = 5 * time.Minute

// Renew renews every active subscription whose lease is near its end, and
// tries again those whose last request failed, at most every retryEvery.
// It returns when it should next be called.
func (s *Subscriber) Renew(ctx context.Context) time.Time {
	now := s.opts.Now()
	next := now.Add(time.Hour)
	for _, sub := range s.Subscriptions() {
		var due time.Time
		switch sub.Status {
		case Active:
			due = renewAt(sub)
			if sub.Requested.After(due) {
				// Asked already; the hub has not verified yet.
				due = sub.Requested.Add(retryEvery)
			}
		case Pending:
			// Never verified: ask again, but not in a loop.
			due = sub.Requested.Add(retryEvery)
		default:
			continue
		}
		if due.After(now) {
			if due.Before(next) {
				next = due
			}
			continue
		}
		if err := s.Subscribe(ctx, sub.Feed, sub.Topic, sub.Hub); err != nil {
			s.opts.Logger.Warn("websub: renewal failed", "feed", sub.Feed, "hub", sub.Hub, "lease_end", sub.LeaseEnd, "error", err)
		}
		if r := now.Add(retryEvery); r.Before(next) {
			next = r
		}
	}
	return next
}

// Run renews subscriptions until ctx ends.
func (s *Subscriber) Run(ctx context.Context) error {
	for {
		next := s.Renew(ctx)
		t := time.NewTimer(max(next.Sub(s.opts.Now()), time.Second))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}
