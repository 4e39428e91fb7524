package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/config"
	"github.com/attache-dev/attache/notify"
	"github.com/attache-dev/attache/store"
	"github.com/attache-dev/attache/story"
	"github.com/attache-dev/attache/watcher"
)

// Errors of Once, each logged before it is returned; any of them is exit 1.
var (
	// errStateFailed says a poll could not be recorded.
	errStateFailed = errors.New("a poll could not be recorded in the state")
	// errFeedsFailed says some feeds could not be polled: a cron job must
	// notice a source that went away.
	errFeedsFailed = errors.New("some feeds could not be polled")
	// errUndelivered says alerts are left in the queue, or went dead.
	errUndelivered = errors.New("not every alert was delivered")
)

// DefaultWait is how long `attache once` waits through transient delivery
// failures when Options.Wait is zero.
const DefaultWait = 2 * time.Minute

// waitStep is how often Once looks at the queue again while alerts wait
// for a retry.
const waitStep = 500 * time.Millisecond

// Once is `attache once`: one poll of every feed, then delivery of
// everything pending, waiting through transient failures (a 500, a 429's
// Retry-After) for up to Options.Wait. It fails when a feed failed, when a
// poll could not be recorded, or when alerts are left or went dead; what is
// left is logged, destination by destination.
func Once(ctx context.Context, cfg *config.Config, opts Options) error {
	log := opts.Logger
	if opts.Wait <= 0 {
		opts.Wait = DefaultWait
	}
	if config.IsPostgres(cfg.State) {
		// One cycle outside the leases would poll feeds and send alerts
		// that running replicas hold.
		err := fmt.Errorf("%w: attache once polls and sends alone, which a shared PostgreSQL state does not allow: run replicas with attache run (state %s)", ErrConfig, config.StateLabel(cfg.State))
		log.Error(err.Error())
		return err
	}
	st, err := OpenStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	d, err := dispatcher(ctx, cfg, st, st.ActiveMutes, opts, nil, nil)
	if err != nil {
		return err
	}
	stories, err := newStories(ctx, cfg, st)
	if err != nil {
		log.Error("cannot set up the story stage", "error", err)
		return err
	}
	poller := newPoller(cfg, st, stories, opts, nil, nil)
	res := poller.PollAll(ctx, cfg.Feeds, pollConcurrency)
	failed := logOutcomes(log, res)
	total, left, err := deliverAll(ctx, d, st, cfg, time.Now().Add(opts.Wait))
	if err != nil {
		log.Error("delivery failed", "error", err)
		return err
	}
	log.Info("cycle done", "feeds", len(res), "failed_feeds", failed,
		"delivered", total.Delivered, "retried", total.Retried, "dead", total.Dead, "left", left.total())
	for _, r := range res {
		if r.Class == attache.PollStateError {
			return errStateFailed
		}
	}
	for _, q := range left {
		log.Error("alerts left in the queue", "destination", q.Destination, "queued", q.Queued+q.InFlight,
			"oldest", q.OldestQueued.Format(time.RFC3339), "hint", "attache once or attache run sends them later; attache alerts list --status queued shows them")
	}
	switch {
	case total.Dead > 0 || len(left) > 0:
		return errUndelivered
	case failed > 0:
		return errFeedsFailed
	}
	return nil
}

// leftover is what is still queued, destination by destination.
type leftover []store.QueueStat

func (l leftover) total() int {
	n := 0
	for _, q := range l {
		n += q.Queued + q.InFlight
	}
	return n
}

// deliverAll sends what is due until nothing is queued for a configured
// destination or the deadline passes, and returns what it did and what is
// left. Alerts for a destination that is no longer configured are left at
// once: no wait sends them.
func deliverAll(ctx context.Context, d *notify.Dispatcher, st store.Store, cfg *config.Config, deadline time.Time) (notify.Counts, leftover, error) {
	var total notify.Counts
	for {
		stats, err := d.Deliver(ctx)
		t := stats.Total()
		total.Delivered += t.Delivered
		total.Retried += t.Retried
		total.Dead += t.Dead
		if err != nil {
			return total, nil, err
		}
		qs, err := st.QueueStats(ctx)
		if err != nil {
			return total, nil, err
		}
		var left leftover
		waiting := false
		for _, q := range qs {
			if q.Queued+q.InFlight == 0 {
				continue
			}
			left = append(left, q)
			if _, ok := cfg.Destinations[q.Destination]; ok {
				waiting = true
			}
		}
		if !waiting || !time.Now().Add(waitStep).Before(deadline) {
			return total, left, nil
		}
		select {
		case <-ctx.Done():
			return total, left, nil
		case <-time.After(waitStep):
		}
	}
}

// newPoller builds the poller of a configuration over the store.
func newPoller(cfg *config.Config, st store.Store, stories *watcher.Stories, opts Options, queued func(int), observe func(watcher.PollResult, time.Duration)) *watcher.Poller {
	return watcher.NewPoller(NewFetcher(cfg), st, Ruleset(cfg), watcher.PollerOptions{
		Backfill: cfg.Backfill, HealthNotify: cfg.HealthNotify, Logger: opts.Logger,
		Queued: queued, Observe: observe, Stories: stories,
	})
}

// storyWindow is how long a story stays open to later reports.
const storyWindow = 48 * time.Hour

// newStories makes the story stage with the stories of the last window
// that the state kept, so that a restart goes on with them.
func newStories(ctx context.Context, cfg *config.Config, st store.Store) (*watcher.Stories, error) {
	kept, err := st.Stories(ctx, time.Now().Add(-2*storyWindow))
	if err != nil {
		return nil, fmt.Errorf("read the open stories: %w", err)
	}
	s, err := watcher.NewStories(story.Config{Window: storyWindow}, cfg.Lists, cfg.ByItem(), kept)
	if err != nil {
		return nil, fmt.Errorf("read the open stories: %w", err)
	}
	return s, nil
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
