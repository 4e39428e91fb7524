package notify_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/notify"
	"github.com/attache-dev/attache/store"
	"github.com/attache-dev/attache/store/sqlite"
)

// The store is the queue the daemon uses.
var _ notify.Queue = store.Store(nil)

// t0 is the tests' "now" where the clock is injected.
var t0 = time.Date(2026, 11, 28, 9, 14, 0, 0, time.UTC)

// openStore opens a new state file in a temporary folder.
func openStore(t *testing.T) (*sqlite.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "attache.db")
	s, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

// enqueue records one alert per key for dest, queued at now, and returns
// their ids in the order the queue hands them out.
func enqueue(t *testing.T, s *sqlite.Store, now time.Time, dest string, keys ...string) []string {
	t.Helper()
	const feed = "kremlin-en"
	var (
		items  []attache.Item
		alerts []attache.Alert
		ids    []string
	)
	for i, k := range keys {
		key := dest + "-" + k
		link := "https://example.org/" + key
		it := attache.Item{
			Feed: feed, Key: key, Story: link, Link: link, Title: "NATO and " + k, Lang: "en",
			Published: now.Add(-time.Hour + time.Duration(i)*time.Second),
		}
		a := attache.Alert{
			ID: feed + "/" + key + "/" + dest, Destination: dest, Item: it,
			Matches: []attache.Match{{Rule: "nato", Severity: attache.SeverityHigh,
				Hits: []attache.Hit{{Field: attache.FieldTitle, Term: "NATO", Text: "NATO", End: 4}}}},
		}
		items = append(items, it)
		alerts = append(alerts, a)
		ids = append(ids, a.ID)
	}
	queued, err := s.Record(t.Context(), store.RecordBatch{
		Feed: feed, State: store.FeedState{Feed: feed, Baselined: true},
		Items: items, Alerts: alerts, Now: now,
	})
	if err != nil || len(queued) != len(keys) {
		t.Fatalf("record: queued %d of %d: %v", len(queued), len(keys), err)
	}
	return ids
}

// alertByID reads one alert back from the store.
func alertByID(t *testing.T, s *sqlite.Store, id string) attache.Alert {
	t.Helper()
	all, err := s.Alerts(context.WithoutCancel(t.Context()), 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range all {
		if a.ID == id {
			return a
		}
	}
	t.Fatalf("alert %q not in the store", id)
	return attache.Alert{}
}

// statuses reads the status of each id.
func statuses(t *testing.T, s *sqlite.Store, ids ...string) []attache.AlertStatus {
	t.Helper()
	var got []attache.AlertStatus
	for _, id := range ids {
		got = append(got, alertByID(t, s, id).Status)
	}
	return got
}

// fakeNotifier stands for the outside world: it records every send and
// answers with SendFunc (success when nil).
type fakeNotifier struct {
	SendFunc func(ctx context.Context, a attache.Alert) error

	mu    sync.Mutex
	calls []call
}

type call struct {
	id       string
	attempts int
	at       time.Time // by the time package: the bubble's clock under synctest
}

func (f *fakeNotifier) Send(ctx context.Context, a attache.Alert) error {
	f.mu.Lock()
	f.calls = append(f.calls, call{id: a.ID, attempts: a.Attempts, at: time.Now()})
	f.mu.Unlock()
	if f.SendFunc == nil {
		return nil
	}
	return f.SendFunc(ctx, a)
}

// ids lists the alerts sent, in order, with repeats.
func (f *fakeNotifier) ids() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var ids []string
	for _, c := range f.calls {
		ids = append(ids, c.id)
	}
	return ids
}

func (f *fakeNotifier) sends() []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]call(nil), f.calls...)
}

// clock is a settable clock, safe for concurrent use.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock(t time.Time) *clock { return &clock{now: t} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

func (c *clock) Advance(d time.Duration) { c.Set(c.Now().Add(d)) }

// logBuffer collects JSON log records.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// records returns the logged records whose message is msg.
func (b *logBuffer) records(t *testing.T, msg string) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var got []map[string]any
	dec := json.NewDecoder(bytes.NewReader(b.buf.Bytes()))
	for dec.More() {
		var r map[string]any
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("log: %v", err)
		}
		if r["msg"] == msg {
			got = append(got, r)
		}
	}
	return got
}

// newDispatcher makes a dispatcher or fails the test.
func newDispatcher(t *testing.T, q notify.Queue, notifiers map[string]notify.Notifier, opts notify.Options) *notify.Dispatcher {
	t.Helper()
	d, err := notify.NewDispatcher(q, notifiers, opts)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// deliver runs one Deliver and fails the test on its error.
func deliver(t *testing.T, d *notify.Dispatcher) notify.Stats {
	t.Helper()
	stats, err := d.Deliver(t.Context())
	if err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	return stats
}

func keys(n int) []string {
	ks := make([]string, n)
	for i := range ks {
		ks[i] = fmt.Sprintf("%02d", i)
	}
	return ks
}
