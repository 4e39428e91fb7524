package web_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/store"
	"github.com/attache-dev/attache/store/sqlite"
	"github.com/attache-dev/attache/web"
	"github.com/prometheus/client_golang/prometheus"
)

var _ web.Source = store.Store(nil)

// now is the clock of every test: the status page's times are relative to it.
var now = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func openStore(t *testing.T) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "attache.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// get asks h for path with method and returns the answer.
func get(t *testing.T, h http.Handler, method, path string) *http.Response {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	return rec.Result()
}

func body(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestHealthz(t *testing.T) {
	s := openStore(t)
	h := web.New(s, web.Options{})
	for _, method := range []string{http.MethodGet, http.MethodHead} {
		resp := get(t, h, method, "/healthz")
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s /healthz: status %d, want 200", method, resp.StatusCode)
		}
		if got := body(t, resp); method == http.MethodGet && strings.TrimSpace(got) != "ok" {
			t.Errorf("GET /healthz: body %q, want ok", got)
		}
	}
	// Liveness says the process serves, nothing more: a closed store is
	// readiness's business, and restarting the process would not fix it.
	s.Close()
	if resp := get(t, h, http.MethodGet, "/healthz"); resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz with the store closed: status %d, want 200", resp.StatusCode)
	}
}

func TestReadyz(t *testing.T) {
	s := openStore(t)
	var logs bytes.Buffer
	var readyErr error
	h := web.New(s, web.Options{
		Logger: slog.New(slog.NewTextHandler(&logs, nil)),
		Ready:  func(context.Context) error { return readyErr },
	})
	ask := func(wantCode int, wantBody string) {
		t.Helper()
		resp := get(t, h, http.MethodGet, "/readyz")
		got := body(t, resp)
		if resp.StatusCode != wantCode || !strings.Contains(got, wantBody) {
			t.Errorf("/readyz: %d %q, want %d and a body with %q", resp.StatusCode, got, wantCode, wantBody)
		}
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
			t.Errorf("/readyz: Content-Type %q, want plain text", ct)
		}
	}

	ask(http.StatusOK, "ready")

	readyErr = errors.New("scheduler heartbeat is 12m old")
	ask(http.StatusServiceUnavailable, "not ready: scheduler heartbeat is 12m old")
	ask(http.StatusServiceUnavailable, "scheduler heartbeat")

	readyErr = nil
	ask(http.StatusOK, "ready")

	s.Close()
	ask(http.StatusServiceUnavailable, "not ready: store: ")

	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 3 {
		t.Errorf("got %d log lines, want one per change of readiness (3):\n%s", len(lines), logs.String())
	}
}

func TestMetricsEndpoint(t *testing.T) {
	s := openStore(t)
	reg := prometheus.NewRegistry()
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: "attache_test_total", Help: "A test counter."})
	c.Add(7)
	reg.MustRegister(c)

	resp := get(t, web.New(s, web.Options{Registry: reg}), http.MethodGet, "/metrics")
	if got := body(t, resp); resp.StatusCode != http.StatusOK || !strings.Contains(got, "attache_test_total 7") {
		t.Errorf("/metrics: status %d, body:\n%s", resp.StatusCode, got)
	}

	t.Run("without a registry there is no /metrics", func(t *testing.T) {
		resp := get(t, web.New(s, web.Options{}), http.MethodGet, "/metrics")
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("status %d, want 404", resp.StatusCode)
		}
	})

	t.Run("a failing collector does not hide the other metrics", func(t *testing.T) {
		reg := prometheus.NewRegistry()
		reg.MustRegister(c, failing{})
		resp := get(t, web.New(s, web.Options{Registry: reg, Logger: slog.New(slog.DiscardHandler)}), http.MethodGet, "/metrics")
		if got := body(t, resp); resp.StatusCode != http.StatusOK || !strings.Contains(got, "attache_test_total 7") {
			t.Errorf("status %d, body:\n%s", resp.StatusCode, got)
		}
	})
}

// failing is a collector whose every collection fails.
type failing struct{}

var failingDesc = prometheus.NewDesc("attache_failing", "Always fails.", nil, nil)

func (failing) Describe(ch chan<- *prometheus.Desc) { ch <- failingDesc }
func (failing) Collect(ch chan<- prometheus.Metric) {
	ch <- prometheus.NewInvalidMetric(failingDesc, errors.New("broken"))
}

func TestRoutes(t *testing.T) {
	s := openStore(t)
	h := web.New(s, web.Options{Registry: prometheus.NewRegistry(), Now: func() time.Time { return now }})
	tests := []struct {
		method, path string
		want         int
	}{
		{http.MethodGet, "/", http.StatusOK},
		{http.MethodHead, "/", http.StatusOK},
		{http.MethodHead, "/readyz", http.StatusOK},
		{http.MethodGet, "/nope", http.StatusNotFound},
		{http.MethodGet, "/index.html", http.StatusNotFound},
		{http.MethodGet, "/healthz/extra", http.StatusNotFound},
		{http.MethodPost, "/", http.StatusMethodNotAllowed},
		{http.MethodPost, "/healthz", http.StatusMethodNotAllowed},
		{http.MethodDelete, "/readyz", http.StatusMethodNotAllowed},
		{http.MethodPut, "/metrics", http.StatusMethodNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			resp := get(t, h, tt.method, tt.path)
			if resp.StatusCode != tt.want {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.want)
			}
			if tt.want == http.StatusMethodNotAllowed && !strings.Contains(resp.Header.Get("Allow"), "GET") {
				t.Errorf("Allow %q, want GET named", resp.Header.Get("Allow"))
			}
			if resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("headers %v lack nosniff or no-store", resp.Header)
			}
		})
	}
}

// record records one poll of feed that queues alerts, at the given time.
func record(t *testing.T, s *sqlite.Store, feed string, at time.Time, items []attache.Item, alerts ...attache.Alert) {
	t.Helper()
	_, err := s.Record(t.Context(), store.RecordBatch{
		Feed:   feed,
		State:  store.FeedState{Feed: feed, Baselined: true, LastPoll: at, LastSuccess: at},
		Items:  items,
		Alerts: alerts,
		Now:    at,
	})
	if err != nil {
		t.Fatal(err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func newItem(feed, key, title, link string) attache.Item {
	return attache.Item{
		Feed: feed, Key: key, Story: feed + "/" + key, Title: title, Link: link,
		Lang: "en", Published: now.Add(-3 * time.Hour),
	}
}

func newAlert(it attache.Item, dest string, sev attache.Severity, rules ...string) attache.Alert {
	a := attache.Alert{ID: it.Feed + "/" + it.Key + "/" + dest, Destination: dest, Item: it}
	for _, r := range rules {
		a.Matches = append(a.Matches, attache.Match{Rule: r, Severity: sev})
	}
	return a
}
