package postgres

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/store"
)

// queueAlerts records n alerts for each of dests, queued at at.
func queueAlerts(t *testing.T, s *Store, at time.Time, n int, dests ...string) {
	t.Helper()
	for _, d := range dests {
		var alerts []attache.Alert
		for i := range n {
			it := attache.Item{Key: fmt.Sprintf("%s-%d", d, i), Story: fmt.Sprintf("story-%s-%d", d, i)}
			alerts = append(alerts, attache.Alert{ID: fmt.Sprintf("f/%s-%d/%s", d, i, d), Destination: d, Item: it,
				Matches: []attache.Match{{Rule: "r", Severity: attache.SeverityHigh}}})
		}
		if _, err := s.Record(t.Context(), store.RecordBatch{Feed: "f", Alerts: alerts, Now: at}); err != nil {
			t.Fatal(err)
		}
	}
}

func claimDests(t *testing.T, s *Store, owner string, dests []string, ttl time.Duration) []DestinationLease {
	t.Helper()
	leases, err := s.ClaimDestinations(t.Context(), owner, dests, 10, ttl)
	if err != nil {
		t.Fatalf("ClaimDestinations(%s): %v", owner, err)
	}
	return leases
}

func TestDestinationLeases(t *testing.T) {
	s, _ := openTest(t)
	ctx := t.Context()
	queueAlerts(t, s, past, 2, "slack-a", "slack-b")
	all := []string{"slack-a", "slack-b", "idle"}

	a := claimDests(t, s, "a", []string{"slack-a"}, 100*time.Millisecond)
	if len(a) != 1 || a[0].Name != "slack-a" || a[0].Epoch != 1 || !a[0].LastSend.IsZero() || a[0].Requeued != 0 {
		t.Fatalf("a claimed %+v, want slack-a at epoch 1, never sent to", a)
	}
	b := claimDests(t, s, "b", all, time.Minute)
	if len(b) != 1 || b[0].Name != "slack-b" {
		t.Fatalf("b claimed %+v, want only slack-b: slack-a is a's and idle has no alerts", b)
	}

	sendAt := past.Add(time.Minute)
	must(t, s.MarkInFlightLeased(ctx, a[0].Lease, "f/slack-a-0/slack-a", sendAt))

	t.Run("an alert of another destination cannot go in flight under the lease", func(t *testing.T) {
		err := s.MarkInFlightLeased(ctx, a[0].Lease, "f/slack-b-0/slack-b", sendAt)
		if err == nil || errors.Is(err, ErrLeaseLost) {
			t.Errorf("MarkInFlightLeased of slack-b's alert under slack-a's lease: %v", err)
		}
	})

	t.Run("an unknown alert is not found and one in flight cannot go twice", func(t *testing.T) {
		if err := s.MarkInFlightLeased(ctx, a[0].Lease, "nope", sendAt); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown alert: %v, want ErrNotFound", err)
		}
		if err := s.MarkInFlightLeased(ctx, a[0].Lease, "f/slack-a-0/slack-a", sendAt); !errors.Is(err, store.ErrStatus) {
			t.Errorf("alert in flight: %v, want ErrStatus", err)
		}
	})

	time.Sleep(300 * time.Millisecond) // a stalls in its send, past its lease

	t.Run("a stalled owner sends nothing more", func(t *testing.T) {
		err := s.MarkInFlightLeased(ctx, a[0].Lease, "f/slack-a-1/slack-a", sendAt)
		if !errors.Is(err, ErrLeaseLost) {
			t.Errorf("MarkInFlightLeased on an expired lease: %v, want ErrLeaseLost", err)
		}
	})

	t.Run("the next owner gets the alert left in flight back, and the pacing", func(t *testing.T) {
		c := claimDests(t, s, "c", all, time.Minute)
		if len(c) != 1 || c[0].Name != "slack-a" || c[0].Epoch != 2 || c[0].Requeued != 1 || !c[0].LastSend.Equal(sendAt) {
			t.Fatalf("c claimed %+v, want slack-a at epoch 2 with 1 alert requeued and the last send at %v", c, sendAt)
		}
		due, err := s.Due(ctx, "slack-a", sendAt, 10)
		if err != nil || len(due) != 2 || due[0].Attempts != 1 {
			t.Fatalf("Due = %+v, %v; want both alerts, the first with its attempt counted", due, err)
		}
		if due[0].Unknown != 1 || !due[0].UnknownSince.Equal(sendAt) || due[1].Unknown != 0 {
			t.Errorf("requeued alert: unknown %d since %v, want 1 since %v; the other %d",
				due[0].Unknown, due[0].UnknownSince, sendAt, due[1].Unknown)
		}
		if err := s.MarkInFlightLeased(ctx, a[0].Lease, due[0].ID, sendAt); !errors.Is(err, ErrLeaseLost) {
			t.Errorf("the old owner's MarkInFlightLeased: %v, want ErrLeaseLost", err)
		}
		must(t, s.MarkInFlightLeased(ctx, c[0].Lease, due[0].ID, sendAt.Add(time.Second)))
		must(t, s.MarkDelivered(ctx, due[0].ID, sendAt.Add(time.Second)))
	})

	t.Run("a destination whose queue is empty is not claimed", func(t *testing.T) {
		must(t, s.ReleaseDestinations(ctx, []Lease{b[0].Lease}))
		again := mustClaim(t, s, "b", "slack-b")
		must(t, s.MarkInFlightLeased(ctx, again.Lease, "f/slack-b-0/slack-b", sendAt))
		must(t, s.MarkDead(ctx, "f/slack-b-0/slack-b", "gone"))
		must(t, s.MarkDead(ctx, "f/slack-b-1/slack-b", "gone"))
		must(t, s.ReleaseDestinations(ctx, []Lease{again.Lease}))
		if got := claimDests(t, s, "d", []string{"slack-b"}, time.Minute); len(got) != 0 {
			t.Errorf("claimed %+v, a destination with nothing to send", got)
		}
	})
}

func mustClaim(t *testing.T, s *Store, owner, dest string) DestinationLease {
	t.Helper()
	got := claimDests(t, s, owner, []string{dest}, time.Minute)
	if len(got) != 1 {
		t.Fatalf("%s claimed %+v, want %s", owner, got, dest)
	}
	return got[0]
}

// TestDispatchersOfThreeReplicasSendEachAlertOnce runs three dispatchers
// against one queue of five destinations, each claiming destinations and
// sending their due alerts under the lease: every alert is sent once.
func TestDispatchersOfThreeReplicasSendEachAlertOnce(t *testing.T) {
	s, dsn := openTest(t)
	dests := []string{"d1", "d2", "d3", "d4", "d5"}
	queueAlerts(t, s, past, 20, dests...)

	var (
		mu   sync.Mutex
		sent = map[string]int{}
		wg   sync.WaitGroup
		errs = make(chan error, 3)
	)
	for r := range 3 {
		wg.Go(func() {
			rs, err := Open(t.Context(), dsn)
			if err != nil {
				errs <- err
				return
			}
			defer rs.Close()
			owner := fmt.Sprint("replica-", r)
			for idle := 0; idle < 3; {
				leases, err := rs.ClaimDestinations(t.Context(), owner, dests, 2, time.Minute)
				if err != nil {
					errs <- err
					return
				}
				if len(leases) == 0 {
					idle++
					time.Sleep(10 * time.Millisecond)
					continue
				}
				for _, l := range leases {
					due, err := rs.Due(t.Context(), l.Name, past, 100)
					if err != nil {
						errs <- err
						return
					}
					for _, a := range due {
						if err := rs.MarkInFlightLeased(t.Context(), l.Lease, a.ID, past); err != nil {
							errs <- err
							return
						}
						mu.Lock()
						sent[a.ID]++
						mu.Unlock()
						if err := rs.MarkDelivered(t.Context(), a.ID, past); err != nil {
							errs <- err
							return
						}
					}
					if err := rs.ReleaseDestinations(t.Context(), []Lease{l.Lease}); err != nil {
						errs <- err
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if len(sent) != 100 {
		t.Errorf("%d alerts sent, want 100", len(sent))
	}
	for id, n := range sent {
		if n != 1 {
			t.Errorf("alert %s sent %d times", id, n)
		}
	}
}
