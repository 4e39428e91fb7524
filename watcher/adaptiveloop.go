package watcher

import (
	"context"
	"errors"
	"github.com/attache-dev/attache/source"
	"hash/fnv"
	"log/slog"
	"sync"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/watcher/adaptive"
)

// adaptiveLoop polls one feed on its adaptive schedule: after each poll
// the schedule learns from the outcome (new items and their dates, a 304,
// a failure) and decides when to poll next, between min_interval and
// max_interval, within the budget. What it learns lives as long as the
// process.
type adaptiveLoop struct {
	ctx   context.Context // the polls'; outlives Stop so that a poll under way finishes
	p     *Poller
	feed  attache.Feed
	log   *slog.Logger
	mu    sync.Mutex
	sched *adaptive.Schedule
}

func newAdaptiveLoop(ctx context.Context, p *Poller, f attache.Feed, log *slog.Logger) (*adaptiveLoop, error) {
	cfg := adaptive.Config{Seed: seedOf(f.Name)}
	if f.Adaptive != nil {
		cfg.MinInterval, cfg.MaxInterval, cfg.Budget = f.Adaptive.MinInterval, f.Adaptive.MaxInterval, f.Adaptive.Budget
		cfg.Location = f.Adaptive.Location
	}
	sched, err := adaptive.New(cfg, adaptive.State{})
	if err != nil {
		return nil, err
	}
	return &adaptiveLoop{ctx: ctx, p: p, feed: f, log: log, sched: sched}, nil
}

// seedOf derives the jitter's seed from the feed's name, so that feeds
// with the same pattern do not call at once, and a restart keeps each
// feed's spread.
func seedOf(name string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return h.Sum64()
}

// run polls until stop: at once, then whenever the schedule decides.
func (l *adaptiveLoop) run(stop <-chan struct{}) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-stop:
			return
		case <-timer.C:
		}
		start := time.Now()
		r := l.p.Poll(l.ctx, l.feed)
		d := l.observe(start, r)
		if l.log != nil {
			l.log.Debug("adaptive schedule", keyFeed, l.feed.Name, "next", d.At.Format(time.RFC3339), "reason", d.Reason)
		}
		timer.Reset(time.Until(d.At))
	}
}

// observe teaches the schedule a poll's outcome and returns its decision.
func (l *adaptiveLoop) observe(at time.Time, r PollResult) adaptive.Decision {
	l.mu.Lock()
	defer l.mu.Unlock()
	o := adaptive.Observation{At: at, New: r.NewDates, Baseline: r.First, Hints: r.Hints}
	switch {
	case r.Class == attache.PollOK:
		o.Outcome = adaptive.Fetched
	case r.Class == attache.PollNotModified:
		o.Outcome = adaptive.NotModified
	case r.Class == attache.PollSkipped, r.Class == attache.PollBackoff, r.Class == attache.PollCancelled, r.Class == attache.PollStateError:
		o.Outcome = 0 // no request was made, or it tells nothing of the source
	default:
		o.Outcome = adaptive.Failed
		// A 429 or 503 that asks for a wait is a floor, never ignored.
		if he, ok := errors.AsType[*source.HTTPError](r.Err); ok && he.RetryAfter > 0 {
			o.Hints.RetryAfter = he.RetryAfter
		}
	}
	if o.Outcome != 0 {
		l.sched.Observe(o)
	}
	d := l.sched.Decide(time.Now())
	if o.Outcome == 0 {
		// Nothing learned: wait at least min_interval, never spin.
		if floor := time.Now().Add(l.sched.Config().MinInterval); d.At.Before(floor) {
			d.At, d.Reason = floor, adaptive.ReasonMin
		}
	}
	return d
}
