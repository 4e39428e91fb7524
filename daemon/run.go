package daemon

import (
	"context"
	"sync"
	"time"

	"github.com/attache-dev/attache/config"
	"github.com/attache-dev/attache/notify"
	"github.com/attache-dev/attache/store/postgres"
	"github.com/attache-dev/attache/watcher"
)

// pruneEvery is how often records older than the retention are deleted.
const pruneEvery = 6 * time.Hour

// DefaultShutdownTimeout is how long the polls and sends in flight may take
// to finish on shutdown when Options.ShutdownTimeout is zero.
const DefaultShutdownTimeout = 10 * time.Second

// Run is `attache run`: it polls every feed of cfg on its schedule,
// matches, delivers, and reloads the configuration on each Options.Reload,
// until ctx is done. Then it stops scheduling and gives the polls and sends
// in flight up to the shutdown timeout to finish. It logs what went wrong
// and returns an error wrapping ErrConfig when the configuration cannot be
// used.
func Run(ctx context.Context, cfg *config.Config, opts Options) error {
	if opts.ShutdownTimeout <= 0 {
		opts.ShutdownTimeout = DefaultShutdownTimeout
	}
	log := opts.Logger
	st, err := OpenStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	// Polls and sends outlive the signal by up to the shutdown timeout, so
	// that what is in flight finishes instead of failing half-way.
	work, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	d := &daemon{opts: opts, log: log, store: st, work: work, cfg: cfg}
	var queue notify.Queue = st
	if pg, ok := st.(*postgres.Store); ok {
		// A shared state: this process is one replica among others.
		if d.replica, err = newReplica(pg, cfg.LeaseTTL); err != nil {
			return err
		}
		d.replica.queue = pg.Dispatch(d.replica.id, destinationNames(cfg), cfg.LeaseTTL)
		queue = d.replica.queue
	}
	reg, m := d.instrument()
	disp, err := dispatcher(work, cfg, queue, st.ActiveMutes, opts, observeDelivery(m), observeAlerted(m))
	if err != nil {
		return err
	}
	d.dispatcher = disp
	observe := observePoll(m)
	if d.stories, err = newStories(ctx, cfg, st); err != nil {
		log.Error("cannot set up the story stage", "error", err)
		return err
	}
	d.poller = newPoller(cfg, st, d.stories, opts, func(int) { disp.Wake() }, func(r watcher.PollResult, took time.Duration) {
		observe(r, took)
		d.observeState(r)
		d.summary.add(r)
	})
	d.checkStateAtStart(ctx)
	if err := d.setUpWebSub(cfg); err != nil {
		log.Error("cannot set up WebSub", "error", err)
		return err
	}
	if d.apps, d.appNames, err = d.slackApps(cfg); err != nil {
		log.Error("cannot set up the Slack app", "error", err)
		return err
	}
	if err := d.schedule(cfg); err != nil {
		log.Error("cannot schedule the feeds", "error", err)
		return configErr(err)
	}
	if opts.Listen != "" {
		srv, err := d.serve(opts.Listen, reg)
		if err != nil {
			log.Error("cannot serve", "error", err)
			d.stop(opts.ShutdownTimeout)
			return err
		}
		defer func() {
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			srv.Shutdown(sctx)
		}()
	}

	var wg sync.WaitGroup
	if d.replica != nil {
		wg.Go(func() { d.replica.heartbeat(work, d, ctx.Done()) })
	}
	dispatched := make(chan struct{})
	go func() { defer close(dispatched); disp.Run(work) }()
	wg.Go(func() { prune(work, d, ctx.Done()) })
	wg.Go(func() { d.watchStateFile(ctx.Done()) })
	wg.Go(func() { d.logSummaries(ctx.Done(), disp) })
	if d.websub != nil {
		wg.Go(func() { d.runWebSub(work, ctx.Done()) })
	}
	// The apps stop with the signal: their work under way is bounded and
	// finishes before Run returns.
	appsCtx, stopApps := context.WithCancel(work)
	defer stopApps()
	for _, app := range d.apps {
		wg.Go(func() {
			go func() {
				<-ctx.Done()
				stopApps()
			}()
			app.Run(appsCtx)
		})
	}
	d.logStillFailing(ctx)
	log.Info("attache started", "config", cfg.Path, "state", config.StateLabel(cfg.State), "feeds", len(cfg.Feeds),
		"rules", len(cfg.Rules), "destinations", len(cfg.Destinations))
	if d.replica == nil {
		// A first poll right away rather than at the first scheduled time;
		// replicas claim the feeds due, new ones at once.
		d.pollNow(cfg.Feeds)
	} else {
		log.Info("replica of a shared state: feeds and destinations are leased", "replica", d.replica.id, "lease_ttl", d.replica.ttl)
	}

	for running := true; running; {
		select {
		case <-ctx.Done():
			running = false
		case <-opts.Reload:
			log.Info("SIGHUP: reloading the configuration", "config", opts.ConfigPath)
			d.reload()
		}
	}
	d.shutdown(disp, dispatched, opts.ShutdownTimeout)
	cancelWork()
	<-dispatched
	wg.Wait()
	if d.replica != nil {
		d.replica.leave(d)
	}
	log.Info("stopped")
	return nil
}

// shutdown stops in order, within timeout in all: no new poll is scheduled,
// the polls under way finish (their alerts are queued), then the dispatcher
// starts no new send and the sends under way finish and are recorded. A
// send cut short could not be known to have arrived, and the restart would
// send it again; so sends are cut only when the timeout is over. The store
// is closed after, by the caller.
func (d *daemon) shutdown(disp *notify.Dispatcher, dispatched <-chan struct{}, timeout time.Duration) {
	deadline := time.Now().Add(timeout)
	d.log.Info("stopping: waiting for the polls and the sends in flight", "timeout", timeout)
	if !d.stop(timeout) {
		d.log.Warn("polls still running at the shutdown timeout were cut short; they run again after the restart")
	}
	disp.Drain()
	select {
	case <-dispatched:
	case <-time.After(time.Until(deadline)):
		d.log.Warn("sends still in flight at the shutdown timeout were cut short; each is looked for at its destination before it is sent again, where the destination allows it")
	}
}

// prune deletes records older than the retention now and every pruneEvery,
// until stop.
func prune(ctx context.Context, d *daemon, stop <-chan struct{}) {
	t := time.NewTicker(pruneEvery)
	defer t.Stop()
	for {
		retention := d.config().Retention
		res, err := d.store.Prune(ctx, time.Now().Add(-retention))
		if err != nil {
			d.log.Error("pruning old records failed", "error", err)
		} else if res.Items+res.Alerts > 0 {
			d.log.Info("pruned records older than the retention", "items", res.Items, "alerts", res.Alerts, "retention", retention)
		}
		select {
		case <-stop:
			return
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
