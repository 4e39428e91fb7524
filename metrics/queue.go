package metrics

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// QueueStat is the state of one destination's queue, as the caller reads it
// from the store at scrape time.
type QueueStat struct {
	Destination string
	// Queued is how many alerts wait to be sent, retries included.
	Queued int
	// OldestQueued is when the oldest of them was queued; zero when none is.
	OldestQueued time.Time
}

// QueueStatsFunc reads the queue's state. It is called once per scrape.
type QueueStatsFunc func(ctx context.Context) ([]QueueStat, error)

// queueTimeout bounds the reading of the queue's state during a scrape: a
// locked or slow store must not make the scrape hang past Prometheus's own
// timeout (10 s by default).
const queueTimeout = 5 * time.Second

// WatchQueue registers, on the registry given to New, a collector that
// reports attache_queue_depth and attache_queue_oldest_age_seconds for each
// destination by calling stats at every scrape, so the values are never
// older than the scrape. Destinations given to Init that have nothing queued
// report zero; destinations no longer configured that still hold alerts are
// reported too, since those alerts are still owed. now gives the current
// time for the age; nil means time.Now.
//
// When stats fails, the scrape reports the error for both metrics (an
// invalid metric, which the registry turns into a gathering error) instead
// of stale or made-up values. WatchQueue panics if called twice.
func (m *Metrics) WatchQueue(stats QueueStatsFunc, now func() time.Time) {
	if now == nil {
		now = time.Now
	}
	m.reg.MustRegister(&queueCollector{stats: stats, now: now, configured: m.configuredDestinations})
}

var (
	queueDepthDesc = prometheus.NewDesc(namespace+"_queue_depth",
		"Alerts waiting to be sent to each destination, retries included.",
		[]string{labelDestination}, nil)
	queueAgeDesc = prometheus.NewDesc(namespace+"_queue_oldest_age_seconds",
		"Age of the oldest alert waiting to be sent to each destination; 0 when none waits.",
		[]string{labelDestination}, nil)
)

// queueCollector computes the queue's gauges at scrape time.
type queueCollector struct {
	stats      QueueStatsFunc
	now        func() time.Time
	configured func() []string
}

// Describe implements prometheus.Collector.
func (c *queueCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- queueDepthDesc
	ch <- queueAgeDesc
}

// Collect implements prometheus.Collector.
func (c *queueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), queueTimeout)
	defer cancel()
	stats, err := c.stats(ctx)
	if err != nil {
		err = fmt.Errorf("read queue state: %w", err)
		ch <- prometheus.NewInvalidMetric(queueDepthDesc, err)
		ch <- prometheus.NewInvalidMetric(queueAgeDesc, err)
		return
	}
	now := c.now()
	seen := make(map[string]bool, len(stats))
	for _, st := range stats {
		if seen[st.Destination] {
			continue // a duplicate would fail the whole scrape
		}
		seen[st.Destination] = true
		var age float64
		if st.Queued > 0 && !st.OldestQueued.IsZero() {
			age = max(now.Sub(st.OldestQueued).Seconds(), 0) // a clock step back is not a negative age
		}
		ch <- constMetric(queueDepthDesc, float64(st.Queued), st.Destination)
		ch <- constMetric(queueAgeDesc, age, st.Destination)
	}
	configured := c.configured()
	slices.Sort(configured)
	for _, dest := range configured {
		if seen[dest] {
			continue
		}
		ch <- constMetric(queueDepthDesc, 0, dest)
		ch <- constMetric(queueAgeDesc, 0, dest)
	}
}
