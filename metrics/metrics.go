// Package metrics is attaché's Prometheus instrumentation: what the daemon
// counts about polls, matches, deliveries, the queue and configuration
// reloads, named and labelled in one place so that dashboards and alerting
// rules can rely on them.
//
// The metrics live on a registry that the caller owns (cmd), never on the
// global default one. Every method takes plain values, so this package
// imports neither the watcher nor the dispatcher: they, or cmd's wiring,
// report what happened and this package only counts.
//
// Label values are feed, rule and destination names and poll result
// classes, all bounded by the configuration, so the number of series stays
// small.
package metrics

import (
	"runtime"
	"sync"
	"time"

	"github.com/attache-dev/attache"

	"github.com/prometheus/client_golang/prometheus"
)

// namespace prefixes every metric name.
const namespace = "attache"

// Label names.
const (
	labelFeed        = "feed"
	labelResult      = "result"
	labelRule        = "rule"
	labelDestination = "destination"
)

// Reload results, as values of the result label of
// attache_config_reloads_total.
const (
	ReloadOK    = "ok"
	ReloadError = "error"
)

// pollResults are the result label values that Init creates at zero for
// every feed: every poll class.
var pollResults = func() []string {
	var out []string
	for _, c := range attache.PollClasses() {
		out = append(out, string(c))
	}
	return out
}()

// pollBuckets suit a fetch that takes from 10 ms (a 304 from a nearby
// server) to the 60 s a slow ministry server can take before the timeout.
var pollBuckets = []float64{0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60}

// BuildInfo identifies the running binary, for attache_build_info.
type BuildInfo struct {
	Version   string // empty: "unknown"
	Commit    string // empty: "unknown"
	GoVersion string // empty: runtime.Version()
}

// Metrics holds attaché's metrics. Its methods are safe for concurrent use.
// A nil *Metrics is not valid; use New.
type Metrics struct {
	reg prometheus.Registerer

	polls        *prometheus.CounterVec
	pollDuration *prometheus.HistogramVec
	itemsNew     *prometheus.CounterVec
	lastSuccess  *prometheus.GaugeVec

	matches *prometheus.CounterVec

	queued    *prometheus.CounterVec
	delivered *prometheus.CounterVec
	retried   *prometheus.CounterVec
	dead      *prometheus.CounterVec
	muted     *prometheus.CounterVec

	reloads    *prometheus.CounterVec
	lastReload prometheus.Gauge

	tta *prometheus.HistogramVec

	// mu guards the names of the configuration last given to Init.
	mu           sync.Mutex
	feeds        map[string]bool
	rules        map[string]bool
	destinations map[string]bool
}

// New creates attaché's metrics and registers them on reg. It panics if
// they are already registered there: that is a wiring mistake, like
// prometheus.MustRegister's.
func New(reg prometheus.Registerer, b BuildInfo) *Metrics {
	m := &Metrics{
		reg: reg,
		polls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "polls_total",
			Help: "Polls of each feed, by result: ok, not_modified, or the class of the failure " +
				"(http_error, timeout, not_a_feed, parse_error, ...), skipped or backoff.",
		}, []string{labelFeed, labelResult}),
		pollDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Name: "poll_duration_seconds",
			Help:    "Time taken by each poll of a feed that made a request, whatever its result.",
			Buckets: pollBuckets,
		}, []string{labelFeed}),
		itemsNew: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "items_new_total",
			Help: "Items of each feed seen for the first time (a first poll's baseline included).",
		}, []string{labelFeed}),
		lastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: namespace, Name: "feed_last_success_timestamp_seconds",
			Help: "When each feed was last polled successfully (a 304 counts), as a Unix time.",
		}, []string{labelFeed}),
		matches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "matches_total",
			Help: "New items matched by each rule.",
		}, []string{labelRule}),
		queued: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "alerts_queued_total",
			Help: "Alerts queued for each destination.",
		}, []string{labelDestination}),
		delivered: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "alerts_delivered_total",
			Help: "Alerts delivered to each destination.",
		}, []string{labelDestination}),
		retried: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "alerts_retried_total",
			Help: "Sends to each destination that failed transiently and were queued again.",
		}, []string{labelDestination}),
		dead: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "alerts_dead_total",
			Help: "Alerts given up on after a permanent failure, by destination.",
		}, []string{labelDestination}),
		muted: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "alerts_muted_total",
			Help: "Alerts not sent because a mute of their rule or source was active, by destination.",
		}, []string{labelDestination}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "config_reloads_total",
			Help: "Configuration loads and reloads, by result: ok or error (the old configuration kept running).",
		}, []string{labelResult}),
		lastReload: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: namespace, Name: "config_last_reload_success_timestamp_seconds",
			Help: "When the configuration was last loaded successfully, as a Unix time.",
		}),
		tta:          newTimeToAlert(),
		feeds:        map[string]bool{},
		rules:        map[string]bool{},
		destinations: map[string]bool{},
	}

	buildInfo := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Namespace: namespace, Name: "build_info",
		Help: "Always 1; its labels say which build of attaché is running.",
	}, []string{"version", "commit", "goversion"})
	buildInfo.WithLabelValues(orDefault(b.Version, "unknown"), orDefault(b.Commit, "unknown"),
		orDefault(b.GoVersion, runtime.Version())).Set(1)

	m.reloads.WithLabelValues(ReloadOK)
	m.reloads.WithLabelValues(ReloadError)

	reg.MustRegister(m.polls, m.pollDuration, m.itemsNew, m.lastSuccess, m.matches,
		m.queued, m.delivered, m.retried, m.dead, m.muted, m.reloads, m.lastReload, m.tta, buildInfo)
	return m
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Init creates at zero the series of the configured feeds, rules and
// destinations, so that a dashboard shows a zero, not nothing, for what has
// not happened yet. Call it at startup and after every successful reload
// with the new configuration's names: the series of names that the previous
// call had and this one has not are deleted (see ForgetFeed), so a removed
// feed stops being reported instead of looking stale forever.
//
// The last-success timestamp of a feed is not created: a zero there would
// read as "last succeeded in 1970". Seed it from the store with
// SetLastSuccess.
func (m *Metrics) Init(feeds, rules, destinations []string) {
	m.mu.Lock()
	defer m.mu.Unlock()

	m.feeds = replaceSet(m.feeds, feeds, m.forgetFeed)
	m.rules = replaceSet(m.rules, rules, func(rule string) {
		m.matches.DeleteLabelValues(rule)
	})
	m.destinations = replaceSet(m.destinations, destinations, m.forgetDestination)

	for _, feed := range feeds {
		for _, result := range pollResults {
			m.polls.WithLabelValues(feed, result)
		}
		m.pollDuration.WithLabelValues(feed)
		m.itemsNew.WithLabelValues(feed)
	}
	for _, rule := range rules {
		m.matches.WithLabelValues(rule)
	}
	for _, dest := range destinations {
		for _, c := range []*prometheus.CounterVec{m.queued, m.delivered, m.retried, m.dead, m.muted} {
			c.WithLabelValues(dest)
		}
	}
}

// replaceSet returns the set of names, after calling forget for each name of
// old that names lacks.
func replaceSet(old map[string]bool, names []string, forget func(string)) map[string]bool {
	set := make(map[string]bool, len(names))
	for _, n := range names {
		set[n] = true
	}
	for n := range old {
		if !set[n] {
			forget(n)
		}
	}
	return set
}

// ForgetFeed deletes every series of feed. Init calls it for the feeds a
// reload removed; a poll of the feed reported afterwards (one in flight
// during the reload) creates its series again.
func (m *Metrics) ForgetFeed(feed string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.feeds, feed)
	m.forgetFeed(feed)
}

func (m *Metrics) forgetFeed(feed string) {
	m.polls.DeletePartialMatch(prometheus.Labels{labelFeed: feed})
	m.pollDuration.DeleteLabelValues(feed)
	m.itemsNew.DeleteLabelValues(feed)
	m.lastSuccess.DeleteLabelValues(feed)
	m.tta.DeletePartialMatch(prometheus.Labels{labelFeed: feed})
}

func (m *Metrics) forgetDestination(dest string) {
	for _, c := range []*prometheus.CounterVec{m.queued, m.delivered, m.retried, m.dead, m.muted} {
		c.DeleteLabelValues(dest)
	}
}

// configuredDestinations returns the destinations given to the last Init.
func (m *Metrics) configuredDestinations() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	dests := make([]string, 0, len(m.destinations))
	for d := range m.destinations {
		dests = append(dests, d)
	}
	return dests
}

// PollDone counts one poll of feed with its result class. d is the time the
// poll took; a zero d (a poll skipped, or not made because of backoff) is
// not observed in the duration histogram. newItems is how many items were
// seen for the first time. success says the feed answered (ok or not
// modified), in which case at becomes its last success.
func (m *Metrics) PollDone(feed string, result attache.PollClass, d time.Duration, newItems int, success bool, at time.Time) {
	m.polls.WithLabelValues(feed, string(result)).Inc()
	if d > 0 {
		m.pollDuration.WithLabelValues(feed).Observe(d.Seconds())
	}
	add(m.itemsNew.WithLabelValues(feed), newItems)
	if success {
		m.lastSuccess.WithLabelValues(feed).Set(unixSeconds(at))
	}
}

// SetLastSuccess sets when feed last succeeded without counting a poll: at
// startup, cmd seeds it from the store's feed states so that a restart does
// not make every feed look as if it never succeeded. A zero at is ignored.
func (m *Metrics) SetLastSuccess(feed string, at time.Time) {
	if at.IsZero() {
		return
	}
	m.lastSuccess.WithLabelValues(feed).Set(unixSeconds(at))
}

// Matched counts n new items matched by rule.
func (m *Metrics) Matched(rule string, n int) {
	add(m.matches.WithLabelValues(rule), n)
}

// Queued counts n alerts queued for dest.
func (m *Metrics) Queued(dest string, n int) {
	add(m.queued.WithLabelValues(dest), n)
}

// Delivery counts the outcomes of sends to dest: alerts delivered, sends
// retried later, alerts given up on as dead.
func (m *Metrics) Delivery(dest string, delivered, retried, dead int) {
	add(m.delivered.WithLabelValues(dest), delivered)
	add(m.retried.WithLabelValues(dest), retried)
	add(m.dead.WithLabelValues(dest), dead)
}

// Muted counts alerts to dest that a mute silenced.
func (m *Metrics) Muted(dest string, n int) {
	add(m.muted.WithLabelValues(dest), n)
}

// Reload counts a load of the configuration; the first load at startup
// counts too, so that the last-success time is never missing. at is when a
// successful load took effect.
func (m *Metrics) Reload(ok bool, at time.Time) {
	if !ok {
		m.reloads.WithLabelValues(ReloadError).Inc()
		return
	}
	m.reloads.WithLabelValues(ReloadOK).Inc()
	m.lastReload.Set(unixSeconds(at))
}

// add adds n to c. Counters only go up: a negative n, which would make the
// client library panic, is a caller's bug and is ignored rather than taking
// the daemon down.
func add(c prometheus.Counter, n int) {
	if n > 0 {
		c.Add(float64(n))
	}
}

// unixSeconds is t as a Unix time with millisecond precision, the unit
// Prometheus expects for timestamps.
func unixSeconds(t time.Time) float64 {
	return float64(t.UnixMilli()) / 1e3
}
