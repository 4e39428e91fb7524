package web

import (
	"fmt"
	"time"

	"github.com/attache-dev/attache/store"
)

// Polling is where a feed's adaptive schedule stands.
type Polling struct {
	Feed                       string
	Next                       time.Time
	Reason                     string
	SpentToday, SpentYesterday int
	Budget                     float64
}

// TimeToAlert is one source's time from publication to the alert in the
// channel, over the last day.
type TimeToAlert struct {
	Feed        string
	Median, P95 time.Duration
	Alerts      int
}

// pollingRow and ttaRow are those as the page shows them.
type pollingRow struct {
	Feed, Reason, Spent, Yesterday string
	Next                           stamp
	Over                           bool // today's spend is above the day's budget
}

type ttaRow struct {
	Feed, Median, P95 string
	Alerts            int
	Slow              bool // a p95 above 10 minutes
}

func (s *server) pollingRows(ps []Polling, now time.Time) []pollingRow {
	rows := make([]pollingRow, 0, len(ps))
	for _, p := range ps {
		rows = append(rows, pollingRow{Feed: p.Feed, Reason: p.Reason, Next: s.stamp(p.Next, now),
			Spent:     fmt.Sprintf("%d of %.0f", p.SpentToday, p.Budget),
			Yesterday: fmt.Sprint(p.SpentYesterday),
			Over:      float64(p.SpentToday) > p.Budget})
	}
	return rows
}

func ttaRows(ts []TimeToAlert) []ttaRow {
	rows := make([]ttaRow, 0, len(ts))
	for _, t := range ts {
		rows = append(rows, ttaRow{Feed: t.Feed, Median: span(t.Median), P95: span(t.P95), Alerts: t.Alerts,
			Slow: t.P95 > 10*time.Minute})
	}
	return rows
}

// span writes a duration as people read it: "45s", "3m 10s", "2h 5m".
func span(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Round(time.Second)/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm %ds", int(d/time.Minute), int(d%time.Minute/time.Second))
	default:
		return fmt.Sprintf("%dh %dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
}

// withFeedback adds the last week's verdicts to the rules' rows.
func withFeedback(rows []ruleRow, fb map[string]store.FeedbackCount) {
	for i := range rows {
		c, ok := fb[rows[i].Name]
		if !ok {
			continue
		}
		rows[i].Useful, rows[i].NotRelevant = fmt.Sprint(c.Useful), fmt.Sprint(c.NotRelevant)
		if p, ok := c.Precision(); ok {
			rows[i].Precision = fmt.Sprintf("%.2f", p)
		}
	}
}
