package notify_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/notify"
	"github.com/attache-dev/attache/store/sqlite"
)

func TestShutdownAndCrash(t *testing.T) {
	t.Run("a send cut short by shutdown leaves the alert queued, not delivered, and the rest waits", func(t *testing.T) {
		s, _ := openStore(t)
		ids := enqueue(t, s, t0, "ops", "a", "b", "c")
		ctx, cancel := context.WithCancel(t.Context())
		n := &fakeNotifier{SendFunc: func(sendCtx context.Context, a attache.Alert) error {
			if a.ID != ids[1] {
				return nil
			}
			cancel() // the daemon is told to stop during this send
			<-sendCtx.Done()
			return sendCtx.Err()
		}}
		d := newDispatcher(t, s, map[string]notify.Notifier{"ops": n}, notify.Options{Now: newClock(t0).Now})

		stats, err := d.Deliver(ctx)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Deliver error %v, want context.Canceled", err)
		}
		if want := (notify.Stats{"ops": {Delivered: 1, Retried: 1}}); !reflect.DeepEqual(stats, want) {
			t.Errorf("stats %v, want %v", stats, want)
		}
		want := []attache.AlertStatus{attache.AlertDelivered, attache.AlertQueued, attache.AlertQueued}
		if got := statuses(t, s, ids...); !reflect.DeepEqual(got, want) {
			t.Errorf("statuses %v, want %v", got, want)
		}
		if a := alertByID(t, s, ids[1]); a.LastError != "interrupted: context canceled" || !a.NextAttempt.Equal(t0) {
			t.Errorf("interrupted alert: error %q, next attempt %v; want due at once", a.LastError, a.NextAttempt)
		}
	})

	t.Run("a send that completed as shutdown began is recorded as delivered", func(t *testing.T) {
		s, _ := openStore(t)
		ids := enqueue(t, s, t0, "ops", "a")
		ctx, cancel := context.WithCancel(t.Context())
		n := &fakeNotifier{SendFunc: func(context.Context, attache.Alert) error {
			cancel()
			return nil
		}}
		d := newDispatcher(t, s, map[string]notify.Notifier{"ops": n}, notify.Options{Now: newClock(t0).Now})
		d.Deliver(ctx)
		if got := alertByID(t, s, ids[0]).Status; got != attache.AlertDelivered {
			t.Errorf("alert is %s, want delivered", got)
		}
	})

	t.Run("after a crash during a send, the alert is sent once more and no alert is lost", func(t *testing.T) {
		s, path := openStore(t)
		ids := enqueue(t, s, t0, "ops", "a", "b", "c")
		other := enqueue(t, s, t0, "press", "d")
		// The process dies during the second send: its handle on the state
		// file is gone, so nothing after the send is recorded.
		crashing := &fakeNotifier{SendFunc: func(ctx context.Context, a attache.Alert) error {
			if a.ID == ids[1] {
				s.Close()
				return errors.New("killed")
			}
			return nil
		}}
		d := newDispatcher(t, s, map[string]notify.Notifier{"ops": crashing}, notify.Options{Now: newClock(t0).Now})
		if _, err := d.Deliver(t.Context()); err == nil {
			t.Fatal("Deliver went on after the store was gone")
		}

		s, err := sqlite.Open(t.Context(), path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		restarted := &fakeNotifier{}
		d = newDispatcher(t, s, map[string]notify.Notifier{"ops": restarted, "press": restarted},
			notify.Options{Now: newClock(t0.Add(time.Minute)).Now})
		if err := d.Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		deliver(t, d)

		received := map[string]int{}
		for _, id := range append(crashing.ids(), restarted.ids()...) {
			received[id]++
		}
		want := map[string]int{ids[0]: 1, ids[1]: 2, ids[2]: 1, other[0]: 1}
		if !reflect.DeepEqual(received, want) {
			t.Errorf("received %v, want %v: every alert, and only the one in flight twice", received, want)
		}
		for _, id := range append(ids, other...) {
			if a := alertByID(t, s, id); a.Status != attache.AlertDelivered {
				t.Errorf("%s is %s, want delivered", id, a.Status)
			}
		}
	})
}
