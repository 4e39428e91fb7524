package notify_test

// These tests need waits to agree with the clock, so they run in a
// testing/synctest bubble: its fake clock drives time.Now, the timers of
// the rate limiter and Run's sleeps alike, and advances only when every
// goroutine of the test is blocked. The dispatcher keeps its default clock.

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"testing/synctest"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/notify"
)

func TestPacing(t *testing.T) {
	t.Run("twenty alerts at ten a second with a burst of two take 1.8s, a tenth of a second apart", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			s, _ := openStore(t)
			start := time.Now()
			ids := enqueue(t, s, start, "ops", keys(20)...)
			n := &fakeNotifier{}
			d := newDispatcher(t, s, map[string]notify.Notifier{"ops": n}, notify.Options{Rate: 10, Burst: 2})
			deliver(t, d)

			var got []time.Duration
			for _, c := range n.sends() {
				got = append(got, c.at.Sub(start))
			}
			want := []time.Duration{0, 0}
			for i := 1; i <= 18; i++ {
				want = append(want, time.Duration(i)*100*time.Millisecond)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("sends at %v, want %v", got, want)
			}
			if got := n.ids(); !reflect.DeepEqual(got, ids) {
				t.Errorf("sent %q, want %q in order", got, ids)
			}
		})
	})

	t.Run("an unpaced destination (the console) gets a hundred alerts at once", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			s, _ := openStore(t)
			start := time.Now()
			enqueue(t, s, start, "console", keys(100)...)
			n := &unpacedNotifier{}
			d := newDispatcher(t, s, map[string]notify.Notifier{"console": n}, notify.Options{BurstLimits: map[string]int{"console": 1000}})
			deliver(t, d)
			if got := len(n.sends()); got != 100 {
				t.Fatalf("%d sends, want 100", got)
			}
			if took := time.Since(start); took != 0 {
				t.Errorf("100 alerts took %v, want no pacing (one a second took 97s)", took)
			}
		})
	})

	t.Run("the pace holds across passes: a burst spent in one is not granted again in the next", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			s, _ := openStore(t)
			start := time.Now()
			n := &fakeNotifier{}
			d := newDispatcher(t, s, map[string]notify.Notifier{"ops": n}, notify.Options{Rate: 1, Burst: 2})
			enqueue(t, s, start, "ops", "a", "b")
			deliver(t, d)
			enqueue(t, s, start, "ops", "c")
			deliver(t, d)
			sends := n.sends()
			if len(sends) != 3 || sends[2].at.Sub(start) != time.Second {
				t.Errorf("sends %+v, want the third a second after the start", sends)
			}
		})
	})

	t.Run("each destination has its own pace", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			s, _ := openStore(t)
			start := time.Now()
			enqueue(t, s, start, "ops", keys(3)...)
			enqueue(t, s, start, "press", keys(3)...)
			n := &fakeNotifier{}
			d := newDispatcher(t, s, map[string]notify.Notifier{"ops": n, "press": n}, notify.Options{Rate: 1, Burst: 3})
			deliver(t, d)
			for _, c := range n.sends() {
				if c.at != start {
					t.Errorf("%s sent at +%v, want at once: three per destination fit the burst", c.id, c.at.Sub(start))
				}
			}
		})
	})

	t.Run("a wait for the pace ends when the context does", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			s, _ := openStore(t)
			start := time.Now()
			ids := enqueue(t, s, start, "ops", keys(3)...)
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			n := &fakeNotifier{}
			d := newDispatcher(t, s, map[string]notify.Notifier{"ops": n}, notify.Options{Rate: 1.0 / 60, Burst: 1})
			_, err := d.Deliver(ctx)
			if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) != 30*time.Second {
				t.Errorf("Deliver returned %v after %v, want the deadline after 30s", err, time.Since(start))
			}
			if got := statuses(t, s, ids[1]); got[0] != attache.AlertQueued {
				t.Errorf("the alert waiting for its turn is %s, want queued", got[0])
			}
		})
	})
}

func TestSlowDestination(t *testing.T) {
	t.Run("a destination stuck in a send does not hold up another in the same pass", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			s, _ := openStore(t)
			now := time.Now()
			slowIDs := enqueue(t, s, now, "slow", "a")
			fastIDs := enqueue(t, s, now, "urgent", "b", "c")
			release := make(chan struct{})
			slow := &fakeNotifier{SendFunc: func(ctx context.Context, a attache.Alert) error {
				<-release
				return nil
			}}
			d := newDispatcher(t, s, map[string]notify.Notifier{"slow": slow, "urgent": &fakeNotifier{}}, notify.Options{})
			done := make(chan notify.Stats)
			go func() {
				stats, err := d.Deliver(t.Context())
				if err != nil {
					t.Errorf("Deliver: %v", err)
				}
				done <- stats
			}()
			synctest.Wait()
			if got := statuses(t, s, fastIDs...); !reflect.DeepEqual(got, []attache.AlertStatus{attache.AlertDelivered, attache.AlertDelivered}) {
				t.Errorf("while the slow destination sends, the other's alerts are %v, want delivered", got)
			}
			if got := statuses(t, s, slowIDs...); got[0] != attache.AlertInFlight {
				t.Errorf("the slow alert is %s, want in flight", got[0])
			}
			close(release)
			if stats := <-done; stats.Total().Delivered != 3 {
				t.Errorf("stats %v, want 3 delivered", stats)
			}
		})
	})

	t.Run("a send that hangs is abandoned at the send timeout and retried", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			s, _ := openStore(t)
			start := time.Now()
			ids := enqueue(t, s, start, "ops", "a")
			n := &fakeNotifier{SendFunc: func(ctx context.Context, a attache.Alert) error {
				<-ctx.Done()
				return ctx.Err()
			}}
			d := newDispatcher(t, s, map[string]notify.Notifier{"ops": n}, notify.Options{SendTimeout: 10 * time.Second})
			if stats := deliver(t, d); !reflect.DeepEqual(stats, notify.Stats{"ops": {Retried: 1}}) {
				t.Errorf("stats %v, want one retried", stats)
			}
			if a := alertByID(t, s, ids[0]); time.Since(start) != 10*time.Second || a.LastError != "context deadline exceeded" {
				t.Errorf("after %v the alert failed with %q, want a timeout after 10s", time.Since(start), a.LastError)
			}
		})
	})
}

func TestRun(t *testing.T) {
	// run starts d.Run and returns a function that stops it and waits.
	run := func(t *testing.T, d *notify.Dispatcher) (stop func()) {
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() {
			d.Run(ctx)
			close(done)
		}()
		return func() {
			cancel()
			<-done
		}
	}

	t.Run("Run sends what is queued as soon as it is woken", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			s, _ := openStore(t)
			n := &fakeNotifier{}
			d := newDispatcher(t, s, map[string]notify.Notifier{"ops": n}, notify.Options{PollInterval: time.Hour})
			stop := run(t, d)
			defer stop()
			synctest.Wait()

			start := time.Now()
			ids := enqueue(t, s, start, "ops", "a")
			d.Wake()
			synctest.Wait()
			if got := n.sends(); len(got) != 1 || got[0].id != ids[0] || got[0].at != start {
				t.Errorf("sends %+v, want %s at once", got, ids[0])
			}
		})
	})

	t.Run("Run finds alerts queued without a wake at its next poll", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			s, _ := openStore(t)
			n := &fakeNotifier{}
			d := newDispatcher(t, s, map[string]notify.Notifier{"ops": n}, notify.Options{PollInterval: 5 * time.Second})
			start := time.Now()
			stop := run(t, d)
			defer stop()
			synctest.Wait()
			enqueue(t, s, start, "ops", "a")
			time.Sleep(10 * time.Second)
			if got := n.sends(); len(got) != 1 || got[0].at.Sub(start) != 5*time.Second {
				t.Errorf("sends %+v, want one at the poll 5s after the start", got)
			}
		})
	})

	t.Run("Run wakes for a retry when its backoff ends, not at the next poll", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			s, _ := openStore(t)
			failures := 2
			n := &fakeNotifier{SendFunc: func(context.Context, attache.Alert) error {
				if failures > 0 {
					failures--
					return errors.New("connection refused")
				}
				return nil
			}}
			d := newDispatcher(t, s, map[string]notify.Notifier{"ops": n}, notify.Options{
				PollInterval: time.Hour, Backoff: notify.Backoff{Base: 3 * time.Second, Max: time.Minute},
			})
			start := time.Now()
			ids := enqueue(t, s, start, "ops", "a")
			stop := run(t, d)
			defer stop()
			time.Sleep(time.Minute)

			var at []time.Duration
			for _, c := range n.sends() {
				at = append(at, c.at.Sub(start))
			}
			if want := []time.Duration{0, 3 * time.Second, 9 * time.Second}; !reflect.DeepEqual(at, want) {
				t.Errorf("sends at %v, want %v", at, want)
			}
			if got := statuses(t, s, ids...); got[0] != attache.AlertDelivered {
				t.Errorf("alert is %s, want delivered", got[0])
			}
		})
	})

	t.Run("Run goes back to a destination after its pause", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			s, _ := openStore(t)
			limited := true
			n := &fakeNotifier{SendFunc: func(context.Context, attache.Alert) error {
				if limited {
					limited = false
					return notify.Transient("ratelimited", nil, 20*time.Second)
				}
				return nil
			}}
			d := newDispatcher(t, s, map[string]notify.Notifier{"ops": n}, notify.Options{
				PollInterval: time.Hour, Backoff: notify.Backoff{Base: time.Second, Max: time.Second},
			})
			start := time.Now()
			enqueue(t, s, start, "ops", "a", "b")
			stop := run(t, d)
			defer stop()
			time.Sleep(time.Minute)

			var at []time.Duration
			for _, c := range n.sends() {
				at = append(at, c.at.Sub(start))
			}
			// Both wait out the pause, then go together within the burst.
			if want := []time.Duration{0, 20 * time.Second, 20 * time.Second}; !reflect.DeepEqual(at, want) {
				t.Errorf("sends at %v, want %v", at, want)
			}
		})
	})

	t.Run("Run comes back for alerts queued while their destination was busy", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			s, _ := openStore(t)
			release := make(chan struct{})
			n := &fakeNotifier{SendFunc: func(ctx context.Context, a attache.Alert) error {
				<-release
				return nil
			}}
			d := newDispatcher(t, s, map[string]notify.Notifier{"ops": n}, notify.Options{PollInterval: time.Hour})
			start := time.Now()
			enqueue(t, s, start, "ops", "a")
			stop := run(t, d)
			defer stop()
			synctest.Wait() // the pass is in the send of a

			late := enqueue(t, s, start, "ops", "b")
			d.Wake()
			synctest.Wait()
			time.Sleep(time.Second)
			close(release)
			synctest.Wait()
			if got := statuses(t, s, late...); got[0] != attache.AlertDelivered {
				t.Errorf("an alert queued during a pass is %s after it, want delivered without waiting for the poll", got[0])
			}
		})
	})

	t.Run("Run serves other destinations while one is stuck in a send, and stops cleanly", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			s, _ := openStore(t)
			stuck := &fakeNotifier{SendFunc: func(ctx context.Context, a attache.Alert) error {
				<-ctx.Done()
				return ctx.Err()
			}}
			fast := &fakeNotifier{}
			d := newDispatcher(t, s, map[string]notify.Notifier{"stuck": stuck, "fast": fast}, notify.Options{
				PollInterval: time.Hour, SendTimeout: time.Hour,
			})
			now := time.Now()
			stuckIDs := enqueue(t, s, now, "stuck", "a")
			stop := run(t, d)
			synctest.Wait()

			for i, k := range []string{"b", "c", "d"} {
				time.Sleep(time.Minute)
				id := enqueue(t, s, time.Now(), "fast", k)
				d.Wake()
				synctest.Wait()
				if got := statuses(t, s, id...); got[0] != attache.AlertDelivered {
					t.Errorf("alert %d for the fast destination is %s while the other is stuck, want delivered", i, got[0])
				}
			}
			stop()
			if a := alertByID(t, s, stuckIDs[0]); a.Status != attache.AlertQueued || a.LastError != "interrupted: context canceled" {
				t.Errorf("the stuck alert is %s with %q after shutdown, want queued, interrupted", a.Status, a.LastError)
			}
			if got := d.Totals(); got["fast"].Delivered != 3 || got["stuck"].Delivered != 0 {
				t.Errorf("totals %v, want 3 delivered to fast and none to stuck", got)
			}
		})
	})
}

// unpacedNotifier is a fake notifier that, like the console, needs no pacing.
type unpacedNotifier struct{ fakeNotifier }

func (*unpacedNotifier) Unpaced() {}
