package e2e

import (
	"regexp"
	"strconv"
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

// TestTimeToAlertAndSpendAreShown: after an alert of an adaptive feed, the
// metrics carry its time to alert by stage and the feed's requests today,
// and the status page shows the feed's schedule and the day's time to
// alert; after a restart the feed's requests today go on from the count
// before it (what the schedule learned is kept).
func TestTimeToAlertAndSpendAreShown(t *testing.T) {
	t.Parallel()
	s := newSite(t, 20)
	cfg := configText(s.url, s.slack.url(), 20, nil)
	cfg = strings.Replace(cfg, `schedule: "@every 1s"`, "schedule: adaptive\nmin_interval: 1s\nmax_interval: 2s\nbudget: 100000/day", 1)
	s.writeConfig(cfg)
	s.baseline()
	start := func() (*daemon, string) {
		d := s.start("--listen", "127.0.0.1:0")
		waitFor(t, d.stderr, "serving /metrics")
		addr := regexp.MustCompile(`listen=(127\.0\.0\.1:\d+)`).FindStringSubmatch(d.stderr.String())
		return d, "http://" + addr[1]
	}
	d, base := start()
	s.feeds.set("news", news("tta"))
	eventually(t, 20*time.Second, "the alert", func() bool { return s.slack.received("tta")["tta"] == 1 })
	for _, stage := range []string{"detect", "queue", "deliver", "total"} {
		waitForMetric(t, base, `attache_time_to_alert_seconds_count{feed="news",stage="`+stage+`"} 1`)
	}
	waitForMetric(t, base, `attache_adaptive_budget_requests_per_day{feed="news"} 100000`)
	time.Sleep(4 * time.Second) // a few more polls, so that a lost count would show
	_, body := get(t, base+"/metrics")
	today := regexp.MustCompile(`attache_adaptive_requests_today\{feed="news"\} (\d+)`).FindStringSubmatch(body)
	if today == nil || today[1] == "0" || today[1] == "1" {
		t.Fatalf("no requests today for the feed in\n%s", body)
	}
	_, page := get(t, base+"/")
	for _, want := range []string{`id="polling"`, `id="time-to-alert"`, "of 100000"} {
		if !strings.Contains(page, want) {
			t.Errorf("the status page lacks %q", want)
		}
	}
	d.stop(t)

	d, base = start()
	_, body = get(t, base+"/metrics")
	again := regexp.MustCompile(`attache_adaptive_requests_today\{feed="news"\} (\d+)`).FindStringSubmatch(body)
	before, _ := strconv.Atoi(today[1])
	if again == nil {
		t.Fatalf("no requests today after the restart in\n%s", body)
	}
	if n, _ := strconv.Atoi(again[1]); n < before {
		t.Errorf("requests today %d after a restart, %d before: what the schedule learned was lost", n, before)
	}
	d.stop(t)
}
