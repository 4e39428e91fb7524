package daemon

import (
	"context"
	"sort"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/metrics/tta"
	"github.com/attache-dev/attache/watcher"
	"github.com/attache-dev/attache/web"
)

// ttaScan bounds how many of the latest alerts the status page reads for
// the last day's times to alert: a few thousand a day at most.
const ttaScan = 5000

// timesToAlert reads, from the state, the times to alert of the alerts
// delivered in the day before now, per feed, with their median and 95th
// percentile. Read from the state rather than kept in memory, it survives
// restarts and shows every replica's deliveries.
func (d *daemon) timesToAlert(ctx context.Context, now time.Time) ([]web.TimeToAlert, error) {
	alerts, err := d.store.Alerts(ctx, ttaScan)
	if err != nil {
		return nil, err
	}
	return timesToAlert(alerts, now), nil
}

func timesToAlert(alerts []attache.Alert, now time.Time) []web.TimeToAlert {
	w := tta.NewWindow(24 * time.Hour)
	feeds := map[string]bool{}
	for _, a := range alerts {
		if a.Status != attache.AlertDelivered || a.Delivered.Before(now.Add(-24*time.Hour)) ||
			len(a.Matches) == 0 || a.Matches[0].Rule == watcher.HealthRule {
			continue
		}
		w.Add(a.Item.Feed, a.Delivered, timeline(a, a.Delivered).Stages().Total)
		feeds[a.Item.Feed] = true
	}
	var out []web.TimeToAlert
	for f := range feeds {
		med, p95, n := w.Quantiles(f, now)
		out = append(out, web.TimeToAlert{Feed: f, Median: med, P95: p95, Alerts: n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Feed < out[j].Feed })
	return out
}
