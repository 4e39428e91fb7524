package e2e

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/attache-dev/attache/store/postgres/pgtest"
)

// replicaConfig is the suite's configuration on a PostgreSQL state, with
// short leases so that a killed replica's work moves within seconds. The
// statements these tests publish share their wording and would be one
// story, whose thread is capped: the destination alerts item by item, so
// that every statement is a message to count.
func replicaConfig(s *site, dsn string) string {
	cfg := configText(s.url, s.slack.url(), 20, nil)
	cfg = strings.Replace(cfg, "    burst_limit: 20\n", "    burst_limit: 20\n    group_by: item\n", 1)
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
	a, b := s.start(), s.start("--listen", "127.0.0.1:0")
	waitFor(t, a.stderr, "attache started")
	waitFor(t, b.stderr, "serving /metrics")
	addr := regexp.MustCompile(`listen=(127\.0\.0\.1:\d+)`).FindStringSubmatch(b.stderr.String())
	if addr == nil {
		t.Fatalf("no address in\n%s", b.stderr.String())
	}
	base := "http://" + addr[1]
	idA := regexp.MustCompile(`replica=(\S+)`).FindStringSubmatch(a.stderr.String())
	if idA == nil {
		t.Fatalf("replica a did not name itself:\n%s", a.stderr.String())
	}
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

	// Both replicas report, with the same configuration.
	metrics := waitForMetric(t, base, `attache_replicas_config_differs 0`)
	if n := strings.Count(metrics, "attache_replica_up{"); n != 2 || !strings.Contains(metrics, `attache_replica_up{replica="`+idA[1]+`",`) {
		t.Errorf("replicas in /metrics: %d, want a and b:\n%s", n, metrics)
	}
	if _, page := get(t, base+"/"); !strings.Contains(page, `id="replicas"`) || !strings.Contains(page, idA[1]) {
		t.Errorf("the status page does not list replica %s", idA[1])
	}

	a.kill()
	second := publish("b", 5)
	eventually(t, 30*time.Second, "the statements after the kill", delivered(second))
	// a stopped reporting: after its heartbeat's ttl it is shown silent.
	silent := regexp.MustCompile(`attache_replica_up\{replica="` + regexp.QuoteMeta(idA[1]) + `",version="[^"]*"\} 0`)
	eventually(t, 10*time.Second, "replica a shown as silent", func() bool {
		_, body := get(t, base+"/metrics")
		return silent.MatchString(body)
	})
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

// TestAStateCopiedToPostgresGoesOnWithoutRepeats moves a SQLite state that
// has delivered an alert to PostgreSQL with `attache state copy`, then
// runs a replica on it: the statement alerted before the move is not sent
// again, and the next one is.
func TestAStateCopiedToPostgresGoesOnWithoutRepeats(t *testing.T) {
	t.Parallel()
	dsn := pgtest.DSN(t)
	s := newSite(t, 20)
	s.baseline()
	s.feeds.set("news", news("before"), entry{GUID: "old", Title: "Weather", Link: "https://example.org/old"})
	s.once()
	if got := s.slack.received("before"); got["before"] != 1 {
		t.Fatalf("before the move: %v", got)
	}

	r := attacheEnv(t, s.dir, []string{"PGURL=" + dsn}, "state", "copy", "--from", "state.db", "--to", "${PGURL}")
	if r.code != 0 || !strings.Contains(r.stdout, "copied 1 feeds") {
		t.Fatalf("attache state copy: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	s.writeConfig(replicaConfig(s, dsn))
	s.feeds.set("news", news("after"), news("before"), entry{GUID: "old", Title: "Weather", Link: "https://example.org/old"})
	d := s.start()
	eventually(t, 30*time.Second, "the statement after the move", func() bool { return s.slack.received("after")["after"] == 1 })
	d.stop(t)
	if got := s.slack.received("before", "after"); got["before"] != 1 || got["after"] != 1 {
		t.Errorf("after the move: %v, want each statement once", got)
	}
}

// TestARollingRestartLosesAndRepeatsNothing restarts three replicas one
// by one with SIGTERM, as a Deployment's RollingUpdate does, while
// statements are published: each arrives exactly once.
func TestARollingRestartLosesAndRepeatsNothing(t *testing.T) {
	t.Parallel()
	dsn := pgtest.DSN(t)
	s := newSite(t, 20)
	s.writeConfig(replicaConfig(s, dsn))
	s.feeds.set("news", entry{GUID: "old", Title: "Weather", Link: "https://example.org/old"})
	replicas := []*daemon{s.start(), s.start(), s.start()}
	eventually(t, 20*time.Second, "the baseline", func() bool { return s.feeds.hits("news") > 0 })

	var items []entry
	var published []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 24 {
			id := fmt.Sprintf("roll%d", i)
			items = append([]entry{news(id)}, items...)
			s.feeds.set("news", items...)
			published = append(published, id)
			time.Sleep(250 * time.Millisecond)
		}
	}()
	for i := range replicas {
		replicas[i].stop(t)
		replicas[i] = s.start()
		waitFor(t, replicas[i].stderr, "attache started")
	}
	<-done
	eventually(t, 30*time.Second, "every statement", func() bool {
		got := s.slack.received(published...)
		for _, id := range published {
			if got[id] == 0 {
				return false
			}
		}
		return true
	})
	for _, d := range replicas {
		d.stop(t)
	}
	exactlyOnce(t, s.slack.received(published...), published)
}

// TestATakeoverAfterAKillIsWithinALease kills, several times, the replica
// of two that is sending to the channel at that moment (its message held
// unanswered by Slack), and restarts it: the other replica takes the
// channel over when the lease ends and delivers the statement, within the
// lease, a look of its dispatcher and the pace gap after the kill. The
// delays are logged (RELIABILITY.md).
func TestATakeoverAfterAKillIsWithinALease(t *testing.T) {
	t.Parallel()
	dsn := pgtest.DSN(t)
	s := newSite(t, 20)
	s.writeConfig(replicaConfig(s, dsn))
	s.feeds.set("news", entry{GUID: "old", Title: "Weather", Link: "https://example.org/old"})
	start := func() (*daemon, string) {
		d := s.start("--listen", "127.0.0.1:0")
		waitFor(t, d.stderr, "replica of a shared state")
		id := regexp.MustCompile(`replica=(\S+)`).FindStringSubmatch(d.stderr.String())
		addr := regexp.MustCompile(`listen=(127\.0\.0\.1:\d+)`).FindStringSubmatch(d.stderr.String())
		if id == nil || addr == nil {
			t.Fatalf("no replica id or address in\n%s", d.stderr.String())
		}
		return d, "http://" + addr[1]
	}
	a, baseA := start()
	b, baseB := start()
	replicas, bases := []*daemon{a, b}, []string{baseA, baseB}
	ids := []string{
		regexp.MustCompile(`replica=(\S+)`).FindStringSubmatch(a.stderr.String())[1],
		regexp.MustCompile(`replica=(\S+)`).FindStringSubmatch(b.stderr.String())[1],
	}
	eventually(t, 20*time.Second, "the baseline", func() bool { return s.feeds.hits("news") > 0 })

	const lease, look, gap = 3 * time.Second, time.Second, 3 * time.Second
	var items []entry
	var delays []time.Duration
	for k := range 3 {
		id := fmt.Sprintf("takeover%d", k)
		holding := s.slack.hold()
		items = append([]entry{news(id)}, items...)
		s.feeds.set("news", items...)
		select {
		case <-holding:
		case <-time.After(20 * time.Second):
			t.Fatal("no message reached Slack")
		}
		// The sender holds the channel's lease: find it in the metrics.
		victim := -1
		eventually(t, 10*time.Second, "the channel's holder", func() bool {
			_, body := get(t, bases[(k+1)%2]+"/metrics")
			for i, rid := range ids {
				if strings.Contains(body, `attache_replica_leased_destinations{replica="`+rid+`"} 1`) {
					victim = i
					return true
				}
			}
			return false
		})
		replicas[victim].kill()
		killed := time.Now()
		s.slack.release()
		deadline := time.Now().Add(30 * time.Second)
		for s.slack.received(id)[id] == 0 && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		if s.slack.received(id)[id] == 0 {
			t.Fatalf("%s never arrived after its sender was killed; the other replica said:\n%s", id, replicas[(victim+1)%2].stderr.String())
		}
		delay := time.Since(killed)
		delays = append(delays, delay)
		if limit := lease + look + gap + 2*time.Second; delay > limit {
			t.Errorf("statement %s arrived %v after its sender was killed, more than %v", id, delay.Round(10*time.Millisecond), limit)
		}
		if n := s.slack.received(id)[id]; n != 1 {
			t.Errorf("statement %s arrived %d times", id, n)
		}
		replicas[victim], bases[victim] = start()
		ids[victim] = regexp.MustCompile(`replica=(\S+)`).FindStringSubmatch(replicas[victim].stderr.String())[1]
	}
	for _, d := range replicas {
		d.stop(t)
	}
	t.Logf("delivery after its sender was killed: %v (lease %v)", delays, lease)
}
