package notify_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/notify"
)

func TestDeliver(t *testing.T) {
	t.Run("an alert is delivered once, and the next pass has nothing to send", func(t *testing.T) {
		s, _ := openStore(t)
		clk := newClock(t0)
		ids := enqueue(t, s, t0, "ops", "a")
		n := &fakeNotifier{}
		d := newDispatcher(t, s, map[string]notify.Notifier{"ops": n}, notify.Options{Now: clk.Now})

		stats := deliver(t, d)
		clk.Advance(time.Minute)
		again := deliver(t, d)

		if got := n.ids(); !reflect.DeepEqual(got, ids) {
			t.Errorf("sent %q, want %q", got, ids)
		}
		a := alertByID(t, s, ids[0])
		if a.Status != attache.AlertDelivered || a.Attempts != 1 || !a.Delivered.Equal(t0) {
			t.Errorf("alert is %s after %d attempts, delivered %v; want delivered at %v after 1", a.Status, a.Attempts, a.Delivered, t0)
		}
		if want := (notify.Stats{"ops": {Delivered: 1}}); !reflect.DeepEqual(stats, want) {
			t.Errorf("stats %v, want %v", stats, want)
		}
		if len(again) != 0 {
			t.Errorf("second pass stats %v, want none", again)
		}
		if want := (notify.Stats{"ops": {Delivered: 1}}); !reflect.DeepEqual(d.Totals(), want) {
			t.Errorf("totals %v, want %v", d.Totals(), want)
		}
	})

	t.Run("the notifier sees the alert in flight, with its attempt counted, while it sends", func(t *testing.T) {
		s, _ := openStore(t)
		ids := enqueue(t, s, t0, "ops", "a")
		var during attache.Alert
		n := &fakeNotifier{SendFunc: func(ctx context.Context, a attache.Alert) error {
			during = alertByID(t, s, a.ID)
			return nil
		}}
		d := newDispatcher(t, s, map[string]notify.Notifier{"ops": n}, notify.Options{Now: newClock(t0).Now})
		deliver(t, d)
		if during.Status != attache.AlertInFlight || during.Attempts != 1 {
			t.Errorf("during the send the alert was %s after %d attempts, want in_flight after 1", during.Status, during.Attempts)
		}
		if got := alertByID(t, s, ids[0]).Status; got != attache.AlertDelivered {
			t.Errorf("after the send the alert is %s, want delivered", got)
		}
	})

	t.Run("a transient failure is retried after its backoff, not before, then delivered", func(t *testing.T) {
		s, _ := openStore(t)
		clk := newClock(t0)
		ids := enqueue(t, s, t0, "ops", "a")
		fail := true
		n := &fakeNotifier{SendFunc: func(context.Context, attache.Alert) error {
			if fail {
				return errors.New("connection reset by peer")
			}
			return nil
		}}
		d := newDispatcher(t, s, map[string]notify.Notifier{"ops": n}, notify.Options{Now: clk.Now})

		if stats := deliver(t, d); !reflect.DeepEqual(stats, notify.Stats{"ops": {Retried: 1}}) {
			t.Errorf("first pass stats %v, want one retried", stats)
		}
		a := alertByID(t, s, ids[0])
		// The default backoff: 2s less up to 20% jitter.
		if a.Status != attache.AlertQueued || a.LastError != "connection reset by peer" ||
			a.NextAttempt.Before(t0.Add(1600*time.Millisecond)) || a.NextAttempt.After(t0.Add(2*time.Second)) {
			t.Fatalf("after a transient failure: %s, next attempt %v, error %q; want queued within 1.6s–2s of %v with the error",
				a.Status, a.NextAttempt, a.LastError, t0)
		}

		fail = false
		clk.Set(a.NextAttempt.Add(-time.Millisecond))
		deliver(t, d)
		if got := len(n.ids()); got != 1 {
			t.Errorf("sent %d times before the next attempt was due, want 1", got)
		}
		clk.Set(a.NextAttempt)
		deliver(t, d)
		a = alertByID(t, s, ids[0])
		if a.Status != attache.AlertDelivered || a.Attempts != 2 || len(n.ids()) != 2 {
			t.Errorf("at the next attempt: %s after %d attempts, %d sends; want delivered after 2", a.Status, a.Attempts, len(n.ids()))
		}
	})

	t.Run("the backoff doubles with each failure", func(t *testing.T) {
		s, _ := openStore(t)
		clk := newClock(t0)
		ids := enqueue(t, s, t0, "ops", "a")
		n := &fakeNotifier{SendFunc: func(context.Context, attache.Alert) error { return errors.New("timeout") }}
		d := newDispatcher(t, s, map[string]notify.Notifier{"ops": n}, notify.Options{
			Now: clk.Now, Backoff: notify.Backoff{Base: time.Second, Max: 5 * time.Second},
		})
		var waits []time.Duration
		for range 5 {
			deliver(t, d)
			a := alertByID(t, s, ids[0])
			waits = append(waits, a.NextAttempt.Sub(clk.Now()))
			clk.Set(a.NextAttempt)
		}
		want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second, 5 * time.Second}
		if !reflect.DeepEqual(waits, want) {
			t.Errorf("waits %v, want %v", waits, want)
		}
	})

	t.Run("a Retry-After is waited out, and the destination's other alerts wait with it", func(t *testing.T) {
		s, _ := openStore(t)
		clk := newClock(t0)
		ids := enqueue(t, s, t0, "ops", "a", "b")
		other := enqueue(t, s, t0, "press", "c")
		limited := true
		n := &fakeNotifier{SendFunc: func(context.Context, attache.Alert) error {
			if limited {
				return notify.Transient("ratelimited", errors.New("slack: rate limited"), 30*time.Second)
			}
			return nil
		}}
		press := &fakeNotifier{}
		d := newDispatcher(t, s, map[string]notify.Notifier{"ops": n, "press": press}, notify.Options{Now: clk.Now})

		deliver(t, d)
		if got := n.ids(); !reflect.DeepEqual(got, ids[:1]) {
			t.Errorf("sent %q after a 429, want only %q", got, ids[:1])
		}
		a := alertByID(t, s, ids[0])
		if a.NextAttempt.Before(t0.Add(30*time.Second)) || a.LastError != "ratelimited: slack: rate limited" {
			t.Errorf("next attempt %v, error %q; want at least %v and the code", a.NextAttempt, a.LastError, t0.Add(30*time.Second))
		}
		if got := statuses(t, s, other...); got[0] != attache.AlertDelivered {
			t.Errorf("another destination's alert is %s during the pause, want delivered", got[0])
		}

		limited = false
		clk.Advance(29 * time.Second)
		deliver(t, d)
		if got := len(n.ids()); got != 1 {
			t.Errorf("%d sends during the pause, want 1", got)
		}
		clk.Advance(time.Second)
		deliver(t, d)
		if got := statuses(t, s, ids...); !reflect.DeepEqual(got, []attache.AlertStatus{attache.AlertDelivered, attache.AlertDelivered}) {
			t.Errorf("after the pause: %v, want both delivered", got)
		}
	})

	t.Run("a permanent failure makes the alert dead with its code, and other destinations go on", func(t *testing.T) {
		s, _ := openStore(t)
		clk := newClock(t0)
		gone := enqueue(t, s, t0, "archived", "a")
		bad := enqueue(t, s, t0, "bad", "b")
		fine := enqueue(t, s, t0, "ops", "c")
		logs := &logBuffer{}
		d := newDispatcher(t, s, map[string]notify.Notifier{
			"archived": &fakeNotifier{SendFunc: func(context.Context, attache.Alert) error {
				return notify.Permanent("channel_not_found", errors.New("channel_not_found"))
			}},
			"bad": &fakeNotifier{SendFunc: func(context.Context, attache.Alert) error {
				return notify.Permanent("http_404", errors.New("no such webhook"))
			}},
			"ops": &fakeNotifier{},
		}, notify.Options{Now: clk.Now, Logger: logs.logger()})

		stats := deliver(t, d)
		want := notify.Stats{"archived": {Dead: 1}, "bad": {Dead: 1}, "ops": {Delivered: 1}}
		if !reflect.DeepEqual(stats, want) {
			t.Errorf("stats %v, want %v", stats, want)
		}
		for _, tc := range []struct{ id, text string }{{gone[0], "channel_not_found"}, {bad[0], "http_404: no such webhook"}} {
			if a := alertByID(t, s, tc.id); a.Status != attache.AlertDead || a.LastError != tc.text {
				t.Errorf("%s: %s with %q, want dead with %q", tc.id, a.Status, a.LastError, tc.text)
			}
		}
		if got := alertByID(t, s, fine[0]).Status; got != attache.AlertDelivered {
			t.Errorf("the other destination's alert is %s, want delivered", got)
		}
		if got := len(logs.records(t, "alert dead")); got != 2 {
			t.Errorf("%d dead alerts logged, want 2", got)
		}
		clk.Advance(time.Hour)
		if stats := deliver(t, d); len(stats) != 0 {
			t.Errorf("dead alerts were tried again: %v", stats)
		}
	})

	t.Run("an alert failing past the max age is given up, a younger one is retried", func(t *testing.T) {
		s, _ := openStore(t)
		clk := newClock(t0)
		old := enqueue(t, s, t0, "ops", "old")
		young := enqueue(t, s, t0.Add(90*time.Minute), "ops", "young")
		clk.Set(t0.Add(2 * time.Hour))
		d := newDispatcher(t, s, map[string]notify.Notifier{"ops": &fakeNotifier{SendFunc: func(context.Context, attache.Alert) error {
			return notify.Transient("http_503", errors.New("service unavailable"), 0)
		}}}, notify.Options{Now: clk.Now, MaxAge: time.Hour})

		deliver(t, d)
		a := alertByID(t, s, old[0])
		if want := "gave up after 1 attempts in 2h0m0s: http_503: service unavailable"; a.Status != attache.AlertDead || a.LastError != want {
			t.Errorf("old alert: %s with %q, want dead with %q", a.Status, a.LastError, want)
		}
		if got := alertByID(t, s, young[0]).Status; got != attache.AlertQueued {
			t.Errorf("young alert is %s, want queued for a retry", got)
		}
	})

	t.Run("a destination with no notifier keeps its alerts queued until the max age, then they are dead", func(t *testing.T) {
		s, _ := openStore(t)
		clk := newClock(t0)
		ids := enqueue(t, s, t0, "removed", "a", "b")
		logs := &logBuffer{}
		d := newDispatcher(t, s, map[string]notify.Notifier{}, notify.Options{Now: clk.Now, Logger: logs.logger(), MaxAge: time.Hour})

		deliver(t, d)
		clk.Advance(59 * time.Minute)
		if stats := deliver(t, d); len(stats) != 0 {
			t.Errorf("stats %v before the max age, want none", stats)
		}
		if got := statuses(t, s, ids...); !reflect.DeepEqual(got, []attache.AlertStatus{attache.AlertQueued, attache.AlertQueued}) {
			t.Errorf("before the max age: %v, want both queued", got)
		}
		if got := len(logs.records(t, "alerts waiting for a destination that is not configured")); got != 1 {
			t.Errorf("warned %d times over two passes, want once", got)
		}

		clk.Advance(time.Minute)
		if stats := deliver(t, d); !reflect.DeepEqual(stats, notify.Stats{"removed": {Dead: 2}}) {
			t.Errorf("stats %v at the max age, want 2 dead", stats)
		}
		if a := alertByID(t, s, ids[0]); a.Status != attache.AlertDead || a.LastError != `destination "removed" is not configured` {
			t.Errorf("at the max age: %s with %q, want dead, not configured", a.Status, a.LastError)
		}
	})

	t.Run("the warning about a destination that is not configured counts every alert waiting", func(t *testing.T) {
		s, _ := openStore(t)
		var names []string
		for i := range 120 {
			names = append(names, fmt.Sprint("w", i))
		}
		enqueue(t, s, t0, "removed", names...)
		logs := &logBuffer{}
		d := newDispatcher(t, s, map[string]notify.Notifier{}, notify.Options{Now: newClock(t0).Now, Logger: logs.logger(), MaxAge: time.Hour})
		deliver(t, d)
		recs := logs.records(t, "alerts waiting for a destination that is not configured")
		if len(recs) != 1 || recs[0]["waiting"] != float64(120) {
			t.Errorf("warnings %v, want one with waiting=120 (not the first batch of 50)", recs)
		}
	})

	t.Run("a failure repeated on every retry is logged once, again when it changes, and the recovery once", func(t *testing.T) {
		s, _ := openStore(t)
		clk := newClock(t0)
		ids := enqueue(t, s, t0, "ops", "a")
		answers := []error{
			notify.Transient("http_503", errors.New("unavailable, id 1"), 0),
			notify.Transient("http_503", errors.New("unavailable, id 2"), 0),
			notify.Transient("http_503", errors.New("unavailable, id 3"), 0),
			errors.New("dial tcp: connection refused"),
			nil,
		}
		n := &fakeNotifier{SendFunc: func(context.Context, attache.Alert) error {
			err := answers[0]
			answers = answers[1:]
			return err
		}}
		logs := &logBuffer{}
		d := newDispatcher(t, s, map[string]notify.Notifier{"ops": n}, notify.Options{Now: clk.Now, Logger: logs.logger()})
		for range 5 {
			deliver(t, d)
			clk.Set(alertByID(t, s, ids[0]).NextAttempt)
		}
		var got []string
		for _, r := range logs.records(t, "delivery failed; will retry") {
			got = append(got, r["error"].(string))
		}
		if want := []string{"http_503: unavailable, id 1", "dial tcp: connection refused"}; !reflect.DeepEqual(got, want) {
			t.Errorf("failures logged %q, want %q", got, want)
		}
		if got := len(logs.records(t, "destination recovered")); got != 1 {
			t.Errorf("recovery logged %d times, want once", got)
		}
	})

	t.Run("alerts of one destination go oldest first", func(t *testing.T) {
		s, _ := openStore(t)
		first := enqueue(t, s, t0, "ops", "x", "y")
		second := enqueue(t, s, t0.Add(time.Second), "ops", "a")
		n := &fakeNotifier{}
		d := newDispatcher(t, s, map[string]notify.Notifier{"ops": n}, notify.Options{Now: newClock(t0.Add(time.Minute)).Now})
		deliver(t, d)
		if got, want := n.ids(), append(first, second...); !reflect.DeepEqual(got, want) {
			t.Errorf("sent %q, want %q", got, want)
		}
	})
}

func TestNewDispatcherRefusesNonsense(t *testing.T) {
	s, _ := openStore(t)
	for _, tc := range []struct {
		name string
		opts notify.Options
		want string
	}{
		{"a negative rate", notify.Options{Rate: -1}, "rate"},
		{"a backoff capped below its base", notify.Options{Backoff: notify.Backoff{Base: time.Minute, Max: time.Second}}, "backoff"},
		{"a jitter of 1", notify.Options{Backoff: notify.Backoff{Base: time.Second, Max: time.Minute, Jitter: 1}}, "jitter"},
		{"a negative burst", notify.Options{Burst: -3}, "burst"},
	} {
		t.Run("it refuses "+tc.name, func(t *testing.T) {
			_, err := notify.NewDispatcher(s, nil, tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one naming %q", err, tc.want)
			}
		})
	}
	t.Run("it refuses a nil queue", func(t *testing.T) {
		if _, err := notify.NewDispatcher(nil, nil, notify.Options{}); err == nil {
			t.Error("no error")
		}
	})
	t.Run("it refuses a nil notifier", func(t *testing.T) {
		if _, err := notify.NewDispatcher(s, map[string]notify.Notifier{"ops": nil}, notify.Options{}); err == nil {
			t.Error("no error")
		}
	})
}
