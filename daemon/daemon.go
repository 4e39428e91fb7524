// Package daemon is attaché's lifecycle: it starts the store, the
// dispatcher, the poller and its schedule and the HTTP service from a
// configuration, reloads the configuration on request, and stops in order:
// scheduling first, then the polls under way, then the sends, then the
// store. `attache once` is the same parts for one cycle.
package daemon

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/config"
	"github.com/attache-dev/attache/notify"
	"github.com/attache-dev/attache/notify/slack/interact"
	"github.com/attache-dev/attache/source/websub"
	"github.com/attache-dev/attache/store"
	"github.com/attache-dev/attache/watcher"
)

// pollConcurrency bounds how many feeds are fetched at once.
const pollConcurrency = 8

// daemon is `attache run` while it runs: the current configuration, the
// scheduler built from it, and what a reload swaps.
type daemon struct {
	opts       Options
	log        *slog.Logger
	store      store.Store
	work       context.Context // polls and sends; outlives the stop signal by the shutdown timeout
	poller     *watcher.Poller
	dispatcher *notify.Dispatcher
	polls      sync.WaitGroup // polls started outside the scheduler
	onReload   func(ok bool)  // for metrics; may be nil
	health     stateHealth
	summary    cycleSummary

	// replica is set when the state is shared (PostgreSQL): feeds are
	// then polled under leases, and alerts sent under destination leases.
	replica *replica
	// websub is set when hubs push feeds' updates (the websub section).
	websub *websub.Subscriber
	// apps answer Slack's controls and /attache (Socket Mode).
	stories  *watcher.Stories
	apps     []*interact.App
	appNames []string // the destination of each app

	mu    sync.Mutex // guards cfg and sched
	cfg   *config.Config
	sched scheduler
}

// scheduler starts the polls: a timer per feed (watcher.Scheduler), or
// claims of due feeds among replicas (leasedScheduler).
type scheduler interface {
	Start()
	Stop() context.Context
	LastBeat() time.Time
}

// schedule builds and starts the scheduler of the current configuration,
// stopping the previous one (its running polls finish on their own).
func (d *daemon) schedule(cfg *config.Config) error {
	var sched scheduler
	var err error
	if d.replica != nil {
		if err = d.replica.setFeeds(d.work, cfg); err == nil {
			sched, err = newLeasedScheduler(d, d.replica, cfg.Feeds, cfg.Schedule, cfg.Timezone)
		}
	} else {
		sched, err = watcher.NewScheduler(d.work, d.poller, cfg.Feeds,
			watcher.ScheduleOptions{Default: cfg.Schedule, Location: cfg.Timezone, Logger: d.log, Learned: d.store, PushUntil: d.pushUntil()})
	}
	if err != nil {
		return err
	}
	d.mu.Lock()
	old := d.sched
	d.sched = sched
	d.mu.Unlock()
	sched.Start()
	if old != nil {
		old.Stop()
	}
	return nil
}

// pollNow polls feeds at once, outside their schedule: at start, and for
// feeds a reload added.
func (d *daemon) pollNow(feeds []attache.Feed) {
	if len(feeds) == 0 {
		return
	}
	d.polls.Go(func() { d.poller.PollAll(d.work, feeds, pollConcurrency) })
}

// reload reads the configuration file again. A valid one takes effect for
// the polls and sends that start from now on: rules, feeds, schedules,
// destinations. An invalid one is rejected with its errors logged, and the
// running configuration goes on.
func (d *daemon) reload() {
	cfg, err := config.Load(d.opts.ConfigPath, d.opts.Getenv)
	if err == nil {
		err = d.apply(cfg)
	}
	if err != nil {
		var errs *config.Errors
		if errors.As(err, &errs) {
			for _, x := range errs.List {
				d.log.Error("configuration rejected", "problem", x.Error())
			}
		}
		d.log.Error("reload failed: the running configuration goes on", "config", d.opts.ConfigPath, "error", err)
		if d.onReload != nil {
			d.onReload(false)
		}
		return
	}
	if d.onReload != nil {
		d.onReload(true)
	}
}

// apply switches to a new, valid configuration.
func (d *daemon) apply(cfg *config.Config) error {
	ns, err := Notifiers(cfg, d.opts.Stdout)
	if err != nil {
		return err
	}
	old := d.config()
	if cfg.State != old.State {
		d.log.Warn("the state changed: it takes effect at the next restart", "running", config.StateLabel(old.State), "new", config.StateLabel(cfg.State))
		cfg.State = old.State
	}
	if err := d.dispatcher.SetNotifiers(ns, burstLimits(cfg)); err != nil {
		return err
	}
	if d.replica != nil {
		d.replica.queue.SetDestinations(destinationNames(cfg))
	}
	d.poller.Reconfigure(NewFetcher(cfg), Ruleset(cfg), cfg.Backfill, cfg.HealthNotify)
	d.stories.Configure(cfg.Lists, cfg.ByItem())
	if err := d.schedule(cfg); err != nil {
		return err
	}
	d.mu.Lock()
	d.cfg = cfg
	d.mu.Unlock()

	added, removed := diffFeeds(old, cfg)
	d.log.Info("configuration reloaded", "feeds", len(cfg.Feeds), "rules", len(cfg.Rules),
		"destinations", len(cfg.Destinations), "feeds_added", added, "feeds_removed", removed)
	var fresh []attache.Feed
	for _, f := range cfg.Feeds {
		if slices.Contains(added, f.Name) {
			fresh = append(fresh, f)
		}
	}
	if d.replica == nil {
		d.pollNow(fresh) // a new feed starts with its baseline now, not at its first turn
	}
	return nil
}

// pushUntil is the subscriber's PushUntil, or nil without WebSub.
func (d *daemon) pushUntil() func(string, time.Time) time.Time {
	if d.websub == nil {
		return nil
	}
	return d.websub.PushUntil
}

// adaptive says where the adaptive schedules stand; none with replicas,
// which refuse them.
func (d *daemon) adaptive() []watcher.AdaptiveStatus {
	d.mu.Lock()
	sched := d.sched
	d.mu.Unlock()
	if s, ok := sched.(*watcher.Scheduler); ok {
		return s.Adaptive()
	}
	return nil
}

// config returns the running configuration.
func (d *daemon) config() *config.Config {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.cfg
}

// stop stops scheduling and waits, up to timeout, for the polls under way;
// it reports whether they all finished.
func (d *daemon) stop(timeout time.Duration) bool {
	d.mu.Lock()
	sched := d.sched
	d.mu.Unlock()
	done := make(chan struct{})
	go func() {
		if sched != nil {
			<-sched.Stop().Done()
		}
		d.polls.Wait()
		close(done)
	}()
	select {
	case <-done:
		return true
	case <-time.After(timeout):
		return false
	}
}

func diffFeeds(old, cur *config.Config) (added, removed []string) {
	for _, f := range cur.Feeds {
		if old.FeedByName(f.Name) == nil {
			added = append(added, f.Name)
		}
	}
	for _, f := range old.Feeds {
		if cur.FeedByName(f.Name) == nil {
			removed = append(removed, f.Name)
		}
	}
	return added, removed
}
