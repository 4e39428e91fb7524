package e2e

import (
	"net/http"
	"strings"
	"testing"
)

// TestOnceWaitsThroughTransientFailures gives `attache once` 20 alerts and
// a Slack that answers one 500 and two 429s (Retry-After 1 s): it delivers
// all 20, once each, and exits 0. Before, it delivered none and exited 0.
func TestOnceWaitsThroughTransientFailures(t *testing.T) {
	t.Parallel()
	s := newSite(t, 1000)
	s.baseline()
	var es []entry
	for _, id := range ids("w", 20) {
		es = append(es, news(id))
	}
	s.feeds.set("news", es...)
	s.slack.then(answer{status: http.StatusInternalServerError},
		answer{status: http.StatusTooManyRequests, retryAfter: "1"},
		answer{status: http.StatusTooManyRequests, retryAfter: "1"})
	s.once()
	exactlyOnce(t, s.slack.received(ids("w", 20)...), ids("w", 20))
}

// TestOnceExitsOneWhenAlertsAreLeft: with Slack down for longer than
// --wait, once says what is left and exits 1, so that cron notices.
func TestOnceExitsOneWhenAlertsAreLeft(t *testing.T) {
	t.Parallel()
	s := newSite(t, 20)
	s.baseline()
	s.feeds.set("news", news("left"))
	s.slack.always(answer{status: http.StatusServiceUnavailable})
	r := attacheEnv(t, s.dir, []string{"SLACK_BOT_TOKEN=xoxb-e2e"}, "once", "--wait", "3s")
	if r.code != 1 || !strings.Contains(r.stderr, "alerts left in the queue") || !strings.Contains(r.stderr, "destination=analysts") {
		t.Errorf("once with Slack down: exit %d, stderr:\n%s\nwant exit 1 and the alerts left", r.code, r.stderr)
	}
}

// TestOnceExitsOneWhenAFeedFails: a cron job must notice a source that
// went away.
func TestOnceExitsOneWhenAFeedFails(t *testing.T) {
	t.Parallel()
	s := newSite(t, 20)
	s.baseline()
	s.writeConfig(configText("http://127.0.0.1:1", s.slack.url(), 20, nil)) // nothing listens there
	r := attacheEnv(t, s.dir, []string{"SLACK_BOT_TOKEN=xoxb-e2e"}, "once")
	if r.code != 1 || !strings.Contains(r.stderr, "failed_feeds=1") {
		t.Errorf("once with a failing feed: exit %d, stderr:\n%s\nwant exit 1 and failed_feeds=1", r.code, r.stderr)
	}
}
