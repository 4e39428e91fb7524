package postgres

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

// TestDispatchSharesDestinationsAmongReplicas: two replicas' views of the
// queue split the destinations with work between them, each answering Due
// only for its own; one cannot put another's alert in flight; a replica
// that leaves gives its destinations to the other at its next look.
func TestDispatchSharesDestinationsAmongReplicas(t *testing.T) {
	s, _ := openTest(t)
	ctx := t.Context()
	now := time.Now().UTC()
	for _, id := range []string{"a", "b"} {
		if err := s.Heartbeat(ctx, Replica{ID: id}, time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	queueAlerts(t, s, now, 2, "ops", "analysts")
	dests := []string{"ops", "analysts"}
	a, b := s.Dispatch("a", dests, time.Minute), s.Dispatch("b", dests, time.Minute)

	ga, err := a.Destinations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	gb, err := b.Destinations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ga) != 1 || len(gb) != 1 || ga[0] == gb[0] {
		t.Fatalf("replica a serves %v, b %v: want one destination each (two with work, two replicas)", ga, gb)
	}
	if due, _ := b.Due(ctx, ga[0], now.Add(time.Second), 10); len(due) != 0 {
		t.Errorf("b got %d alerts of a's destination %s", len(due), ga[0])
	}
	due, err := a.Due(ctx, ga[0], now.Add(time.Second), 10)
	if err != nil || len(due) != 2 {
		t.Fatalf("a's own destination: %d due, %v; want 2", len(due), err)
	}
	if err := b.MarkInFlight(ctx, due[0].ID, now); !errors.Is(err, ErrLeaseLost) {
		t.Errorf("b put a's alert in flight: %v, want ErrLeaseLost", err)
	}
	sent := now.Add(-time.Minute)
	if err := a.MarkInFlight(ctx, due[0].ID, sent); err != nil {
		t.Fatalf("a's own alert: %v", err)
	}

	// a stops with its alert in flight; b takes the destination over and
	// finds that alert queued again, its outcome unknown.
	if err := s.Leave(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	gb, err = b.Destinations(ctx)
	if err != nil || len(gb) != 2 {
		t.Fatalf("after a left, b serves %v (%v), want both", gb, err)
	}
	due, err = b.Due(ctx, ga[0], now.Add(time.Hour), 10)
	if err != nil || len(due) != 2 {
		t.Fatalf("b's look at a's old destination: %d due, %v; want 2", len(due), err)
	}
	unknown := 0
	for _, al := range due {
		unknown += al.Unknown
	}
	if unknown != 1 {
		t.Errorf("the alert a left in flight counts %d unknown sends, want 1", unknown)
	}
}

// TestATakeoverWaitsForThePreviousOwnersPace: a replica that takes a
// destination over just after the previous owner sent waits PaceGap before
// its own first send, so that the two dispatchers' bursts never meet.
func TestATakeoverWaitsForThePreviousOwnersPace(t *testing.T) {
	s, _ := openTest(t)
	ctx := t.Context()
	now := time.Now().UTC()
	queueAlerts(t, s, now.Add(-time.Minute), 2, "ops")
	a, b := s.Dispatch("a", []string{"ops"}, time.Minute), s.Dispatch("b", []string{"ops"}, time.Minute)
	if got, err := a.Destinations(ctx); err != nil || len(got) != 1 {
		t.Fatalf("a: %v, %v", got, err)
	}
	due, err := a.Due(ctx, "ops", now, 1)
	if err != nil || len(due) != 1 {
		t.Fatalf("a's due: %v, %v", due, err)
	}
	if err := a.MarkInFlight(ctx, due[0].ID, now); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkDelivered(ctx, due[0].ID, now); err != nil {
		t.Fatal(err)
	}
	if err := s.Leave(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if got, err := b.Destinations(ctx); err != nil || len(got) != 1 {
		t.Fatalf("b after a left: %v, %v", got, err)
	}
	if due, _ := b.Due(ctx, "ops", now, 10); len(due) != 0 {
		t.Errorf("b sends %d alerts right after a's send, within the pace gap", len(due))
	}
	time.Sleep(PaceGap)
	if due, _ := b.Due(ctx, "ops", time.Now(), 10); len(due) != 1 {
		t.Errorf("after the pace gap b has %d due, want the one left", len(due))
	}
}

func TestLeasesHeldByReplica(t *testing.T) {
	s, _ := openTest(t)
	ctx := t.Context()
	now := time.Now().UTC()
	queueAlerts(t, s, now, 1, "ops")
	if err := s.SetFeeds(ctx, "a", []string{"f1", "f2", "f3"}, now.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClaimFeeds(ctx, "a", 2, time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClaimDestinations(ctx, "b", []string{"ops"}, 1, time.Minute); err != nil {
		t.Fatal(err)
	}
	held, err := s.LeasesHeld(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if held["a"].Feeds != 2 || len(held["a"].Destinations) != 0 || held["b"].Feeds != 0 || fmt.Sprint(held["b"].Destinations) != "[ops]" {
		t.Errorf("held %+v, want a with 2 feeds and b with ops", held)
	}
}
