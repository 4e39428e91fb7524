package daemon

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/store/postgres"
	"github.com/attache-dev/attache/watcher"
)

// claimEvery is how often a replica looks for due feeds to claim.
const claimEvery = time.Second

// leasedScheduler polls the feeds of a shared PostgreSQL state: instead of
// a timer per feed, it claims due feeds (a lease each, so that no other
// replica polls them meanwhile), polls each under its lease, renewing it
// while the poll runs, and commits through the lease, which sets when the
// feed is next due by its schedule. Any replica may poll any feed it knows;
// a replica that dies loses its leases at expiry, and the others take its
// feeds over.
type leasedScheduler struct {
	rep       *replica
	poller    *watcher.Poller
	work      context.Context
	d         *daemon
	feeds     map[string]attache.Feed
	schedules map[string]cron.Schedule
	loc       *time.Location

	beat    atomic.Int64
	freed   chan struct{} // a poll ended: its slot may take the next due feed
	stop    chan struct{}
	stopped sync.Once
	running sync.WaitGroup
	polls   sync.WaitGroup
	busy    atomic.Int32
}

// newLeasedScheduler parses every feed's schedule. An adaptive schedule
// learns from each poll in one process's memory, which several replicas
// cannot share yet: it is refused with a clear message.
func newLeasedScheduler(d *daemon, rep *replica, feeds []attache.Feed, def string, loc *time.Location) (*leasedScheduler, error) {
	if loc == nil {
		loc = time.UTC
	}
	s := &leasedScheduler{rep: rep, poller: d.poller, work: d.work, d: d, loc: loc,
		feeds: map[string]attache.Feed{}, schedules: map[string]cron.Schedule{},
		freed: make(chan struct{}, 1), stop: make(chan struct{})}
	for _, f := range feeds {
		spec := f.Schedule
		if spec == "" {
			spec = def
		}
		if spec == attache.ScheduleAdaptive {
			return nil, fmt.Errorf("feed %q: schedule: adaptive is not available with a PostgreSQL state yet (each replica would learn alone): give it a cron schedule such as \"@every 5m\"", f.Name)
		}
		sched, err := cron.ParseStandard(spec)
		if err != nil {
			return nil, fmt.Errorf("feed %q: schedule %q: %w", f.Name, spec, err)
		}
		s.feeds[f.Name], s.schedules[f.Name] = f, sched
	}
	return s, nil
}

// Start begins claiming.
func (s *leasedScheduler) Start() {
	s.beat.Store(time.Now().UnixNano())
	s.running.Go(s.loop)
}

// LastBeat is when the claim loop last ran.
func (s *leasedScheduler) LastBeat() time.Time { return time.Unix(0, s.beat.Load()) }

// Stop stops claiming; the context is done once the polls under way have
// committed or given their leases back.
func (s *leasedScheduler) Stop() context.Context {
	s.stopped.Do(func() { close(s.stop) })
	ctx, done := context.WithCancel(context.Background())
	go func() {
		s.running.Wait()
		s.polls.Wait()
		done()
	}()
	return ctx
}

func (s *leasedScheduler) loop() {
	t := time.NewTicker(claimEvery)
	defer t.Stop()
	for {
		s.beat.Store(time.Now().UnixNano())
		s.claim()
		select {
		case <-s.stop:
			return
		case <-s.work.Done():
			return
		case <-t.C:
		case <-s.freed:
		}
	}
}

// claim leases as many due feeds as there are free poll slots, and polls
// each. It runs every claimEvery and whenever a poll ends, so that a
// backlog of due feeds keeps every slot busy.
func (s *leasedScheduler) claim() {
	free := pollConcurrency - int(s.busy.Load())
	if free <= 0 {
		return
	}
	leases, err := s.rep.store.ClaimFeeds(s.work, s.rep.id, free, s.rep.ttl)
	if err != nil {
		if s.work.Err() == nil {
			s.d.log.Error("cannot claim feeds", "replica", s.rep.id, "error", err)
		}
		return
	}
	for _, l := range leases {
		f, ok := s.feeds[l.Name]
		if !ok {
			// Known to this replica's last SetFeeds but not to this
			// scheduler: a reload under way. Give it back.
			_ = s.rep.store.ReleaseFeeds(s.work, []postgres.Lease{l})
			continue
		}
		s.busy.Add(1)
		s.polls.Go(func() {
			defer func() {
				s.busy.Add(-1)
				select {
				case s.freed <- struct{}{}:
				default: // a claim is due already
				}
			}()
			s.pollLeased(l, f)
		})
	}
}

// next is when a feed is next due after now, by its schedule.
func (s *leasedScheduler) next(feed string) time.Time {
	return s.schedules[feed].Next(time.Now().In(s.loc))
}

// pollLeased polls one feed under its lease, renewing the lease every
// ttl/3 while the poll runs; a lease found lost cancels the poll, whose
// commit would be refused anyway. A poll that ends without a commit (a
// feed in backoff) settles its lease with the feed's next due time; one cut
// short by the stop gives its lease back, so that another replica polls the
// feed at once.
func (s *leasedScheduler) pollLeased(l postgres.Lease, f attache.Feed) {
	ctx, cancel := context.WithCancel(s.work)
	defer cancel()
	fenced := s.rep.store.Fenced(l, func() time.Time { return s.next(f.Name) })
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		t := time.NewTicker(s.rep.ttl / 3)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			held, err := s.rep.store.RenewFeeds(ctx, []postgres.Lease{l}, s.rep.ttl)
			if err == nil && len(held) == 0 {
				s.d.log.Warn("lease on the feed lost during its poll: another replica has it now", "feed", f.Name, "replica", s.rep.id)
				cancel()
				return
			}
			if len(held) == 1 {
				l = held[0]
			}
		}
	}()
	res := s.poller.PollWith(ctx, f, fenced)
	cancel()
	<-renewed
	if fenced.Committed() {
		return
	}
	settle, done := context.WithTimeout(context.WithoutCancel(s.work), 5*time.Second)
	defer done()
	switch {
	case errors.Is(res.Err, postgres.ErrLeaseLost):
		// Said by the poller ("poll not recorded"); the feed is another's.
	case res.Class == attache.PollCancelled || s.work.Err() != nil:
		_ = s.rep.store.ReleaseFeeds(settle, []postgres.Lease{l})
	default:
		st, err := s.rep.store.FeedState(settle, f.Name)
		if err == nil {
			err = s.rep.store.SaveFeedStateLeased(settle, l, st, s.next(f.Name))
		}
		if err != nil && !errors.Is(err, postgres.ErrLeaseLost) {
			s.d.log.Error("cannot settle the feed's lease: it ends on its own", "feed", f.Name, "error", err)
		}
	}
}
