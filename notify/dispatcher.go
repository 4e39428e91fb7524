package notify

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sync"
	"time"

	"github.com/attache-dev/attache"
	"golang.org/x/time/rate"
)

// Queue is the alert queue as the dispatcher uses it; the store provides it.
//
// The life cycle: a queued alert that is due is marked in flight just
// before its send, then delivered, queued again for a later attempt, or
// dead. An alert found in flight at start-up was being sent when the
// process stopped; Start queues it again as a send whose outcome is
// unknown.
type Queue interface {
	// Destinations lists the destinations that have queued alerts, due or not.
	Destinations(ctx context.Context) ([]string, error)
	// Due returns up to limit queued alerts for destination that are due at
	// now: the most severe first, then in turns across feeds (each feed's
	// oldest first), so that no feed's backlog holds up another's alerts.
	Due(ctx context.Context, destination string, now time.Time, limit int) ([]attache.Alert, error)
	// MarkInFlight takes a queued alert for a send and counts an attempt; it
	// fails if the alert is not queued.
	MarkInFlight(ctx context.Context, id string, now time.Time) error
	// MarkDelivered records that an alert in flight was sent.
	MarkDelivered(ctx context.Context, id string, now time.Time) error
	// MarkRetry queues an alert in flight again, not due before next.
	MarkRetry(ctx context.Context, id string, next time.Time, errText string) error
	// MarkUnknown queues an alert in flight again after a send whose outcome
	// is unknown, not due before next, and counts that send in
	// Alert.Unknown (from Alert.UnknownSince, the start of the first).
	MarkUnknown(ctx context.Context, id string, next time.Time, errText string) error
	// MarkDead gives up on a queued or in-flight alert, keeping errText.
	MarkDead(ctx context.Context, id string, errText string) error
	// MarkMuted records that a queued alert is silenced by a mute, never to
	// be sent.
	MarkMuted(ctx context.Context, id string, text string) error
	// RequeueInFlight queues again every alert left in flight, and says
	// how many.
	RequeueInFlight(ctx context.Context) (int, error)
}

// Counts are the outcomes of sends to one destination.
type Counts struct {
	Delivered int
	Retried   int // transient failures queued again, and sends cut short by shutdown
	Dead      int
	Muted     int // silenced by a mute, never sent
}

func (c *Counts) add(o Counts) {
	c.Delivered += o.Delivered
	c.Retried += o.Retried
	c.Dead += o.Dead
	c.Muted += o.Muted
}

// Stats are Counts per destination. Destinations that saw nothing happen
// are left out.
type Stats map[string]Counts

// Total sums the counts of every destination.
func (s Stats) Total() Counts {
	var t Counts
	for _, c := range s {
		t.add(c)
	}
	return t
}

func (s Stats) add(dest string, c Counts) {
	if c == (Counts{}) {
		return
	}
	sum := s[dest]
	sum.add(c)
	s[dest] = sum
}

// Dispatcher delivers queued alerts through the notifier of each
// destination. It is safe for concurrent use; its per-destination state
// (rate limiter, pause after a 429, the last failure logged) lives as long
// as it does.
type Dispatcher struct {
	queue Queue
	opts  Options
	log   *logger
	wake  chan struct{}
	// draining is closed by Drain: no new send starts, the ones under way
	// finish.
	draining  chan struct{}
	drainOnce sync.Once

	mu          sync.Mutex
	notifiers   map[string]Notifier
	burstLimits map[string]int
	lanes       map[string]*lane
	totals      Stats
}

// NewDispatcher returns a dispatcher that takes alerts from queue and sends
// each through the notifier named by its destination. It fails on options
// that make no sense (a negative rate, a backoff whose cap is below its base).
func NewDispatcher(queue Queue, notifiers map[string]Notifier, opts Options) (*Dispatcher, error) {
	if queue == nil {
		return nil, errors.New("new dispatcher: nil queue")
	}
	for name, n := range notifiers {
		if n == nil {
			return nil, fmt.Errorf("new dispatcher: destination %q: nil notifier", name)
		}
	}
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("new dispatcher: %w", err)
	}
	return &Dispatcher{
		queue:       queue,
		notifiers:   maps.Clone(notifiers),
		burstLimits: maps.Clone(opts.BurstLimits),
		opts:        opts,
		log:         &logger{l: opts.Logger},
		wake:        make(chan struct{}, 1),
		draining:    make(chan struct{}),
		lanes:       make(map[string]*lane),
		totals:      make(Stats),
	}, nil
}

// Start queues again the alerts that a previous process left in flight: it
// stopped during their sends, and they may or may not have arrived. Call it
// once, before Run or Deliver.
func (d *Dispatcher) Start(ctx context.Context) error {
	n, err := d.queue.RequeueInFlight(ctx)
	if err != nil {
		return fmt.Errorf("queue again the alerts left in flight: %w", err)
	}
	if n > 0 {
		d.log.l.Warn("alerts interrupted by the last stop are queued again; each is looked for at its destination before it is sent again, where the destination allows it", "alerts", n)
	}
	return nil
}

// Deliver sends every alert that is due now, and returns what it did.
// Destinations are served concurrently (up to Options.Concurrency at once),
// so a slow or failing destination holds up no other; within one, alerts go
// oldest first, paced by the destination's rate limit. Deliver returns when
// every destination is done, or as soon as ctx is done and the sends under
// way have returned.
//
// The error joins the failures of the queue, destination by destination;
// the failures of sends are not errors of Deliver, they are in the Stats and
// in the queue.
func (d *Dispatcher) Deliver(ctx context.Context) (Stats, error) {
	dests, err := d.queue.Destinations(ctx)
	if err != nil {
		return Stats{}, fmt.Errorf("deliver: %w", err)
	}
	var (
		mu    sync.Mutex
		stats = make(Stats)
		errs  []error
		wg    sync.WaitGroup
		sem   = make(chan struct{}, d.opts.Concurrency)
	)
	for _, dest := range dests {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-sem }()
			c, _, err := d.pass(ctx, dest)
			mu.Lock()
			defer mu.Unlock()
			stats.add(dest, c)
			if err != nil && ctx.Err() == nil {
				errs = append(errs, fmt.Errorf("destination %q: %w", dest, err))
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return stats, fmt.Errorf("deliver: %w", err)
	}
	if len(errs) > 0 {
		return stats, fmt.Errorf("deliver: %w", errors.Join(errs...))
	}
	return stats, nil
}

// Drain asks Run and Deliver to start no new send: the sends under way
// finish and are recorded, then Run returns. A stop that cancelled a send
// instead could not know whether the destination had it, and the restart
// would send it again. It never blocks, and may be called more than once.
func (d *Dispatcher) Drain() {
	d.drainOnce.Do(func() { close(d.draining) })
}

// isDraining reports whether Drain was called.
func (d *Dispatcher) isDraining() bool {
	select {
	case <-d.draining:
		return true
	default:
		return false
	}
}

// Totals returns what the dispatcher has done since it was made, through
// Deliver and Run alike, for metrics.
func (d *Dispatcher) Totals() Stats {
	d.mu.Lock()
	defer d.mu.Unlock()
	return maps.Clone(d.totals)
}

// Wake tells Run that alerts were queued, so that it looks at the queue now
// rather than at its next poll. It never blocks.
func (d *Dispatcher) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// lane is the dispatcher's memory of one destination between passes.
type lane struct {
	limiter *rate.Limiter

	// mu is held for a whole pass, so one destination is served by one pass
	// at a time; it guards the fields below.
	mu sync.Mutex
	// pausedUntil is when the destination may be sent to again after it
	// asked for a pause (a 429 with Retry-After).
	pausedUntil time.Time
	// retries holds, sorted, the times at which alerts this dispatcher
	// queued again fall due, so that Run wakes for them.
	retries []time.Time
	// failing is the last failure logged, so that a failure repeating on
	// every retry is logged once; empty while sends succeed.
	failing string
	// unconfiguredLogged says the lack of a notifier was reported.
	unconfiguredLogged bool
	// cannotCheck is the last reason logged why the destination cannot be
	// checked for alerts whose send had no answer; empty once it can.
	cannotCheck string
}

// lane returns the state of dest, creating it on first use.
func (d *Dispatcher) lane(dest string) *lane {
	d.mu.Lock()
	defer d.mu.Unlock()
	l, ok := d.lanes[dest]
	if !ok {
		l = &lane{limiter: rate.NewLimiter(rate.Limit(d.opts.Rate), d.opts.Burst)}
		if _, local := d.notifiers[dest].(Unpaced); local {
			l.limiter = rate.NewLimiter(rate.Inf, d.opts.Burst)
		}
		d.lanes[dest] = l
	}
	return l
}

func (d *Dispatcher) count(dest string, c Counts) {
	d.mu.Lock()
	d.totals.add(dest, c)
	d.mu.Unlock()
	if d.opts.Observe != nil && c != (Counts{}) {
		d.opts.Observe(dest, c)
	}
}

// SetNotifiers replaces the destinations and their burst limits, as after a
// configuration reload. Sends under way finish with the notifier they
// started with; alerts for a destination that is gone wait as described in
// the package documentation. Each destination keeps its pacing and pause.
func (d *Dispatcher) SetNotifiers(notifiers map[string]Notifier, burstLimits map[string]int) error {
	for name, n := range notifiers {
		if n == nil {
			return fmt.Errorf("set notifiers: destination %q: nil notifier", name)
		}
	}
	d.mu.Lock()
	d.notifiers = maps.Clone(notifiers)
	d.burstLimits = maps.Clone(burstLimits)
	d.mu.Unlock()
	d.Wake()
	return nil
}

// notifier returns the destination's notifier and burst limit.
func (d *Dispatcher) notifier(dest string) (Notifier, int, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	n, ok := d.notifiers[dest]
	limit := d.burstLimits[dest]
	if limit <= 0 {
		limit = attache.DefaultBurstLimit
	}
	return n, limit, ok
}
