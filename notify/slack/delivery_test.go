package slack_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/notify"
	"github.com/attache-dev/attache/notify/slack"
	"github.com/attache-dev/attache/store"
	"github.com/attache-dev/attache/store/sqlite"
)

// limitedSlack is chat.postMessage behind Slack's rate limit: perSecond
// messages a second with a burst, 429 with Retry-After beyond. It counts
// what it accepted, by alert title, and the 429s it answered.
type limitedSlack struct {
	limiter *rate.Limiter

	mu       sync.Mutex
	accepted map[string]int
	order    []time.Time
	refused  int
}

func newLimitedSlack(perSecond float64, burst int) *limitedSlack {
	return &limitedSlack{limiter: rate.NewLimiter(rate.Limit(perSecond), burst), accepted: map[string]int{}}
}

func (s *limitedSlack) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.limiter.Allow() {
		s.refused++
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"ok":false,"error":"ratelimited"}`)
		return
	}
	s.accepted[r.PostForm.Get("text")]++
	s.order = append(s.order, time.Now())
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprint(w, `{"ok":true,"channel":"C1","ts":"1.1"}`)
}

// queueAlerts records n alerts for destination "slack" in a new store.
func queueAlerts(t testing.TB, n int) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	now := time.Now().UTC()
	var items []attache.Item
	var alerts []attache.Alert
	for i := range n {
		it := attache.Item{Feed: "f", Key: fmt.Sprint(i), Story: fmt.Sprint("https://example.org/", i),
			Link: fmt.Sprint("https://example.org/", i), Title: fmt.Sprintf("NATO statement %03d", i), Published: now}
		items = append(items, it)
		alerts = append(alerts, attache.Alert{ID: fmt.Sprint("a", i), Destination: "slack", Item: it,
			Matches: []attache.Match{{Rule: "nato", Severity: attache.SeverityHigh}}})
	}
	if _, err := st.Record(context.Background(), store.RecordBatch{Feed: "f", State: store.FeedState{Baselined: true}, Items: items, Alerts: alerts, Now: now}); err != nil {
		t.Fatal(err)
	}
	return st
}

// deliverAll runs the dispatcher until every alert is delivered.
func deliverAll(t testing.TB, st *sqlite.Store, srvURL string, perSecond float64, burst, n int) time.Duration {
	t.Helper()
	bot, err := slack.NewBot(slack.BotOptions{Token: "xoxb-test", Channel: "C1", APIURL: srvURL + "/api/"})
	if err != nil {
		t.Fatal(err)
	}
	d, err := notify.NewDispatcher(st, map[string]notify.Notifier{"slack": bot},
		notify.Options{Rate: perSecond, Burst: burst, BurstLimits: map[string]int{"slack": n + 1}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	start := time.Now()
	delivered := 0
	for delivered < n && ctx.Err() == nil {
		stats, err := d.Deliver(ctx)
		if err != nil {
			t.Fatal(err)
		}
		delivered += stats.Total().Delivered
		if stats.Total().Dead > 0 {
			t.Fatalf("%d alerts dead", stats.Total().Dead)
		}
		if delivered < n {
			time.Sleep(50 * time.Millisecond) // retries fall due
		}
	}
	return time.Since(start)
}

func TestAHundredAlertsArePacedUnderSlacksLimit(t *testing.T) {
	// Slack allows about one message a second; ten times that here keeps
	// the test short and the proportions the same.
	const n, perSecond = 100, 10.0
	srv := newLimitedSlack(perSecond, 5)
	ts := httptest.NewServer(srv)
	defer ts.Close()
	st := queueAlerts(t, n)
	took := deliverAll(t, st, ts.URL, perSecond, 3, n)

	srv.mu.Lock()
	defer srv.mu.Unlock()
	if len(srv.accepted) != n {
		t.Fatalf("%d distinct alerts arrived, want %d", len(srv.accepted), n)
	}
	for text, c := range srv.accepted {
		if c != 1 {
			t.Errorf("%q arrived %d times", firstLine(text), c)
		}
	}
	if srv.refused > 3 {
		t.Errorf("Slack refused %d messages with 429; pacing should keep that to a few", srv.refused)
	}
	// At the limit, n messages take about (n - burst) / rate.
	if min := time.Duration(float64(n-5)/perSecond*float64(time.Second)) * 9 / 10; took < min {
		t.Errorf("delivered %d alerts in %v: faster than the limit allows", n, took)
	}
}

func firstLine(s string) string { return strings.SplitN(s, "\n", 2)[0] }

// BenchmarkDeliveryAtSlacksRate delivers 100 alerts to a server that
// allows one message a second with a burst of 5, as Slack does, and reports
// the delivery rate as a fraction of what the limit allows, duplicates and
// 429s. One op takes about 100 seconds.
func BenchmarkDeliveryAtSlacksRate(b *testing.B) {
	const n = 100
	for range b.N {
		srv := newLimitedSlack(1, 5)
		ts := httptest.NewServer(srv)
		st := queueAlerts(b, n)
		took := deliverAll(b, st, ts.URL, 1, 3, n)
		ts.Close()

		srv.mu.Lock()
		dups := 0
		for _, c := range srv.accepted {
			dups += c - 1
		}
		// What the limit allows in that time: the burst, then one a second.
		allowed := 5 + took.Seconds()*1
		b.ReportMetric(float64(n)/allowed, "fraction-of-limit")
		b.ReportMetric(float64(n)/took.Minutes(), "alerts/min")
		b.ReportMetric(float64(dups), "duplicates")
		b.ReportMetric(float64(srv.refused), "429s")
		srv.mu.Unlock()
	}
}
