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

func TestUnknownOutcome(t *testing.T) {
	t.Run("a message that arrived but was answered late is found at the destination, not sent again", func(t *testing.T) {
		s, _ := openStore(t)
		clk := newClock(t0)
		ids := enqueue(t, s, t0, "slack", "a")
		dst := &checkedDestination{slowDestination: slowDestination{late: 100}}
		var logs logBuffer
		d := newDispatcher(t, s, map[string]notify.Notifier{"slack": dst}, notify.Options{Now: clk.Now, Logger: logs.logger()})

		a := drain(t, d, s, clk, ids[0], 10)
		if a.Status != attache.AlertDelivered || dst.arrived(ids[0]) != 1 || dst.sent() != 1 {
			t.Errorf("alert %s; %d sends, arrived %d times; want delivered, one send, arrived once", a.Status, dst.sent(), dst.arrived(ids[0]))
		}
		if a.Unknown != 1 || !a.UnknownSince.Equal(t0) {
			t.Errorf("unknown %d since %v, want 1 since the send at %v", a.Unknown, a.UnknownSince, t0)
		}
		if !reflect.DeepEqual(dst.sinces, []time.Time{t0}) || !reflect.DeepEqual(dst.asked, [][]string{ids}) {
			t.Errorf("looked for %q since %v, want once for %q since %v", dst.asked, dst.sinces, ids, t0)
		}
		if got := logs.records(t, "alert found at the destination after a send with no answer; not sent again"); len(got) != 1 {
			t.Errorf("%d records of the alert found, want 1", len(got))
		}
	})

	t.Run("a message that did not arrive is looked for, then sent again", func(t *testing.T) {
		s, _ := openStore(t)
		clk := newClock(t0)
		ids := enqueue(t, s, t0, "slack", "a")
		dst := &checkedDestination{slowDestination: slowDestination{late: 1, lost: 1}}
		d := newDispatcher(t, s, map[string]notify.Notifier{"slack": dst}, notify.Options{Now: clk.Now})

		a := drain(t, d, s, clk, ids[0], 10)
		if a.Status != attache.AlertDelivered || dst.arrived(ids[0]) != 1 || dst.sent() != 2 || dst.looks != 1 {
			t.Errorf("alert %s; %d sends, %d looks, arrived %d times; want delivered after one look and two sends, arrived once",
				a.Status, dst.sent(), dst.looks, dst.arrived(ids[0]))
		}
	})

	t.Run("an unknown outcome waits at least the send timeout before the alert is looked for", func(t *testing.T) {
		s, _ := openStore(t)
		clk := newClock(t0)
		ids := enqueue(t, s, t0, "slack", "a")
		dst := &checkedDestination{slowDestination: slowDestination{late: 1}}
		d := newDispatcher(t, s, map[string]notify.Notifier{"slack": dst}, notify.Options{
			Now: clk.Now, SendTimeout: 45 * time.Second, Backoff: notify.Backoff{Base: time.Second, Max: time.Minute}})
		deliver(t, d)
		a := alertByID(t, s, ids[0])
		if a.Status != attache.AlertQueued || a.Unknown != 1 || a.NextAttempt.Before(t0.Add(45*time.Second)) {
			t.Errorf("alert %s, unknown %d, next attempt %v; want queued, unknown 1, not before %v",
				a.Status, a.Unknown, a.NextAttempt, t0.Add(45*time.Second))
		}
	})

	for _, tc := range []struct {
		name string
		n    notify.Notifier
		dst  *slowDestination
		why  string
	}{
		func() (c struct {
			name string
			n    notify.Notifier
			dst  *slowDestination
			why  string
		}) {
			dst := &slowDestination{late: 100}
			c.name, c.n, c.dst, c.why = "a destination that cannot be looked at", dst, dst, "its notifier cannot read what arrived there"
			return c
		}(),
		func() (c struct {
			name string
			n    notify.Notifier
			dst  *slowDestination
			why  string
		}) {
			dst := &checkedDestination{slowDestination: slowDestination{late: 100}, lookErrs: []error{
				fmt.Errorf("%w: missing_scope: needed channels:history", notify.ErrCannotCheck),
				fmt.Errorf("%w: missing_scope: needed channels:history", notify.ErrCannotCheck),
				fmt.Errorf("%w: missing_scope: needed channels:history", notify.ErrCannotCheck),
			}}
			c.name, c.n, c.dst, c.why = "a checker that lacks the permission", dst, &dst.slowDestination, "missing_scope: needed channels:history"
			return c
		}(),
	} {
		t.Run(fmt.Sprintf("with %s, an alert is sent at most %d times, then dead as outcome unknown", tc.name, 1+notify.MaxBlindResends), func(t *testing.T) {
			s, _ := openStore(t)
			clk := newClock(t0)
			ids := enqueue(t, s, t0, "slack", "a")
			var logs logBuffer
			d := newDispatcher(t, s, map[string]notify.Notifier{"slack": tc.n}, notify.Options{Now: clk.Now, Logger: logs.logger()})

			a := drain(t, d, s, clk, ids[0], 20)
			if got := tc.dst.arrived(ids[0]); a.Status != attache.AlertDead || got != 1+notify.MaxBlindResends {
				t.Errorf("alert %s after %d messages, want dead after %d", a.Status, got, 1+notify.MaxBlindResends)
			}
			if !strings.HasPrefix(a.LastError, "outcome unknown: no answer to 3 sends (last: timeout: post: context deadline exceeded)") ||
				!strings.Contains(a.LastError, tc.why) {
				t.Errorf("last error %q, want it to say the outcome is unknown after 3 sends, and why: %q", a.LastError, tc.why)
			}
			warned := logs.records(t, "cannot look at the destination for alerts whose send had no answer; each is sent again a bounded number of times, then given up")
			if len(warned) != 1 {
				t.Errorf("said %d times that the destination cannot be checked, want once", len(warned))
			}
		})
	}

	t.Run("failures known not to have arrived are retried as before, and do not count against the bound", func(t *testing.T) {
		s, _ := openStore(t)
		clk := newClock(t0)
		ids := enqueue(t, s, t0, "slack", "a")
		sends := 0
		n := &fakeNotifier{SendFunc: func(context.Context, attache.Alert) error {
			sends++
			switch {
			case sends == 1:
				return notify.OutcomeUnknown("timeout", context.DeadlineExceeded)
			case sends <= 6:
				return notify.Transient("network", errors.New("dial tcp: connection refused"), 0)
			}
			return nil
		}}
		d := newDispatcher(t, s, map[string]notify.Notifier{"slack": n}, notify.Options{Now: clk.Now})
		a := drain(t, d, s, clk, ids[0], 20)
		if a.Status != attache.AlertDelivered || sends != 7 || a.Unknown != 1 {
			t.Errorf("alert %s after %d sends with %d unknown outcomes; want delivered after 7, 1 unknown", a.Status, sends, a.Unknown)
		}
	})

	t.Run("a look that fails in a way that may pass sends nothing, and looks again later", func(t *testing.T) {
		s, _ := openStore(t)
		clk := newClock(t0)
		ids := enqueue(t, s, t0, "slack", "a")
		dst := &checkedDestination{slowDestination: slowDestination{late: 100},
			lookErrs: []error{notify.Transient("http_503", errors.New("503 Service Unavailable"), 0)}}
		d := newDispatcher(t, s, map[string]notify.Notifier{"slack": dst}, notify.Options{Now: clk.Now})

		deliver(t, d) // the send, answered late
		clk.Set(alertByID(t, s, ids[0]).NextAttempt)
		deliver(t, d) // the look fails
		a := alertByID(t, s, ids[0])
		if a.Status != attache.AlertQueued || dst.sent() != 1 || a.Unknown != 1 ||
			a.LastError != "look for the alert at the destination: http_503: 503 Service Unavailable" {
			t.Errorf("after a failed look: %s, %d sends, unknown %d, error %q; want queued, not sent again, the look's error",
				a.Status, dst.sent(), a.Unknown, a.LastError)
		}
		a = drain(t, d, s, clk, ids[0], 10)
		if a.Status != attache.AlertDelivered || dst.arrived(ids[0]) != 1 || dst.looks != 2 {
			t.Errorf("alert %s after %d looks, arrived %d times; want delivered after 2 looks, arrived once", a.Status, dst.looks, dst.arrived(ids[0]))
		}
	})

	t.Run("an alert left in flight by a crash is looked for before it is sent again", func(t *testing.T) {
		s, _ := openStore(t)
		clk := newClock(t0)
		ids := enqueue(t, s, t0, "slack", "a", "b")
		// The last process took both, sent the first, and died.
		for _, id := range ids {
			if err := s.MarkInFlight(t.Context(), id, t0); err != nil {
				t.Fatal(err)
			}
		}
		dst := &checkedDestination{}
		dst.inbox = []string{ids[0]}
		clk.Advance(time.Minute)
		d := newDispatcher(t, s, map[string]notify.Notifier{"slack": dst}, notify.Options{Now: clk.Now})
		if err := d.Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		deliver(t, d)
		if got := statuses(t, s, ids...); !reflect.DeepEqual(got, []attache.AlertStatus{attache.AlertDelivered, attache.AlertDelivered}) {
			t.Errorf("statuses %v, want both delivered", got)
		}
		if dst.arrived(ids[0]) != 1 || dst.arrived(ids[1]) != 1 || !reflect.DeepEqual(dst.sinces, []time.Time{t0}) {
			t.Errorf("arrived %d and %d times, looked since %v; want each once, looked for since the interrupted send at %v",
				dst.arrived(ids[0]), dst.arrived(ids[1]), dst.sinces, t0)
		}
	})

	t.Run("a send cut short by shutdown after it went out is counted as unknown, due at once", func(t *testing.T) {
		s, _ := openStore(t)
		ids := enqueue(t, s, t0, "slack", "a")
		ctx, cancel := context.WithCancel(t.Context())
		n := &fakeNotifier{SendFunc: func(sendCtx context.Context, a attache.Alert) error {
			cancel()
			<-sendCtx.Done()
			return notify.OutcomeUnknown("canceled", sendCtx.Err())
		}}
		d := newDispatcher(t, s, map[string]notify.Notifier{"slack": n}, notify.Options{Now: newClock(t0).Now})
		d.Deliver(ctx)
		a := alertByID(t, s, ids[0])
		if a.Status != attache.AlertQueued || a.Unknown != 1 || !a.NextAttempt.Equal(t0) || !strings.HasPrefix(a.LastError, "interrupted: ") {
			t.Errorf("alert %s, unknown %d, next %v, error %q; want queued, unknown 1, due at %v, interrupted", a.Status, a.Unknown, a.NextAttempt, a.LastError, t0)
		}
	})
}
