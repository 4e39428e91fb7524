package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/attache-dev/attache/watcher"
)

// pollConcurrency bounds how many feeds are fetched at once.
const pollConcurrency = 8

// pruneEvery is how often records older than the retention are deleted.
const pruneEvery = 6 * time.Hour

var (
	shutdownTimeout = 10 * time.Second
	listenAddr      string
)

var runCommand = &command{
	name:    "run",
	summary: "run the daemon: poll every feed on its schedule, match, deliver, until SIGINT or SIGTERM",
	flags: func(fs *flag.FlagSet) {
		fs.DurationVar(&shutdownTimeout, "shutdown-timeout", shutdownTimeout, "how long the poll and the send in flight may take to finish on shutdown")
		fs.StringVar(&listenAddr, "listen", listenAddr, "serve /metrics, /healthz, /readyz and a status page on this `address` (e.g. 127.0.0.1:9464); off by default")
	},
	run: runDaemon,
}

func runDaemon(ctx context.Context, e *env, args []string) int {
	if len(args) > 0 {
		fmt.Fprintf(e.stderr, "attache run: unexpected argument %q\n", args[0])
		return exitUsage
	}
	// Listen for SIGHUP before anything else, so that a reload sent while
	// starting is not the default "terminate".
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)

	s, code := open(ctx, e)
	if code != exitOK {
		return code
	}
	defer s.store.Close()
	// Polls and sends outlive the signal by up to the shutdown timeout, so
	// that what is in flight finishes instead of failing half-way.
	work, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	d := &daemon{setup: s, e: e, work: work}
	reg, m := d.instrument()
	disp, code := s.dispatcher(work, e, observeDelivery(m))
	if code != exitOK {
		return code
	}
	d.dispatcher = disp
	d.poller = watcher.NewPoller(newFetcher(s.cfg), s.store, ruleset(s.cfg), watcher.PollerOptions{
		Backfill: s.cfg.Backfill, HealthNotify: s.cfg.HealthNotify, Logger: s.log,
		Queued: func(int) { disp.Wake() }, Observe: observePoll(m),
	})
	if err := d.schedule(s.cfg); err != nil {
		s.log.Error("cannot schedule the feeds", "error", err)
		return exitUsage
	}
	if listenAddr != "" {
		srv, err := d.serve(listenAddr, reg)
		if err != nil {
			s.log.Error("cannot serve", "error", err)
			d.stop()
			return exitFailure
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
	s.log.Info("attache started", "config", s.cfg.Path, "state", s.cfg.State, "feeds", len(s.cfg.Feeds),
		"rules", len(s.cfg.Rules), "destinations", len(s.cfg.Destinations))
	// A first poll right away rather than at the first scheduled time.
	d.pollNow(s.cfg.Feeds)

	for running := true; running; {
		select {
		case <-ctx.Done():
			running = false
		case <-hup:
			s.log.Info("SIGHUP: reloading the configuration", "config", e.global.config)
			d.reload()
		}
	}
	s.log.Info("stopping: waiting for the polls and the send in flight", "timeout", shutdownTimeout)
	if !d.stop() {
		s.log.Warn("polls still running at the shutdown timeout were cut short; they run again after the restart")
	}
	cancelWork()
	wg.Wait()
	s.log.Info("stopped")
	return exitOK
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

// logOutcomes summarises a cycle: one line per feed at info, failures at warn.
func logOutcomes(log *slog.Logger, res []watcher.PollResult) (failed int) {
	for _, r := range res {
		if r.Err != nil {
			failed++
			continue // the poller logged it
		}
		log.Info("polled", "feed", r.Feed, "result", r.Class, "items", r.Items, "new", r.New, "queued", r.Queued)
	}
	return failed
}
