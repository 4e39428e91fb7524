package main

import (
	"context"
	"fmt"

	"github.com/attache-dev/attache"

	"github.com/attache-dev/attache/watcher"
)

var onceCommand = &command{
	name:    "once",
	summary: "poll every feed once, deliver everything pending, and exit (for cron jobs and CI)",
	run:     runOnce,
}

func runOnce(ctx context.Context, e *env, args []string) int {
	if len(args) > 0 {
		fmt.Fprintf(e.stderr, "attache once: unexpected argument %q\n", args[0])
		return exitUsage
	}
	s, code := open(ctx, e)
	if code != exitOK {
		return code
	}
	defer s.store.Close()
	d, code := s.dispatcher(ctx, e, nil)
	if code != exitOK {
		return code
	}
	poller := watcher.NewPoller(newFetcher(s.cfg), s.store, ruleset(s.cfg),
		watcher.PollerOptions{Backfill: s.cfg.Backfill, HealthNotify: s.cfg.HealthNotify, Logger: s.log})
	res := poller.PollAll(ctx, s.cfg.Feeds, pollConcurrency)
	failed := logOutcomes(s.log, res)
	stats, err := d.Deliver(ctx)
	if err != nil {
		s.log.Error("delivery failed", "error", err)
		return exitFailure
	}
	total := stats.Total()
	s.log.Info("cycle done", "feeds", len(res), "failed_feeds", failed,
		"delivered", total.Delivered, "retry_later", total.Retried, "dead", total.Dead)
	for _, r := range res {
		if r.Class == attache.PollStateError {
			return exitFailure
		}
	}
	return exitOK
}
