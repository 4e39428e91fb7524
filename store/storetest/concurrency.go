package storetest

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/store"
)

func testRequeueInFlightAfterACrash(t *testing.T, open Open) {
	s, reopen := open(t)
	sent := queueOne(t, s, "sent")
	waiting := queueOne(t, s, "waiting")
	// The dispatcher took one alert and the process died during the send.
	must(t, s.MarkInFlight(t.Context(), sent, t0))
	s.Close()

	s = reopen(t)
	if got := dueIDs(t, s, t0); !reflect.DeepEqual(got, []string{waiting}) {
		t.Errorf("before requeueing, due %q, want only %q", got, waiting)
	}
	n, err := s.RequeueInFlight(t.Context())
	if err != nil || n != 1 {
		t.Fatalf("RequeueInFlight = %d, %v; want 1", n, err)
	}
	if got := dueIDs(t, s, t0); !reflect.DeepEqual(got, []string{sent, waiting}) {
		t.Errorf("after requeueing, due %q, want %q", got, []string{sent, waiting})
	}
	a := alertByID(t, s, sent)
	if a.Attempts != 1 {
		t.Errorf("requeued alert has %d attempts, want the interrupted one counted", a.Attempts)
	}
	// The send may or may not have arrived: its outcome is unknown, from
	// when it began.
	if a.Unknown != 1 || !a.UnknownSince.Equal(t0.Truncate(time.Millisecond)) {
		t.Errorf("requeued alert: unknown %d since %v, want 1 since %v", a.Unknown, a.UnknownSince, t0)
	}
	if w := alertByID(t, s, waiting); w.Unknown != 0 || !w.UnknownSince.IsZero() {
		t.Errorf("alert never sent: unknown %d since %v, want none", w.Unknown, w.UnknownSince)
	}
	if n, err := s.RequeueInFlight(t.Context()); err != nil || n != 0 {
		t.Errorf("second RequeueInFlight = %d, %v; want 0", n, err)
	}
}

// TestPollerAndDispatcherAtOnce runs the store as the daemon does: pollers
// record batches while a dispatcher drains the queue and a status page
// reads, all on one Store. Run it with -race.
func testPollerAndDispatcherAtOnce(t *testing.T, open Open) {
	s, _ := open(t)
	ctx := t.Context()
	const feeds, polls, perPoll = 4, 8, 5

	errs := make(chan error, feeds+2)
	var pollers sync.WaitGroup
	for f := range feeds {
		pollers.Go(func() {
			feed := fmt.Sprintf("feed-%d", f)
			for p := range polls {
				var items []attache.Item
				var alerts []attache.Alert
				for i := range perPoll {
					it := item(feed, fmt.Sprintf("%d-%d", p, i))
					items = append(items, it)
					alerts = append(alerts, alertFor(it, "d", "r"))
				}
				if _, err := s.Record(ctx, batch(feed, t0, items, alerts...)); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	pollersDone := make(chan struct{})
	go func() { pollers.Wait(); close(pollersDone) }()

	var others sync.WaitGroup
	others.Go(func() { errs <- dispatch(ctx, s, pollersDone) })
	others.Go(func() {
		for {
			select {
			case <-pollersDone:
				errs <- nil
				return
			default:
			}
			if _, err := s.QueueStats(ctx); err != nil {
				errs <- err
				return
			}
			if _, err := s.FeedStates(ctx); err != nil {
				errs <- err
				return
			}
			if _, err := s.Unseen(ctx, "feed-0", []string{"0-0", "x"}); err != nil {
				errs <- err
				return
			}
		}
	})
	others.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}

	stats, err := s.QueueStats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []store.QueueStat{{Destination: "d", Delivered: feeds * polls * perPoll}}
	if !reflect.DeepEqual(stats, want) {
		t.Errorf("QueueStats = %+v, want %+v", stats, want)
	}
}

// dispatch delivers due alerts until the pollers are done and a full pass
// finds nothing left.
func dispatch(ctx context.Context, s store.Store, pollersDone <-chan struct{}) error {
	for {
		var finished bool
		select {
		case <-pollersDone:
			finished = true // every batch is in; this pass sees them all
		default:
		}
		due, err := s.Due(ctx, "d", t0, 7)
		if err != nil {
			return err
		}
		for _, a := range due {
			if err := s.MarkInFlight(ctx, a.ID, t0); err != nil {
				return err
			}
			if err := s.MarkDelivered(ctx, a.ID, t0); err != nil {
				return err
			}
		}
		if finished && len(due) == 0 {
			return nil
		}
	}
}
