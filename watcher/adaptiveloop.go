package watcher

import (
	"context"
	"errors"
	"hash/fnv"
	"log/slog"
	"sync"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/source"
	"github.com/attache-dev/attache/store"
	"github.com/attache-dev/attache/watcher/adaptive"
)

// adaptiveLoop polls one feed on its adaptive schedule: after each poll
// the schedule learns from the outcome (new items and their dates, a 304,
// a failure) and decides when to poll next, between min_interval and
// max_interval, within the budget. What it learns is kept in the store
// after each poll (when the scheduler has one), so that a restart goes on
// from it instead of learning the source's week again.
type adaptiveLoop struct {
	ctx     context.Context // the polls'; outlives Stop so that a poll under way finishes
	p       *Poller
	feed    attache.Feed
	log     *slog.Logger
	learned ScheduleStore // may be nil
	// pushUntil, when set, says until when a hub pushes the feed.
	pushUntil func(feed string, now time.Time) time.Time
	mu        sync.Mutex
	sched     *adaptive.Schedule
	last      adaptive.Decision
}

// ScheduleStore keeps what adaptive schedules learned; the store provides
// it.
type ScheduleStore interface {
	FeedState(ctx context.Context, feed string) (store.FeedState, error)
	SaveScheduleState(ctx context.Context, feed string, state []byte) error
}

func newAdaptiveLoop(ctx context.Context, p *Poller, f attache.Feed, log *slog.Logger, learned ScheduleStore) (*adaptiveLoop, error) {
	cfg := adaptive.Config{Seed: seedOf(f.Name)}
	if f.Adaptive != nil {
		cfg.MinInterval, cfg.MaxInterval, cfg.Budget = f.Adaptive.MinInterval, f.Adaptive.MaxInterval, f.Adaptive.Budget
		cfg.Location = f.Adaptive.Location
	}
	var state adaptive.State
	if learned != nil {
		st, err := learned.FeedState(ctx, f.Name)
		if err == nil {
			state, err = adaptive.UnmarshalState(st.Schedule)
		}
		if err != nil && log != nil {
			// Learning starts again; polling goes on meanwhile.
			log.Warn("adaptive schedule: what was learned cannot be read; learning again", keyFeed, f.Name, keyErr, err)
		}
	}
	sched, err := adaptive.New(cfg, state)
	if err != nil {
		return nil, err
	}
	return &adaptiveLoop{ctx: ctx, p: p, feed: f, log: log, learned: learned, sched: sched}, nil
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
		l.save()
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
	if l.pushUntil != nil {
		l.sched.Push(l.pushUntil(l.feed.Name, time.Now()))
	}
	d := l.sched.Decide(time.Now())
	if o.Outcome == 0 {
		// Nothing learned: wait at least min_interval, never spin.
		if floor := time.Now().Add(l.sched.Config().MinInterval); d.At.Before(floor) {
			d.At, d.Reason = floor, adaptive.ReasonMin
		}
	}
	l.last = d
	return d
}

// save keeps what the schedule learned. A failure is logged and costs
// only what a restart would relearn.
func (l *adaptiveLoop) save() {
	if l.learned == nil {
		return
	}
	l.mu.Lock()
	b, err := adaptive.MarshalState(l.sched.State())
	l.mu.Unlock()
	if err == nil {
		err = l.learned.SaveScheduleState(context.WithoutCancel(l.ctx), l.feed.Name, b)
	}
	if err != nil && l.log != nil {
		l.log.Warn("adaptive schedule: cannot keep what was learned", keyFeed, l.feed.Name, keyErr, err)
	}
}

// AdaptiveStatus is where a feed's adaptive schedule stands, for the
// status page and metrics.
type AdaptiveStatus struct {
	Feed string
	// Next is when the feed is polled next, and Reason why then (the
	// profile, a burst, a server's hint, a bound, the budget, WebSub).
	Next   time.Time
	Reason string
	// SpentToday and SpentYesterday count requests in the source's days;
	// Budget is the requests a day allowed on average.
	SpentToday, SpentYesterday int
	Budget                     float64
	MinInterval, MaxInterval   time.Duration
}

func (l *adaptiveLoop) status() AdaptiveStatus {
	l.mu.Lock()
	defer l.mu.Unlock()
	st, cfg := l.sched.State(), l.sched.Config()
	return AdaptiveStatus{Feed: l.feed.Name, Next: l.last.At, Reason: string(l.last.Reason),
		SpentToday: st.SpentToday, SpentYesterday: st.SpentYesterday, Budget: cfg.Budget,
		MinInterval: cfg.MinInterval, MaxInterval: cfg.MaxInterval}
}
