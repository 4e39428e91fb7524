package daemon

import (
	"testing"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/watcher"
)

func TestTimesToAlertOfTheLastDayBySource(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	rule := []attache.Match{{Rule: "nato"}}
	alert := func(feed string, published, queued, delivered time.Duration, undated bool) attache.Alert {
		return attache.Alert{Status: attache.AlertDelivered, Matches: rule,
			Item:   attache.Item{Feed: feed, Published: now.Add(-published), DateMissing: undated},
			Queued: now.Add(-queued), Delivered: now.Add(-delivered)}
	}
	alerts := []attache.Alert{
		alert("mid", 60*time.Minute, 59*time.Minute, 58*time.Minute, false),             // 2 min
		alert("mid", 30*time.Minute, 29*time.Minute, 29*time.Minute, false),             // 1 min
		alert("mid", 20*time.Minute, 10*time.Minute, 9*time.Minute, false),              // 11 min
		alert("belta", 5*time.Hour, 10*time.Minute, 9*time.Minute, true),                // undated: 1 min from first sight
		alert("belta", 50*time.Hour, 49*time.Hour, 48*time.Hour, false),                 // older than a day
		alert("belta", -time.Hour, 10*time.Minute, 9*time.Minute+30*time.Second, false), // dated in the future: from first sight
	}
	health := alert("mid", time.Hour, time.Hour, 0, false)
	health.Matches = []attache.Match{{Rule: watcher.HealthRule}}
	queued := alert("mid", time.Hour, time.Hour, 0, false)
	queued.Status = attache.AlertQueued
	alerts = append(alerts, health, queued)

	got := timesToAlert(alerts, now)
	if len(got) != 2 {
		t.Fatalf("got %+v, want belta and mid", got)
	}
	if b := got[0]; b.Feed != "belta" || b.Alerts != 2 || b.Median != 30*time.Second || b.P95 != time.Minute {
		t.Errorf("belta: %+v, want 2 alerts, median 30s, p95 1m", b)
	}
	if m := got[1]; m.Feed != "mid" || m.Alerts != 3 || m.Median != 2*time.Minute || m.P95 != 11*time.Minute {
		t.Errorf("mid: %+v, want 3 alerts, median 2m, p95 11m", m)
	}
}
