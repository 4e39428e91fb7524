package daemon

import (
	"context"
	"sync"
	"time"

	"github.com/attache-dev/attache/config"
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
	reg, m := d.instrument()
	disp, err := dispatcher(work, cfg, st, opts, observeDelivery(m))
	if err != nil {
		return err
	}
	d.dispatcher = disp
	d.poller = newPoller(cfg, st, opts, func(int) { disp.Wake() }, observePoll(m))
	if err := d.schedule(cfg); err != nil {
		log.Error("cannot schedule the feeds", "error", err)
		return configErr(err)
	}
	if opts.Listen != "" {
		srv, err := d.serve(opts.Listen, reg)
		if err != nil {
			log.Error("cannot serve", "error", err)
			d.stop()
			return err
		}
		defer func() {
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			srv.Shutdown(sctx)
		}()
	}

	var wg sync.WaitGroup
	wg.Go(func() { disp.Run(work) })
	wg.Go(func() { prune(work, d, ctx.Done()) })
	log.Info("attache started", "config", cfg.Path, "state", cfg.State, "feeds", len(cfg.Feeds),
		"rules", len(cfg.Rules), "destinations", len(cfg.Destinations))
	// A first poll right away rather than at the first scheduled time.
	d.pollNow(cfg.Feeds)

	for running := true; running; {
		select {
		case <-ctx.Done():
			running = false
		case <-opts.Reload:
			log.Info("SIGHUP: reloading the configuration", "config", opts.ConfigPath)
			d.reload()
		}
	}
	log.Info("stopping: waiting for the polls and the send in flight", "timeout", opts.ShutdownTimeout)
	if !d.stop() {
		log.Warn("polls still running at the shutdown timeout were cut short; they run again after the restart")
	}
	cancelWork()
	wg.Wait()
	log.Info("stopped")
	return nil
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
