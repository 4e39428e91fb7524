package metrics

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// t0 is a whole second, 1740830400 as a Unix time.
var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

var build = BuildInfo{Version: "1.2.3", Commit: "abc1234", GoVersion: "go1.26.0"}

// scrape serves reg's metrics as Prometheus would fetch them and returns the
// text exposition.
func scrape(t *testing.T, reg prometheus.Gatherer) string {
	t.Helper()
	rec := httptest.NewRecorder()
	promhttp.HandlerFor(reg, promhttp.HandlerOpts{}).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("scrape: status %d: %s", rec.Code, rec.Body)
	}
	return rec.Body.String()
}

// cycle plays a scripted day of the daemon on m: two feeds (one fine, one
// timing out), two rules, two destinations, a good and a bad reload.
func cycle(m *Metrics) {
	m.Init([]string{"kremlin-en", "mid-ru"}, []string{"nato-west", "csto"}, []string{"analysts", "log"})
	m.Reload(true, t0)
	m.PollDone("kremlin-en", "ok", 125*time.Millisecond, 3, true, t0)
	m.PollDone("kremlin-en", "not_modified", 31250*time.Microsecond, 0, true, t0.Add(10*time.Minute))
	m.PollDone("mid-ru", "timeout", 30*time.Second, 0, false, t0.Add(10*time.Minute))
	m.PollDone("mid-ru", "backoff", 0, 0, false, t0.Add(20*time.Minute))
	m.Matched("nato-west", 2)
	m.Matched("csto", 0)
	m.Queued("analysts", 2)
	m.Queued("log", 2)
	m.Delivery("analysts", 1, 1, 0)
	m.Delivery("analysts", 1, 0, 0)
	m.Delivery("log", 1, 0, 1)
	m.Reload(false, t0.Add(30*time.Minute))
}

// pollsWant is the expected attache_polls_total: every result at zero for
// both feeds but those given.
func pollsWant(counts map[[2]string]int) string {
	var b strings.Builder
	b.WriteString("# HELP attache_polls_total Polls of each feed, by result: ok, not_modified, or the class of the failure (http_error, timeout, not_a_feed, parse_error, ...), skipped or backoff.\n")
	b.WriteString("# TYPE attache_polls_total counter\n")
	for _, feed := range []string{"kremlin-en", "mid-ru"} {
		for _, result := range pollResults {
			fmt.Fprintf(&b, "attache_polls_total{feed=%q,result=%q} %d\n", feed, result, counts[[2]string{feed, result}])
		}
	}
	return b.String()
}

func TestScrapeAfterACycle(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	m := New(reg, build)
	cycle(m)
	m.WatchQueue(func(context.Context) ([]QueueStat, error) {
		return []QueueStat{
			{Destination: "analysts"},
			// Removed from the configuration but still owed two alerts.
			{Destination: "old-channel", Queued: 2, OldestQueued: t0},
		}, nil
	}, func() time.Time { return t0.Add(90 * time.Second) })

	want := pollsWant(map[[2]string]int{
		{"kremlin-en", "ok"}: 1, {"kremlin-en", "not_modified"}: 1,
		{"mid-ru", "timeout"}: 1, {"mid-ru", "backoff"}: 1,
	}) + `
# HELP attache_poll_duration_seconds Time taken by each poll of a feed that made a request, whatever its result.
# TYPE attache_poll_duration_seconds histogram
attache_poll_duration_seconds_bucket{feed="kremlin-en",le="0.01"} 0
attache_poll_duration_seconds_bucket{feed="kremlin-en",le="0.025"} 0
attache_poll_duration_seconds_bucket{feed="kremlin-en",le="0.05"} 1
attache_poll_duration_seconds_bucket{feed="kremlin-en",le="0.1"} 1
attache_poll_duration_seconds_bucket{feed="kremlin-en",le="0.25"} 2
attache_poll_duration_seconds_bucket{feed="kremlin-en",le="0.5"} 2
attache_poll_duration_seconds_bucket{feed="kremlin-en",le="1"} 2
attache_poll_duration_seconds_bucket{feed="kremlin-en",le="2.5"} 2
attache_poll_duration_seconds_bucket{feed="kremlin-en",le="5"} 2
attache_poll_duration_seconds_bucket{feed="kremlin-en",le="10"} 2
attache_poll_duration_seconds_bucket{feed="kremlin-en",le="20"} 2
attache_poll_duration_seconds_bucket{feed="kremlin-en",le="30"} 2
attache_poll_duration_seconds_bucket{feed="kremlin-en",le="60"} 2
attache_poll_duration_seconds_bucket{feed="kremlin-en",le="+Inf"} 2
attache_poll_duration_seconds_sum{feed="kremlin-en"} 0.15625
attache_poll_duration_seconds_count{feed="kremlin-en"} 2
attache_poll_duration_seconds_bucket{feed="mid-ru",le="0.01"} 0
attache_poll_duration_seconds_bucket{feed="mid-ru",le="0.025"} 0
attache_poll_duration_seconds_bucket{feed="mid-ru",le="0.05"} 0
attache_poll_duration_seconds_bucket{feed="mid-ru",le="0.1"} 0
attache_poll_duration_seconds_bucket{feed="mid-ru",le="0.25"} 0
attache_poll_duration_seconds_bucket{feed="mid-ru",le="0.5"} 0
attache_poll_duration_seconds_bucket{feed="mid-ru",le="1"} 0
attache_poll_duration_seconds_bucket{feed="mid-ru",le="2.5"} 0
attache_poll_duration_seconds_bucket{feed="mid-ru",le="5"} 0
attache_poll_duration_seconds_bucket{feed="mid-ru",le="10"} 0
attache_poll_duration_seconds_bucket{feed="mid-ru",le="20"} 0
attache_poll_duration_seconds_bucket{feed="mid-ru",le="30"} 1
attache_poll_duration_seconds_bucket{feed="mid-ru",le="60"} 1
attache_poll_duration_seconds_bucket{feed="mid-ru",le="+Inf"} 1
attache_poll_duration_seconds_sum{feed="mid-ru"} 30
attache_poll_duration_seconds_count{feed="mid-ru"} 1
# HELP attache_items_new_total Items of each feed seen for the first time (a first poll's baseline included).
# TYPE attache_items_new_total counter
attache_items_new_total{feed="kremlin-en"} 3
attache_items_new_total{feed="mid-ru"} 0
# HELP attache_feed_last_success_timestamp_seconds When each feed was last polled successfully (a 304 counts), as a Unix time.
# TYPE attache_feed_last_success_timestamp_seconds gauge
attache_feed_last_success_timestamp_seconds{feed="kremlin-en"} 1740831000
# HELP attache_matches_total New items matched by each rule.
# TYPE attache_matches_total counter
attache_matches_total{rule="csto"} 0
attache_matches_total{rule="nato-west"} 2
# HELP attache_alerts_queued_total Alerts queued for each destination.
# TYPE attache_alerts_queued_total counter
attache_alerts_queued_total{destination="analysts"} 2
attache_alerts_queued_total{destination="log"} 2
# HELP attache_alerts_delivered_total Alerts delivered to each destination.
# TYPE attache_alerts_delivered_total counter
attache_alerts_delivered_total{destination="analysts"} 2
attache_alerts_delivered_total{destination="log"} 1
# HELP attache_alerts_muted_total Alerts not sent because a mute of their rule or source was active, by destination.
# TYPE attache_alerts_muted_total counter
attache_alerts_muted_total{destination="analysts"} 0
attache_alerts_muted_total{destination="log"} 0
# HELP attache_alerts_retried_total Sends to each destination that failed transiently and were queued again.
# TYPE attache_alerts_retried_total counter
attache_alerts_retried_total{destination="analysts"} 1
attache_alerts_retried_total{destination="log"} 0
# HELP attache_alerts_dead_total Alerts given up on after a permanent failure, by destination.
# TYPE attache_alerts_dead_total counter
attache_alerts_dead_total{destination="analysts"} 0
attache_alerts_dead_total{destination="log"} 1
# HELP attache_queue_depth Alerts waiting to be sent to each destination, retries included.
# TYPE attache_queue_depth gauge
attache_queue_depth{destination="analysts"} 0
attache_queue_depth{destination="log"} 0
attache_queue_depth{destination="old-channel"} 2
# HELP attache_queue_oldest_age_seconds Age of the oldest alert waiting to be sent to each destination; 0 when none waits.
# TYPE attache_queue_oldest_age_seconds gauge
attache_queue_oldest_age_seconds{destination="analysts"} 0
attache_queue_oldest_age_seconds{destination="log"} 0
attache_queue_oldest_age_seconds{destination="old-channel"} 90
# HELP attache_config_reloads_total Configuration loads and reloads, by result: ok or error (the old configuration kept running).
# TYPE attache_config_reloads_total counter
attache_config_reloads_total{result="error"} 1
attache_config_reloads_total{result="ok"} 1
# HELP attache_config_last_reload_success_timestamp_seconds When the configuration was last loaded successfully, as a Unix time.
# TYPE attache_config_last_reload_success_timestamp_seconds gauge
attache_config_last_reload_success_timestamp_seconds 1740830400
# HELP attache_build_info Always 1; its labels say which build of attaché is running.
# TYPE attache_build_info gauge
attache_build_info{commit="abc1234",goversion="go1.26.0",version="1.2.3"} 1
`

	t.Run("a scrape returns exactly the expected families, labels and values", func(t *testing.T) {
		// No names given: the registry must hold these families and no other.
		if err := testutil.GatherAndCompare(reg, strings.NewReader(want)); err != nil {
			t.Error(err)
		}
	})

	t.Run("the text exposition carries the names, help and values", func(t *testing.T) {
		body := scrape(t, reg)
		for _, line := range []string{
			"# TYPE attache_polls_total counter",
			`attache_polls_total{feed="kremlin-en",result="ok"} 1`,
			`attache_polls_total{feed="mid-ru",result="parse_error"} 0`,
			"# TYPE attache_poll_duration_seconds histogram",
			`attache_poll_duration_seconds_bucket{feed="mid-ru",le="30"} 1`,
			`attache_poll_duration_seconds_count{feed="kremlin-en"} 2`,
			"# HELP attache_queue_depth Alerts waiting to be sent to each destination, retries included.",
			`attache_queue_oldest_age_seconds{destination="old-channel"} 90`,
			`attache_alerts_dead_total{destination="log"} 1`,
			`attache_build_info{commit="abc1234",goversion="go1.26.0",version="1.2.3"} 1`,
		} {
			if !slices.Contains(strings.Split(body, "\n"), line) {
				t.Errorf("scrape lacks the line %q", line)
			}
		}
		if strings.Contains(body, `feed_last_success_timestamp_seconds{feed="mid-ru"}`) {
			t.Error("a feed that never succeeded has a last-success time")
		}
	})

	t.Run("single values read back", func(t *testing.T) {
		for _, tt := range []struct {
			name string
			c    prometheus.Collector
			want float64
		}{
			{"new items of kremlin-en", m.itemsNew.WithLabelValues("kremlin-en"), 3},
			{"matches of nato-west", m.matches.WithLabelValues("nato-west"), 2},
			{"retries to analysts", m.retried.WithLabelValues("analysts"), 1},
			{"last good reload", m.lastReload, float64(t0.Unix())},
		} {
			if got := testutil.ToFloat64(tt.c); got != tt.want {
				t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
			}
		}
	})

	t.Run("the metrics pass the Prometheus linter", func(t *testing.T) {
		problems, err := testutil.GatherAndLint(reg)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range problems {
			t.Errorf("%s: %s", p.Metric, p.Text)
		}
	})
}

func TestFreshMetricsShowZerosNotAbsence(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := New(reg, BuildInfo{})
	m.Init([]string{"f"}, []string{"r"}, []string{"d"})

	for name, want := range map[string]int{
		"attache_polls_total":            len(pollResults),
		"attache_poll_duration_seconds":  1,
		"attache_items_new_total":        1,
		"attache_matches_total":          1,
		"attache_alerts_queued_total":    1,
		"attache_alerts_delivered_total": 1,
		"attache_alerts_retried_total":   1,
		"attache_alerts_dead_total":      1,
		"attache_config_reloads_total":   2,
		"attache_build_info":             1,
		// Not until a success is known: a zero would read as 1970.
		"attache_feed_last_success_timestamp_seconds": 0,
	} {
		got, err := testutil.GatherAndCount(reg, name)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s: got %d series, want %d", name, got, want)
		}
	}
	if body := scrape(t, reg); !strings.Contains(body, `version="unknown"`) || !strings.Contains(body, `commit="unknown"`) {
		t.Errorf("an empty build info is not reported as unknown:\n%s", body)
	}
}

func TestInitOnReloadForgetsRemovedNames(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := New(reg, build)
	m.Init([]string{"kept", "dropped"}, []string{"r-kept", "r-dropped"}, []string{"d-kept", "d-dropped"})
	m.PollDone("dropped", "ok", time.Second, 5, true, t0)
	m.PollDone("kept", "ok", time.Second, 1, true, t0)
	m.Matched("r-dropped", 1)
	m.Delivery("d-dropped", 1, 1, 1)

	m.Init([]string{"kept", "added"}, []string{"r-kept"}, []string{"d-kept"})

	body := scrape(t, reg)
	for _, gone := range []string{`"dropped"`, `"r-dropped"`, `"d-dropped"`} {
		if strings.Contains(body, gone) {
			t.Errorf("a series labelled %s survives the reload that removed it", gone)
		}
	}
	for _, line := range []string{
		`attache_polls_total{feed="kept",result="ok"} 1`,
		`attache_polls_total{feed="added",result="ok"} 0`,
		`attache_feed_last_success_timestamp_seconds{feed="kept"} 1.7408304e+09`,
	} {
		if !slices.Contains(strings.Split(body, "\n"), line) {
			t.Errorf("scrape lacks the line %q", line)
		}
	}
	if got := testutil.ToFloat64(m.itemsNew.WithLabelValues("kept")); got != 1 {
		t.Errorf("new items of a kept feed: got %v after a reload, want 1", got)
	}
}

func TestForgetFeed(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := New(reg, build)
	m.Init([]string{"a", "b"}, nil, nil)
	m.PollDone("b", "parse_error", time.Second, 0, false, t0)
	m.SetLastSuccess("b", t0)
	m.ForgetFeed("b")

	if n := testutil.CollectAndCount(m.polls); n != len(pollResults) {
		t.Errorf("polls: got %d series, want %d (feed a only)", n, len(pollResults))
	}
	for _, c := range []prometheus.Collector{m.pollDuration, m.itemsNew} {
		if n := testutil.CollectAndCount(c); n != 1 {
			t.Errorf("got %d series, want 1 (feed a only)", n)
		}
	}
	if n := testutil.CollectAndCount(m.lastSuccess); n != 0 {
		t.Errorf("last success: got %d series, want none", n)
	}
}

func TestOddArgumentsDoNotPanic(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := New(reg, build)
	m.Matched("r", -1)
	m.Queued("d", -5)
	m.Delivery("d", -1, -1, -1)
	m.PollDone("f", "ok", -time.Second, -3, false, t0)
	m.SetLastSuccess("f", time.Time{})

	if got := testutil.ToFloat64(m.matches.WithLabelValues("r")); got != 0 {
		t.Errorf("a negative match count moved the counter to %v", got)
	}
	if n := testutil.CollectAndCount(m.pollDuration); n != 0 {
		t.Errorf("a negative duration was observed: %d series", n)
	}
	if n := testutil.CollectAndCount(m.lastSuccess); n != 0 {
		t.Errorf("a zero time became a last success: %d series", n)
	}
}

func TestQueueCollectorReportsAFailingStore(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := New(reg, build)
	m.Init([]string{"f"}, nil, []string{"d"})
	m.WatchQueue(func(ctx context.Context) ([]QueueStat, error) {
		if _, ok := ctx.Deadline(); !ok {
			t.Error("the queue is read without a deadline")
		}
		return nil, errors.New("sql: database is closed")
	}, nil)

	families, err := reg.Gather()
	if err == nil || !strings.Contains(err.Error(), "read queue state: sql: database is closed") {
		t.Errorf("Gather error: got %v, want the store's error", err)
	}
	var names []string
	for _, f := range families {
		names = append(names, f.GetName())
	}
	if !slices.Contains(names, "attache_polls_total") {
		t.Errorf("the other families are lost with the queue's: got %q", names)
	}
	if slices.Contains(names, "attache_queue_depth") {
		t.Error("a queue depth is reported although it could not be read")
	}

	// A handler that continues on error still serves everything else.
	rec := httptest.NewRecorder()
	promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError}).
		ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `attache_polls_total{feed="f",result="ok"} 0`) {
		t.Errorf("status %d, body:\n%s", rec.Code, rec.Body)
	}
}

func TestQueueCollectorOddRows(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := New(reg, build)
	m.WatchQueue(func(context.Context) ([]QueueStat, error) {
		return []QueueStat{
			// Queued in the future of the clock (it stepped back): age 0, not negative.
			{Destination: "ahead", Queued: 1, OldestQueued: t0.Add(time.Hour)},
			{Destination: "twice", Queued: 1, OldestQueued: t0},
			{Destination: "twice", Queued: 7, OldestQueued: t0},
		}, nil
	}, func() time.Time { return t0.Add(time.Minute) })

	want := `
# HELP attache_queue_depth Alerts waiting to be sent to each destination, retries included.
# TYPE attache_queue_depth gauge
attache_queue_depth{destination="ahead"} 1
attache_queue_depth{destination="twice"} 1
# HELP attache_queue_oldest_age_seconds Age of the oldest alert waiting to be sent to each destination; 0 when none waits.
# TYPE attache_queue_oldest_age_seconds gauge
attache_queue_oldest_age_seconds{destination="ahead"} 0
attache_queue_oldest_age_seconds{destination="twice"} 60
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want),
		"attache_queue_depth", "attache_queue_oldest_age_seconds"); err != nil {
		t.Error(err)
	}
}

func TestConcurrentUseWithReloadsAndScrapes(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := New(reg, build)
	m.WatchQueue(func(context.Context) ([]QueueStat, error) { return nil, nil }, nil)
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for j := range 50 {
				feed := fmt.Sprintf("f%d", j%3)
				m.PollDone(feed, "ok", time.Millisecond, 1, true, t0)
				m.Matched("r", 1)
				m.Delivery("d", 1, 0, 0)
				if i == 0 && j%10 == 0 {
					m.Init([]string{"f0", "f1"}, []string{"r"}, []string{"d", fmt.Sprint("d", j)})
				}
				if i == 1 && j%10 == 0 {
					m.ForgetFeed("f2")
				}
				if i == 2 && j%10 == 0 {
					if _, err := reg.Gather(); err != nil {
						t.Error(err)
					}
				}
			}
		})
	}
	wg.Wait()
	if got := testutil.ToFloat64(m.matches.WithLabelValues("r")); got != 200 {
		t.Errorf("matches: got %v, want 200", got)
	}
}
