package daemon

import (
	"context"
	"sync"
	"time"

	"github.com/attache-dev/attache/notify"
	"github.com/attache-dev/attache/watcher"
)

// summaryEvery is how often `run` logs what its polls and sends did.
const summaryEvery = 10 * time.Minute

// cycleSummary adds up polls between two summary lines.
type cycleSummary struct {
	mu                          sync.Mutex
	polls, failed, fresh, alert int
	failing                     map[string]bool
}

func (s *cycleSummary) add(r watcher.PollResult) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.polls++
	s.fresh += r.New
	s.alert += r.Queued
	if r.Err != nil {
		s.failed++
		if s.failing == nil {
			s.failing = map[string]bool{}
		}
		s.failing[r.Feed] = true
	}
}

// take returns the sums and starts again.
func (s *cycleSummary) take() (polls, failed, fresh, alerts, failing int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	polls, failed, fresh, alerts, failing = s.polls, s.failed, s.fresh, s.alert, len(s.failing)
	s.polls, s.failed, s.fresh, s.alert, s.failing = 0, 0, 0, 0, nil
	return
}

// logSummaries logs, every summaryEvery until stop, one info line of what
// the daemon did: an operator reading the log sees it alive and working.
func (d *daemon) logSummaries(stop <-chan struct{}, disp *notify.Dispatcher) {
	t := time.NewTicker(summaryEvery)
	defer t.Stop()
	last := disp.Totals().Total()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		polls, failed, fresh, alerts, failing := d.summary.take()
		now := disp.Totals().Total()
		d.log.Info("summary of the last 10 minutes", "polls", polls, "failed_polls", failed, "failing_feeds", failing,
			"new_items", fresh, "queued", alerts, "delivered", now.Delivered-last.Delivered, "dead", now.Dead-last.Dead)
		last = now
	}
}

// logStillFailing says, at start, which feeds were failing when the last
// process stopped: they are in backoff, and an unchanged error is not
// logged again, so without this a restart would say nothing of them.
func (d *daemon) logStillFailing(ctx context.Context) {
	states, err := d.store.FeedStates(ctx)
	if err != nil {
		return
	}
	cfg := d.config()
	for _, st := range states {
		if st.ConsecutiveErrors == 0 || cfg.FeedByName(st.Feed) == nil {
			continue
		}
		d.log.Warn("feed failing since before this start", "feed", st.Feed, "consecutive", st.ConsecutiveErrors,
			"failing_since", st.FailingSince.Format(time.RFC3339), "error", st.LastError)
	}
}
