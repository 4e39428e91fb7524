package watcher

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/attache-dev/attache"

	"github.com/robfig/cron/v3"
	"golang.org/x/sync/errgroup"
)

// PollAll polls feeds at most limit at a time and returns what each poll did,
// in the order of feeds. Each feed fails alone.
func (p *Poller) PollAll(ctx context.Context, feeds []attache.Feed, limit int) []PollResult {
	out := make([]PollResult, len(feeds))
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(max(limit, 1))
	for i, f := range feeds {
		g.Go(func() error {
			out[i] = p.Poll(ctx, f)
			return nil // a feed's failure is its own, never the group's
		})
	}
	_ = g.Wait()
	return out
}

// Scheduler polls each feed on its own cron schedule.
type Scheduler struct {
	cron *cron.Cron
	beat atomic.Int64 // unix nanoseconds of the scheduler's last heartbeat

	// The feeds on an adaptive schedule each have a loop of their own:
	// poll, learn, decide when next.
	loops   []*adaptiveLoop
	stop    chan struct{}
	running sync.WaitGroup
}

// heartbeatEvery is how often the scheduler proves it is alive.
const heartbeatEvery = "@every 15s"

// ScheduleOptions configure a Scheduler.
type ScheduleOptions struct {
	Default  string         // spec for feeds without their own
	Location *time.Location // for cron specs; UTC when nil
	Logger   *slog.Logger
	// Learned keeps what adaptive schedules learn across restarts; nil
	// keeps it in memory only.
	Learned ScheduleStore
	// PushUntil says until when a hub pushes a feed's updates (WebSub):
	// meanwhile its adaptive schedule polls only at max_interval, as a
	// fallback. Nil: no feed is pushed.
	PushUntil func(feed string, now time.Time) time.Time
}

// NewScheduler schedules a poll of every feed. A poll that is still running
// when its next turn comes is skipped, and a panic in one is logged and
// recovered, so that one feed can never stop the others.
func NewScheduler(ctx context.Context, p *Poller, feeds []attache.Feed, opts ScheduleOptions) (*Scheduler, error) {
	loc := opts.Location
	if loc == nil {
		loc = time.UTC
	}
	log := cronLogger{opts.Logger}
	c := cron.New(cron.WithLocation(loc), cron.WithLogger(log),
		cron.WithChain(cron.Recover(log), cron.SkipIfStillRunning(log)))
	s := &Scheduler{cron: c, stop: make(chan struct{})}
	for _, f := range feeds {
		spec := f.Schedule
		if spec == "" {
			spec = opts.Default
		}
		if spec == attache.ScheduleAdaptive {
			l, err := newAdaptiveLoop(ctx, p, f, opts.Logger, opts.Learned)
			if err != nil {
				return nil, fmt.Errorf("feed %q: adaptive schedule: %w", f.Name, err)
			}
			l.pushUntil = opts.PushUntil
			s.loops = append(s.loops, l)
			continue
		}
		if _, err := c.AddFunc(spec, func() { p.Poll(ctx, f) }); err != nil {
			return nil, fmt.Errorf("feed %q: schedule %q: %w", f.Name, spec, err)
		}
	}
	if _, err := c.AddFunc(heartbeatEvery, func() { s.beat.Store(time.Now().UnixNano()) }); err != nil {
		return nil, err
	}
	return s, nil
}

// Start begins polling on schedule.
func (s *Scheduler) Start() {
	s.beat.Store(time.Now().UnixNano())
	s.cron.Start()
	for _, l := range s.loops {
		s.running.Go(func() { l.run(s.stop) })
	}
}

// Adaptive says where each adaptive feed's schedule stands, in the
// configuration's order.
func (s *Scheduler) Adaptive() []AdaptiveStatus {
	out := make([]AdaptiveStatus, len(s.loops))
	for i, l := range s.loops {
		out[i] = l.status()
	}
	return out
}

// LastBeat is when the scheduler last ran its heartbeat job: a scheduler
// whose beat is old has stalled, and so have the polls it should start.
func (s *Scheduler) LastBeat() time.Time { return time.Unix(0, s.beat.Load()) }

// Stop stops scheduling; the returned context is done when the polls that
// were running have finished.
func (s *Scheduler) Stop() context.Context {
	cronDone := s.cron.Stop()
	close(s.stop)
	ctx, done := context.WithCancel(context.Background())
	go func() {
		<-cronDone.Done()
		s.running.Wait()
		done()
	}()
	return ctx
}

// cronLogger hands cron's log lines to slog: its routine scheduling chatter
// at debug, its errors (a recovered panic) at error.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) {
	if l.log != nil {
		l.log.Debug("cron: "+msg, kv...)
	}
}

func (l cronLogger) Error(err error, msg string, kv ...any) {
	if l.log != nil {
		l.log.Error("cron: "+msg, append(kv, keyErr, err)...)
	}
}
