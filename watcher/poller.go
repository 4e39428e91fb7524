package watcher

import (
	"context"
	"fmt"
	"github.com/attache-dev/attache/source/hints"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/internal/retry"
	"github.com/attache-dev/attache/source"
	"github.com/attache-dev/attache/store"
)

// State is what the poller needs of the store.
type State interface {
	FeedState(ctx context.Context, feed string) (store.FeedState, error)
	SaveFeedState(ctx context.Context, st store.FeedState) error
	Unseen(ctx context.Context, feed string, keys []string) ([]string, error)
	SeenStories(ctx context.Context, stories []string) (map[string]bool, error)
	Record(ctx context.Context, b store.RecordBatch) ([]attache.Alert, error)
}

var _ State = store.Store(nil)

// Poller runs one poll of a feed: fetch, parse, find the new items, match
// them, and record items and alerts in one transaction.
type Poller struct {
	state State
	conf  atomic.Pointer[pollConfig]
	now   func() time.Time
	log   *slog.Logger
	// queued is told how many alerts a poll queued, to wake the dispatcher.
	queued func(n int)
	// observe is told the result of every poll, for metrics.
	observe func(PollResult, time.Duration)

	running sync.Map // feed name → *sync.Mutex: one poll of a feed at a time
	// stories is the story stage; nil alerts item by item.
	stories *Stories
}

// pollConfig is what a configuration reload may change; a poll uses the one
// current when it starts.
type pollConfig struct {
	fetcher  *source.Fetcher
	rules    *Ruleset
	backfill time.Duration
	health   []string // destinations of feed-health alerts
}

// PollerOptions configure a Poller.
type PollerOptions struct {
	Backfill time.Duration
	// HealthNotify are the destinations of feed-health alerts; none means
	// no such alerts.
	HealthNotify []string
	Now          func() time.Time
	Logger       *slog.Logger
	// Queued is called after a poll queued alerts; may be nil.
	Queued func(n int)
	// Observe is called with the result and duration of every poll; may be
	// nil.
	Observe func(PollResult, time.Duration)
	// Stories, when set, gathers alerts by story (Stories).
	Stories *Stories
}

// NewPoller builds a poller over a fetcher, the state and the rules.
func NewPoller(f *source.Fetcher, st State, rs *Ruleset, opts PollerOptions) *Poller {
	p := &Poller{state: st, now: opts.Now, log: opts.Logger, queued: opts.Queued, observe: opts.Observe, stories: opts.Stories}
	if p.now == nil {
		p.now = time.Now
	}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	p.conf.Store(&pollConfig{fetcher: f, rules: rs, backfill: opts.Backfill, health: opts.HealthNotify})
	return p
}

// Reconfigure swaps the fetcher, rules, backfill and health destinations
// used by the polls that start from now on; polls under way finish with
// what they started with.
func (p *Poller) Reconfigure(f *source.Fetcher, rs *Ruleset, backfill time.Duration, healthNotify []string) {
	p.conf.Store(&pollConfig{fetcher: f, rules: rs, backfill: backfill, health: healthNotify})
}

// PollResult is what one poll of one feed did.
type PollResult struct {
	Feed  string
	Class attache.PollClass
	Items int // items in the feed
	New   int // items not seen before
	// Restated counts new items whose story a recorded item already told
	// (a rewritten GUID, the same link in another feed): not alerted.
	Restated int
	Queued   int  // alerts queued
	First    bool // the feed's first poll: a baseline
	Err      error
	// Matches counts, by rule, the new items each rule matched (on a first
	// poll too, though a baseline alerts none of them).
	Matches map[string]int
	// QueuedTo counts the alerts queued, by destination.
	QueuedTo map[string]int
	// Success says the feed answered well (a feed or a 304).
	Success bool
	// Hints are the floors the answer set on the next request, for the
	// adaptive schedule.
	Hints hints.Hints
	// NewDates are the publication dates of the new items (zero for an
	// undated one), for the adaptive schedule.
	NewDates []time.Time
	// Flooded is the number of new items recorded without alerts by the
	// flood guard; 0 when it did not act.
	Flooded int
	// Alerted counts the rules' alerts the poll queued (health alerts
	// left out), and Committed is how long after the poll began (the
	// items' first sight) they were committed: the queue stage of their
	// time to alert.
	Alerted   int
	Committed time.Duration
	// Pushed says the content came from a WebSub hub, not a request.
	Pushed bool
}

// Log keys.
const (
	keyFeed   = "feed"
	keyClass  = "result"
	keyErr    = "error"
	keyItems  = "items"
	keyNew    = "new"
	keyQueued = "queued"
)

// Poll polls one feed. A poll of the same feed still running makes it a
// no-op ("skipped"): feeds are polled one at a time each.
func (p *Poller) Poll(ctx context.Context, f attache.Feed) PollResult {
	return p.PollWith(ctx, f, p.state)
}

// PollWith polls one feed as Poll does, reading and committing through st
// instead of the poller's own state: a replica sharing the state commits a
// poll under its lease on the feed, so that a replica that lost the lease
// records nothing.
func (p *Poller) PollWith(ctx context.Context, f attache.Feed, st State) PollResult {
	mu, _ := p.running.LoadOrStore(f.Name, &sync.Mutex{})
	if !mu.(*sync.Mutex).TryLock() {
		return PollResult{Feed: f.Name, Class: attache.PollSkipped}
	}
	defer mu.(*sync.Mutex).Unlock()
	start := time.Now()
	out := p.poll(ctx, f, p.conf.Load(), st)
	if p.observe != nil {
		p.observe(out, time.Since(start))
	}
	if out.Class == attache.PollStateError {
		// The feed was fine; the store was not. Nothing of the poll was
		// recorded, so its items stay new for the next poll.
		p.log.Error("poll not recorded", keyFeed, f.Name, keyErr, out.Err)
	}
	return out
}

func (p *Poller) poll(ctx context.Context, f attache.Feed, conf *pollConfig, state State) PollResult {
	now := p.now().UTC()
	st, err := state.FeedState(ctx, f.Name)
	if err != nil {
		return PollResult{Feed: f.Name, Class: attache.PollStateError, Err: fmt.Errorf("feed %q: read state: %w", f.Name, err)}
	}
	if wait := backoff(st.ConsecutiveErrors); wait > 0 && now.Before(st.LastPoll.Add(wait)) {
		p.log.Debug("feed in backoff", keyFeed, f.Name, "until", st.LastPoll.Add(wait))
		return PollResult{Feed: f.Name, Class: attache.PollBackoff}
	}
	var since time.Time
	if !st.Baselined && conf.backfill > 0 {
		since = now.Add(-conf.backfill)
	}
	res, err := Read(ctx, conf.fetcher, f,
		source.Conditional{ETag: st.ETag, LastModified: st.LastModified}, now, since)
	if err != nil {
		return p.failed(ctx, state, f, st, now, err, conf)
	}
	if st.ConsecutiveErrors > 0 {
		p.log.Info("feed recovered", keyFeed, f.Name, "after_errors", st.ConsecutiveErrors)
	}
	st.Feed, st.LastPoll, st.LastSuccess, st.ConsecutiveErrors = f.Name, now, now, 0
	health := healthOnSuccess(f, &st, now, conf.health)
	if res.NotModified {
		out := PollResult{Feed: f.Name, Class: attache.PollNotModified, Success: true, Hints: res.Hints}
		// Not modified: the items last sighted are all still there.
		queued, err := state.Record(ctx, store.RecordBatch{Feed: st.Feed, State: st, Alerts: health, Unchanged: true, Now: now})
		if err != nil {
			out.Class, out.Err = attache.PollStateError, fmt.Errorf("feed %q: save state: %w", f.Name, err)
			return out
		}
		out.Queued, out.QueuedTo = len(queued), queuedTo(queued)
		p.log.Debug("polled", keyFeed, f.Name, keyClass, attache.PollNotModified)
		p.notifyQueued(len(queued))
		return out
	}
	st.ETag, st.LastModified = res.ETag, res.LastModified
	out := p.record(ctx, state, f, st, res.Items, now, conf, health)
	out.Hints = res.Hints
	return out
}

// saveState saves a feed's state, with the health alerts it raises in the
// same transaction when there are any, and returns those queued.
func (p *Poller) saveState(ctx context.Context, state State, st store.FeedState, health []attache.Alert, now time.Time) ([]attache.Alert, error) {
	if len(health) == 0 {
		return nil, state.SaveFeedState(ctx, st)
	}
	return state.Record(ctx, store.RecordBatch{Feed: st.Feed, State: st, Alerts: health, Now: now})
}

// notifyQueued wakes the dispatcher after alerts were queued.
func (p *Poller) notifyQueued(n int) {
	if n > 0 && p.queued != nil {
		p.queued(n)
	}
}

// backoff is how long a feed that failed n times in a row waits after its
// last poll: nothing for the first two failures, then 5 minutes doubling up
// to 6 hours. Its schedule keeps running; polls inside the wait are skipped.
func backoff(n int) time.Duration {
	if n < 3 {
		return 0
	}
	return feedBackoff.Delay(n-2, 0)
}

// feedBackoff is the schedule of backoff, without jitter: a feed's
// schedule already spreads its polls.
var feedBackoff = retry.Backoff{Base: 5 * time.Minute, Max: 6 * time.Hour}

func (p *Poller) failed(ctx context.Context, state State, f attache.Feed, st store.FeedState, now time.Time, err error, conf *pollConfig) PollResult {
	if ctx.Err() != nil {
		// Shutting down: the feed did not fail, the poll was cut short. It
		// is polled again after the restart; nothing is recorded.
		return PollResult{Feed: f.Name, Class: attache.PollCancelled, Err: err}
	}
	class := source.Classify(err)
	msg := err.Error()
	level := slog.LevelDebug
	if msg != st.LastError || st.ConsecutiveErrors == 0 {
		level = slog.LevelWarn // logged once per change, not once per poll
	}
	p.log.Log(ctx, level, "poll failed", keyFeed, f.Name, keyClass, class, keyErr, msg, "consecutive", st.ConsecutiveErrors+1)
	st.Feed, st.LastPoll, st.LastError = f.Name, now, msg
	st.ConsecutiveErrors++
	health := healthOnFailure(f, &st, class, msg, now, conf.health)
	if len(health) > 0 {
		p.log.Warn("feed unhealthy: health alert queued", keyFeed, f.Name, keyClass, class, "failing_since", st.FailingSince)
	}
	out := PollResult{Feed: f.Name, Class: class}
	if queued, serr := p.saveState(ctx, state, st, health, now); serr != nil {
		err = fmt.Errorf("%w; and saving its state: %v", err, serr)
	} else {
		// Health alerts count as queued, in the metrics as in delivery.
		out.Queued, out.QueuedTo = len(queued), queuedTo(queued)
		p.notifyQueued(len(queued))
	}
	out.Err = err
	return out
}

// queuedTo counts alerts by destination; nil for none.
func queuedTo(alerts []attache.Alert) map[string]int {
	var m map[string]int
	for _, a := range alerts {
		if m == nil {
			m = map[string]int{}
		}
		m[a.Destination]++
	}
	return m
}
