package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/attache-dev/attache/metrics/tta"
)

// Stages of the time-to-alert histogram.
const (
	StageDetect  = "detect"  // published → first seen: what polling costs
	StageQueue   = "queue"   // first seen → queued: item pages, matching, the commit
	StageDeliver = "deliver" // queued → delivered: the dispatcher and the destination
	StageTotal   = "total"   // published → delivered: what the analyst feels
)

// timeToAlert is the histogram of every alert's stages, by feed.
func newTimeToAlert() *prometheus.HistogramVec {
	return prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: namespace, Name: "time_to_alert_seconds",
		Help: "For every alert delivered, by feed and stage: detect (published to first seen), " +
			"queue (first seen to queued), deliver (queued to delivered), total (published to delivered). " +
			"An undated item counts as published when first seen.",
		Buckets: tta.Buckets,
	}, []string{labelFeed, "stage"})
}

// Alerted records the stages of an alert once it was delivered. The queue
// stage is recorded when the poll committed (Committed), since the store
// keeps no time for it.
func (m *Metrics) Alerted(feed string, t tta.Timeline) {
	s := t.Stages()
	m.tta.WithLabelValues(feed, StageDetect).Observe(s.Detect.Seconds())
	m.tta.WithLabelValues(feed, StageDeliver).Observe(s.Deliver.Seconds())
	m.tta.WithLabelValues(feed, StageTotal).Observe(s.Total.Seconds())
}

// Committed records the queue stage of n alerts a poll of feed queued,
// took after the poll began (first sight).
func (m *Metrics) Committed(feed string, n int, took time.Duration) {
	o := m.tta.WithLabelValues(feed, StageQueue)
	for range n {
		o.Observe(took.Seconds())
	}
}

// PollingStat is where an adaptive feed's schedule stands, read at scrape
// time.
type PollingStat struct {
	Feed                       string
	SpentToday, SpentYesterday int
	Budget                     float64
	Next                       time.Time
}

var (
	requestsTodayDesc = prometheus.NewDesc(namespace+"_adaptive_requests_today",
		"Requests made today (in the feed's time zone) by each feed on an adaptive schedule.",
		[]string{labelFeed}, nil)
	requestsYesterdayDesc = prometheus.NewDesc(namespace+"_adaptive_requests_yesterday",
		"Requests made yesterday by each feed on an adaptive schedule.",
		[]string{labelFeed}, nil)
	budgetDesc = prometheus.NewDesc(namespace+"_adaptive_budget_requests_per_day",
		"The request budget of each feed on an adaptive schedule: requests a day on average.",
		[]string{labelFeed}, nil)
	nextPollDesc = prometheus.NewDesc(namespace+"_adaptive_next_poll_timestamp_seconds",
		"When each feed on an adaptive schedule is polled next, as a Unix time.",
		[]string{labelFeed}, nil)
)

// WatchPolling registers a collector of the adaptive schedules' spend,
// read by stats at each scrape.
func (m *Metrics) WatchPolling(stats func() []PollingStat) {
	m.reg.MustRegister(&pollingCollector{stats: stats})
}

type pollingCollector struct{ stats func() []PollingStat }

func (c *pollingCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- requestsTodayDesc
	ch <- requestsYesterdayDesc
	ch <- budgetDesc
	ch <- nextPollDesc
}

func (c *pollingCollector) Collect(ch chan<- prometheus.Metric) {
	for _, s := range c.stats() {
		ch <- constMetric(requestsTodayDesc, float64(s.SpentToday), s.Feed)
		ch <- constMetric(requestsYesterdayDesc, float64(s.SpentYesterday), s.Feed)
		ch <- constMetric(budgetDesc, s.Budget, s.Feed)
		if !s.Next.IsZero() {
			ch <- constMetric(nextPollDesc, float64(s.Next.UnixMilli())/1000, s.Feed)
		}
	}
}
