package metrics

import (
	"context"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/attache-dev/attache/store"
)

// FeedbackFunc reads each rule's verdicts given since a time; called twice
// per scrape (7 and 30 days).
type FeedbackFunc func(ctx context.Context, since time.Time) (map[string]store.FeedbackCount, error)

var (
	feedbackDesc = prometheus.NewDesc(namespace+"_rule_feedback",
		"Readers' verdicts on each rule's alerts over the last 7 or 30 days: useful or not_relevant.",
		[]string{labelRule, "verdict", "window"}, nil)
	precisionDesc = prometheus.NewDesc(namespace+"_rule_precision",
		"Each rule's precision in use over the last 7 or 30 days: useful verdicts over all verdicts (absent without any).",
		[]string{labelRule, "window"}, nil)
)

// WatchFeedback registers a collector of the rules' verdicts and precision
// from readers' feedback, read at each scrape.
func (m *Metrics) WatchFeedback(read FeedbackFunc, now func() time.Time) {
	if now == nil {
		now = time.Now
	}
	m.reg.MustRegister(&feedbackCollector{read: read, now: now})
}

type feedbackCollector struct {
	read FeedbackFunc
	now  func() time.Time
}

func (c *feedbackCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- feedbackDesc
	ch <- precisionDesc
}

func (c *feedbackCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), queueTimeout)
	defer cancel()
	for _, w := range []struct {
		name string
		span time.Duration
	}{{"7d", 7 * 24 * time.Hour}, {"30d", 30 * 24 * time.Hour}} {
		counts, err := c.read(ctx, c.now().Add(-w.span))
		if err != nil {
			err = fmt.Errorf("read feedback: %w", err)
			ch <- prometheus.NewInvalidMetric(feedbackDesc, err)
			ch <- prometheus.NewInvalidMetric(precisionDesc, err)
			return
		}
		for rule, n := range counts {
			ch <- constMetric(feedbackDesc, float64(n.Useful), rule, "useful", w.name)
			ch <- constMetric(feedbackDesc, float64(n.NotRelevant), rule, "not_relevant", w.name)
			if p, ok := n.Precision(); ok {
				ch <- constMetric(precisionDesc, p, rule, w.name)
			}
		}
	}
}
