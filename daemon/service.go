package daemon

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/config"
	"github.com/attache-dev/attache/metrics"
	"github.com/attache-dev/attache/metrics/tta"
	"github.com/attache-dev/attache/notify"
	"github.com/attache-dev/attache/watcher"
	"github.com/attache-dev/attache/web"
)

// stallAfter is how old the scheduler's heartbeat may be before /readyz
// says the daemon has stalled.
const stallAfter = 2 * time.Minute

// instrument gives the daemon its metrics: a registry that the daemon owns, the
// poller's and dispatcher's outcomes, the queue read at scrape time.
func (d *daemon) instrument() (*prometheus.Registry, *metrics.Metrics) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := metrics.New(reg, metrics.BuildInfo{Version: d.opts.Version, Commit: d.opts.Commit, GoVersion: runtime.Version()})
	m.WatchQueue(func(ctx context.Context) ([]metrics.QueueStat, error) {
		stats, err := d.store.QueueStats(ctx)
		out := make([]metrics.QueueStat, len(stats))
		for i, s := range stats {
			out[i] = metrics.QueueStat{Destination: s.Destination, Queued: s.Queued, OldestQueued: s.OldestQueued}
		}
		return out, err
	}, nil)
	m.WatchFeedback(d.store.RuleFeedback, nil)
	m.WatchPolling(func() []metrics.PollingStat {
		var out []metrics.PollingStat
		for _, a := range d.adaptive() {
			out = append(out, metrics.PollingStat{Feed: a.Feed, SpentToday: a.SpentToday, SpentYesterday: a.SpentYesterday, Budget: a.Budget, Next: a.Next})
		}
		return out
	})
	if d.replica != nil {
		m.WatchReplicas(d.replica.list, func() string { return configHash(d.config()) })
	}
	initMetrics(m, d.cfg)
	if states, err := d.store.FeedStates(d.work); err == nil {
		for _, st := range states {
			if !st.LastSuccess.IsZero() {
				m.SetLastSuccess(st.Feed, st.LastSuccess)
			}
		}
	}
	m.Reload(true, time.Now()) // the configuration loaded at start counts as one
	d.onReload = func(ok bool) {
		m.Reload(ok, time.Now())
		if ok {
			initMetrics(m, d.config())
		}
	}
	return reg, m
}

// initMetrics makes a zero series for every configured name, so dashboards
// see zeros rather than nothing, and drops those of names now gone.
func initMetrics(m *metrics.Metrics, cfg *config.Config) {
	var feeds, rules, dests []string
	for _, f := range cfg.Feeds {
		feeds = append(feeds, f.Name)
	}
	for _, r := range cfg.Rules {
		rules = append(rules, r.Name)
	}
	rules = append(rules, watcher.HealthRule)
	for name := range cfg.Destinations {
		dests = append(dests, name)
	}
	m.Init(feeds, rules, dests)
}

// observePoll feeds a poll's outcome to the metrics.
func observePoll(m *metrics.Metrics) func(watcher.PollResult, time.Duration) {
	return func(r watcher.PollResult, took time.Duration) {
		m.PollDone(r.Feed, r.Class, took, r.New, r.Success, time.Now())
		for rule, n := range r.Matches {
			m.Matched(rule, n)
		}
		for dest, n := range r.QueuedTo {
			m.Queued(dest, n)
		}
		if r.Alerted > 0 {
			m.Committed(r.Feed, r.Alerted, r.Committed)
		}
	}
}

// observeAlerted feeds every delivered alert's time to alert to the
// metrics. The alert's queue time is its poll's start, the item's first
// sight; feed-health alerts are not news and are left out.
func observeAlerted(m *metrics.Metrics) func(attache.Alert, time.Time) {
	return func(a attache.Alert, at time.Time) {
		if len(a.Matches) == 0 || a.Matches[0].Rule == watcher.HealthRule {
			return
		}
		m.Alerted(a.Item.Feed, timeline(a, at))
	}
}

// timeline is an alert's times: an undated item counts as published when
// first seen.
func timeline(a attache.Alert, delivered time.Time) tta.Timeline {
	t := tta.Timeline{FirstSeen: a.Queued, Queued: a.Queued, Delivered: delivered}
	if !a.Item.DateMissing {
		t.Published = a.Item.Published
	}
	return t
}

// observeDelivery feeds the dispatcher's outcomes to the metrics.
func observeDelivery(m *metrics.Metrics) func(string, notify.Counts) {
	return func(dest string, c notify.Counts) {
		m.Delivery(dest, c.Delivered, c.Retried, c.Dead)
		m.Muted(dest, c.Muted)
	}
}

// serve starts the HTTP listener of --listen: /metrics, /healthz, /readyz
// and the status page. It returns once listening, so that a port in use is
// an error at start, not a log line later.
func (d *daemon) serve(addr string, reg *prometheus.Registry) (*http.Server, error) {
	opts := web.Options{
		Logger: d.log, Registry: reg, Location: d.config().Timezone,
		Ready: func(ctx context.Context) error { return d.ready() },
		Feeds: func() []string {
			var names []string
			for _, f := range d.config().Feeds {
				names = append(names, f.Name)
			}
			return names
		},
		Rules: func() []string {
			var names []string
			for _, r := range d.config().Rules {
				names = append(names, r.Name)
			}
			return names
		},
	}
	opts.TimeToAlert = d.timesToAlert
	opts.Stories = d.recentStories
	opts.RuleFeedback = d.store.RuleFeedback
	opts.Degraded = d.degraded
	opts.Polling = func() []web.Polling {
		var out []web.Polling
		for _, a := range d.adaptive() {
			out = append(out, web.Polling{Feed: a.Feed, Next: a.Next, Reason: a.Reason,
				SpentToday: a.SpentToday, SpentYesterday: a.SpentYesterday, Budget: a.Budget})
		}
		return out
	}
	if d.replica != nil {
		opts.Replicas = d.replica.list
		opts.OwnReplica = func() string { return d.replica.id }
		opts.OwnConfigHash = func() string { return configHash(d.config()) }
	}
	var h http.Handler = web.New(d.store, opts)
	if d.websub != nil {
		// Hubs reach the subscriber at the callback URL's path and below.
		mux := http.NewServeMux()
		mux.Handle(callbackPath(d.config())+"/", d.websub)
		mux.Handle("/", h)
		h = mux
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--listen %s: %w", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: time.Minute}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			d.log.Error("the HTTP listener stopped", "error", err)
		}
	}()
	d.log.Info("serving /metrics, /healthz, /readyz and the status page", "listen", ln.Addr().String())
	return srv, nil
}

// degraded lists what works only in part: a Slack app whose Socket Mode
// connection is not up (alerts still go out; clicks and /attache wait).
func (d *daemon) degraded() []string {
	var out []string
	for i, app := range d.apps {
		st := app.Status()
		if st.Ready() || st.State == "" {
			continue
		}
		line := fmt.Sprintf("Slack app of %s %s since %s", d.appNames[i], st.State, st.Since.UTC().Format(time.RFC3339))
		if st.LastError != "" {
			line += ": " + st.LastError
		}
		out = append(out, line)
	}
	return out
}

// ready is the daemon's own part of /readyz (the web package checks the
// store): a configuration is loaded, the scheduler has not stalled, and
// the state is healthy.
func (d *daemon) ready() error {
	if err := d.health.err(); err != nil {
		return err
	}
	d.mu.Lock()
	cfg, sched := d.cfg, d.sched
	d.mu.Unlock()
	if cfg == nil || sched == nil {
		return errors.New("starting")
	}
	if age := time.Since(sched.LastBeat()); age > stallAfter {
		return fmt.Errorf("the scheduler has not run for %v", age.Round(time.Second))
	}
	return nil
}
