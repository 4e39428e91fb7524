package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/attache-dev/attache/store/postgres/pgtest"
)

// replicaConfig is the suite's configuration on a PostgreSQL state, with
// short leases so that a killed replica's work moves within seconds.
func replicaConfig(s *site, dsn string) string {
	cfg := configText(s.url, s.slack.url(), 20, nil)
	return strings.Replace(cfg, "state: state.db\n", fmt.Sprintf("state: %q\nlease_ttl: 3s\n", dsn), 1)
}

// TestReplicasShareFeedsAndSendEachAlertOnce runs two replicas on one
// PostgreSQL state, polling one feed every second: the feed is polled as
// often as one process would poll it, not twice as often, every statement
// arrives exactly once, and when one replica is killed with kill -9 the
// other takes its feed and its destination over after the lease ends, with
// at most the one alert that was in flight sent twice.
func TestReplicasShareFeedsAndSendEachAlertOnce(t *testing.T) {
	t.Parallel()
	dsn := pgtest.DSN(t)
	s := newSite(t, 20)
	s.writeConfig(replicaConfig(s, dsn))
	s.feeds.set("news", entry{GUID: "old", Title: "Weather", Link: "https://example.org/old"})
	a, b := s.start(), s.start()
	waitFor(t, a.stderr, "attache started")
	waitFor(t, b.stderr, "attache started")
	eventually(t, 20*time.Second, "the baseline", func() bool { return s.feeds.hits("news") > 0 })

	var published []string
	var items []entry
	publish := func(prefix string, n int) []string {
		ids := ids(prefix, n)
		for _, id := range ids {
			items = append([]entry{news(id)}, items...)
			s.feeds.set("news", items...)
			published = append(published, id)
			time.Sleep(300 * time.Millisecond)
		}
		return ids
	}
	delivered := func(ids []string) func() bool {
		return func() bool {
			for _, n := range s.slack.received(ids...) {
				if n == 0 {
					return false
				}
			}
			return len(s.slack.received(ids...)) == len(ids)
		}
	}

	start := time.Now()
	first := publish("a", 10)
	eventually(t, 30*time.Second, "the first statements", delivered(first))
	exactlyOnce(t, s.slack.received(first...), first)
	// Polled about once a second in all: two processes polling on their own
	// would make it about twice.
	polls := 0
	for _, at := range s.feeds.requests("news") {
		if !at.Before(start) {
			polls++
		}
	}
	if secs := time.Since(start).Seconds(); float64(polls) > secs+3 {
		t.Errorf("the feed was asked for %d times in %.0f s with a schedule of @every 1s: polled by both replicas", polls, secs)
	}

	a.kill()
	second := publish("b", 5)
	eventually(t, 30*time.Second, "the statements after the kill", delivered(second))
	got := s.slack.received(published...)
	dups := 0
	for _, id := range published {
		dups += got[id] - 1
	}
	if dups > 1 {
		t.Errorf("%d duplicates after one kill: want at most the alert in flight (%v)", dups, got)
	}
	b.stop(t)
	if t.Failed() {
		t.Logf("replica b:\n%s", b.stderr.String())
	}
	if !strings.Contains(b.stderr.String(), "replica of a shared state") {
		t.Errorf("the replica did not say it shares the state:\n%s", b.stderr.String())
	}
}
