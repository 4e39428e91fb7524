package daemon

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/config"
	"github.com/attache-dev/attache/store"
	"github.com/attache-dev/attache/watcher"
)

// errStateFailed says a poll could not be recorded.
var errStateFailed = errors.New("a poll could not be recorded in the state")

// Once is `attache once`: one poll of every feed, then delivery of
// everything pending. A feed that fails is logged and counted, and is no
// error; a poll that could not be recorded is.
func Once(ctx context.Context, cfg *config.Config, opts Options) error {
	log := opts.Logger
	st, err := OpenStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	d, err := dispatcher(ctx, cfg, st, opts, nil)
	if err != nil {
		return err
	}
	poller := newPoller(cfg, st, opts, nil, nil)
	res := poller.PollAll(ctx, cfg.Feeds, pollConcurrency)
	failed := logOutcomes(log, res)
	stats, err := d.Deliver(ctx)
	if err != nil {
		log.Error("delivery failed", "error", err)
		return err
	}
	total := stats.Total()
	log.Info("cycle done", "feeds", len(res), "failed_feeds", failed,
		"delivered", total.Delivered, "retry_later", total.Retried, "dead", total.Dead)
	for _, r := range res {
		if r.Class == attache.PollStateError {
			return errStateFailed
		}
	}
	return nil
}

// newPoller builds the poller of a configuration over the store.
func newPoller(cfg *config.Config, st store.Store, opts Options, queued func(int), observe func(watcher.PollResult, time.Duration)) *watcher.Poller {
	return watcher.NewPoller(NewFetcher(cfg), st, Ruleset(cfg), watcher.PollerOptions{
		Backfill: cfg.Backfill, HealthNotify: cfg.HealthNotify, Logger: opts.Logger,
		Queued: queued, Observe: observe,
	})
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
