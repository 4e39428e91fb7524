package e2e

import (
	"strings"
	"testing"
	"time"
)

// TestAnAdaptiveScheduleAlertsANewItem: a feed on `schedule: adaptive`
// is polled by its own schedule (here between 1 s and 2 s) and a new
// matching item is alerted once, within seconds.
func TestAnAdaptiveScheduleAlertsANewItem(t *testing.T) {
	t.Parallel()
	s := newSite(t, 20)
	cfg := configText(s.url, s.slack.url(), 20, nil)
	cfg = strings.Replace(cfg, `schedule: "@every 1s"`, "schedule: adaptive\nmin_interval: 1s\nmax_interval: 2s\nbudget: 100000/day", 1)
	s.writeConfig(cfg)
	s.baseline()
	d := s.start()
	waitFor(t, d.stderr, "attache started")
	time.Sleep(time.Second)
	s.feeds.set("news", news("adaptive"))
	start := time.Now()
	eventually(t, 20*time.Second, "the new item's alert", func() bool { return s.slack.received("adaptive")["adaptive"] == 1 })
	// Under a cron default of @every 10m it would not come within the 20 s.
	t.Logf("alerted %v after publication", time.Since(start).Round(100*time.Millisecond))
	d.stop(t)
	exactlyOnce(t, s.slack.received("adaptive"), []string{"adaptive"})
}
