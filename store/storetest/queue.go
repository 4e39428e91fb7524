package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/store"
)

// queueOne records one alert to destination "d" at t0 and returns its id.
func queueOne(t *testing.T, s store.Store, key string) string {
	t.Helper()
	it := item("f", key)
	queued, err := s.Record(t.Context(), batch("f", t0, []attache.Item{it}, alertFor(it, "d", "r")))
	if err != nil || len(queued) != 1 {
		t.Fatalf("Record: queued %d, %v", len(queued), err)
	}
	return queued[0].ID
}

// alertByID reads one alert back through Alerts.
func alertByID(t *testing.T, s store.Store, id string) attache.Alert {
	t.Helper()
	all, err := s.Alerts(t.Context(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range all {
		if a.ID == id {
			return a
		}
	}
	t.Fatalf("alert %q not found", id)
	return attache.Alert{}
}

func testQueueLifecycle(t *testing.T, open Open) {
	ms := func(t time.Time) time.Time { return t.Truncate(time.Millisecond) }
	tests := []struct {
		name string
		run  func(t *testing.T, s store.Store, id string)
		want attache.Alert // only the queue fields are compared
	}{
		{
			name: "a queued alert sent is delivered",
			run: func(t *testing.T, s store.Store, id string) {
				must(t, s.MarkInFlight(t.Context(), id, t0.Add(time.Second)))
				must(t, s.MarkDelivered(t.Context(), id, t0.Add(2*time.Second)))
			},
			want: attache.Alert{Status: attache.AlertDelivered, Attempts: 1, NextAttempt: ms(t0), Delivered: ms(t0.Add(2 * time.Second))},
		},
		{
			name: "a transient failure queues the alert again, not due before its time",
			run: func(t *testing.T, s store.Store, id string) {
				must(t, s.MarkInFlight(t.Context(), id, t0))
				next := t0.Add(time.Minute)
				must(t, s.MarkRetry(t.Context(), id, next, "timeout"))
				if due := dueIDs(t, s, next.Add(-time.Millisecond)); len(due) != 0 {
					t.Errorf("due before its retry time: %q", due)
				}
				if due := dueIDs(t, s, next); !reflect.DeepEqual(due, []string{id}) {
					t.Errorf("due at its retry time: %q, want %q", due, id)
				}
			},
			want: attache.Alert{Status: attache.AlertQueued, Attempts: 1, NextAttempt: ms(t0.Add(time.Minute)), LastError: "timeout"},
		},
		{
			name: "a second attempt counts a second attempt",
			run: func(t *testing.T, s store.Store, id string) {
				must(t, s.MarkInFlight(t.Context(), id, t0))
				must(t, s.MarkRetry(t.Context(), id, t0, "503"))
				must(t, s.MarkInFlight(t.Context(), id, t0))
				must(t, s.MarkDelivered(t.Context(), id, t0))
			},
			want: attache.Alert{Status: attache.AlertDelivered, Attempts: 2, NextAttempt: ms(t0), LastError: "503", Delivered: ms(t0)},
		},
		{
			name: "a send whose outcome is unknown queues the alert again and counts it from its start",
			run: func(t *testing.T, s store.Store, id string) {
				must(t, s.MarkInFlight(t.Context(), id, t0.Add(time.Second)))
				next := t0.Add(time.Minute)
				must(t, s.MarkUnknown(t.Context(), id, next, "timeout"))
				if due := dueIDs(t, s, next.Add(-time.Millisecond)); len(due) != 0 {
					t.Errorf("due before its retry time: %q", due)
				}
				if due := dueIDs(t, s, next); !reflect.DeepEqual(due, []string{id}) {
					t.Errorf("due at its retry time: %q, want %q", due, id)
				}
			},
			want: attache.Alert{Status: attache.AlertQueued, Attempts: 1, NextAttempt: ms(t0.Add(time.Minute)), LastError: "timeout",
				Unknown: 1, UnknownSince: ms(t0.Add(time.Second))},
		},
		{
			name: "unknown outcomes add up, since the first, through other failures, until delivery",
			run: func(t *testing.T, s store.Store, id string) {
				must(t, s.MarkInFlight(t.Context(), id, t0.Add(time.Second)))
				must(t, s.MarkUnknown(t.Context(), id, t0, "timeout"))
				must(t, s.MarkInFlight(t.Context(), id, t0.Add(2*time.Second)))
				must(t, s.MarkRetry(t.Context(), id, t0, "refused"))
				must(t, s.MarkInFlight(t.Context(), id, t0.Add(3*time.Second)))
				must(t, s.MarkUnknown(t.Context(), id, t0, "timeout again"))
				if a := alertByID(t, s, id); a.Unknown != 2 || !a.UnknownSince.Equal(ms(t0.Add(time.Second))) {
					t.Errorf("after two unknown outcomes: unknown %d since %v, want 2 since the first send", a.Unknown, a.UnknownSince)
				}
				must(t, s.MarkInFlight(t.Context(), id, t0.Add(4*time.Second)))
				must(t, s.MarkDelivered(t.Context(), id, t0.Add(5*time.Second)))
			},
			want: attache.Alert{Status: attache.AlertDelivered, Attempts: 4, NextAttempt: ms(t0), LastError: "timeout again",
				Delivered: ms(t0.Add(5 * time.Second)), Unknown: 2, UnknownSince: ms(t0.Add(time.Second))},
		},
		{
			name: "a permanent failure makes the alert dead and no longer due",
			run: func(t *testing.T, s store.Store, id string) {
				must(t, s.MarkInFlight(t.Context(), id, t0))
				must(t, s.MarkDead(t.Context(), id, "channel_not_found"))
				if due := dueIDs(t, s, t0.Add(time.Hour)); len(due) != 0 {
					t.Errorf("a dead alert is due: %q", due)
				}
			},
			want: attache.Alert{Status: attache.AlertDead, Attempts: 1, NextAttempt: ms(t0), LastError: "channel_not_found"},
		},
		{
			name: "a queued alert can be given up without a send",
			run: func(t *testing.T, s store.Store, id string) {
				must(t, s.MarkDead(t.Context(), id, "destination removed"))
			},
			want: attache.Alert{Status: attache.AlertDead, NextAttempt: ms(t0), LastError: "destination removed"},
		},
		{
			name: "an alert in flight is not due and cannot be taken twice",
			run: func(t *testing.T, s store.Store, id string) {
				must(t, s.MarkInFlight(t.Context(), id, t0))
				if due := dueIDs(t, s, t0); len(due) != 0 {
					t.Errorf("an alert in flight is due: %q", due)
				}
				wantErr(t, s.MarkInFlight(t.Context(), id, t0), store.ErrStatus)
			},
			want: attache.Alert{Status: attache.AlertInFlight, Attempts: 1, NextAttempt: ms(t0)},
		},
		{
			name: "a delivered alert cannot be delivered, retried or killed again",
			run: func(t *testing.T, s store.Store, id string) {
				must(t, s.MarkInFlight(t.Context(), id, t0))
				must(t, s.MarkDelivered(t.Context(), id, t0))
				wantErr(t, s.MarkDelivered(t.Context(), id, t0), store.ErrStatus)
				wantErr(t, s.MarkRetry(t.Context(), id, t0, "x"), store.ErrStatus)
				wantErr(t, s.MarkUnknown(t.Context(), id, t0, "x"), store.ErrStatus)
				wantErr(t, s.MarkDead(t.Context(), id, "x"), store.ErrStatus)
				wantErr(t, s.MarkInFlight(t.Context(), id, t0), store.ErrStatus)
			},
			want: attache.Alert{Status: attache.AlertDelivered, Attempts: 1, NextAttempt: ms(t0), Delivered: ms(t0)},
		},
		{
			name: "a queued alert cannot be delivered without being in flight",
			run: func(t *testing.T, s store.Store, id string) {
				wantErr(t, s.MarkDelivered(t.Context(), id, t0), store.ErrStatus)
				wantErr(t, s.MarkRetry(t.Context(), id, t0, "x"), store.ErrStatus)
				wantErr(t, s.MarkUnknown(t.Context(), id, t0, "x"), store.ErrStatus)
			},
			want: attache.Alert{Status: attache.AlertQueued, NextAttempt: ms(t0)},
		},
		{
			name: "an unknown id is not found",
			run: func(t *testing.T, s store.Store, id string) {
				wantErr(t, s.MarkInFlight(t.Context(), "nope", t0), store.ErrNotFound)
				wantErr(t, s.MarkDelivered(t.Context(), "nope", t0), store.ErrNotFound)
				wantErr(t, s.MarkRetry(t.Context(), "nope", t0, "x"), store.ErrNotFound)
				wantErr(t, s.MarkUnknown(t.Context(), "nope", t0, "x"), store.ErrNotFound)
				wantErr(t, s.MarkDead(t.Context(), "nope", "x"), store.ErrNotFound)
			},
			want: attache.Alert{Status: attache.AlertQueued, NextAttempt: ms(t0)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := open(t)
			id := queueOne(t, s, "a")
			tt.run(t, s, id)
			a := alertByID(t, s, id)
			got := attache.Alert{Status: a.Status, Attempts: a.Attempts, NextAttempt: a.NextAttempt,
				LastError: a.LastError, Delivered: a.Delivered, Unknown: a.Unknown, UnknownSince: a.UnknownSince}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantErr(t *testing.T, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("got error %v, want %v", err, want)
	}
}

// dueIDs lists the ids due for destination "d" at now.
func dueIDs(t *testing.T, s store.Store, now time.Time) []string {
	t.Helper()
	due, err := s.Due(t.Context(), "d", now, 100)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, a := range due {
		ids = append(ids, a.ID)
	}
	return ids
}

// testDueOrder: a destination is served by severity, then in turns across
// feeds, each feed's oldest first. A feed that queued a long backlog first
// holds up another feed's alert by one of its own, not by the backlog.
func testDueOrder(t *testing.T, open Open) {
	s, _ := open(t)
	var flood []attache.Item
	var floodAlerts []attache.Alert
	for i := range 5 {
		it := item("busy", fmt.Sprint("b", i))
		flood = append(flood, it)
		floodAlerts = append(floodAlerts, alertFor(it, "d", "r"))
	}
	if _, err := s.Record(t.Context(), batch("busy", t0, flood, floodAlerts...)); err != nil {
		t.Fatal(err)
	}
	quiet := item("quiet", "q0")
	if _, err := s.Record(t.Context(), batch("quiet", t0.Add(time.Minute), []attache.Item{quiet}, alertFor(quiet, "d", "r"))); err != nil {
		t.Fatal(err)
	}
	urgent := item("other", "u0")
	ua := alertFor(urgent, "d", "r")
	ua.Matches[0].Severity = attache.SeverityCritical
	if _, err := s.Record(t.Context(), batch("other", t0.Add(2*time.Minute), []attache.Item{urgent}, ua)); err != nil {
		t.Fatal(err)
	}
	got := dueIDs(t, s, t0.Add(time.Hour))
	want := []string{"other/u0/d", "busy/b0/d", "quiet/q0/d", "busy/b1/d", "busy/b2/d", "busy/b3/d", "busy/b4/d"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("due in the order %v, want %v (critical first, then a turn each)", got, want)
	}
}

// testRequeue: a dead alert put back in the queue is due at once, with its
// attempts and age started again; an alert that is not dead is refused.
func testRequeue(t *testing.T, open Open) {
	s, _ := open(t)
	ctx := t.Context()
	id := queueOne(t, s, "a")
	must(t, s.MarkInFlight(ctx, id, t0))
	must(t, s.MarkDead(ctx, id, "not_in_channel"))
	later := t0.Add(48 * time.Hour).Truncate(time.Millisecond) // as stored
	must(t, s.Requeue(ctx, id, later))
	a := alertByID(t, s, id)
	if a.Status != attache.AlertQueued || a.Attempts != 0 || !a.Queued.Equal(later) || !a.NextAttempt.Equal(later) {
		t.Errorf("requeued alert: %s, %d attempts, queued %v, next %v; want queued anew at %v", a.Status, a.Attempts, a.Queued, a.NextAttempt, later)
	}
	if got := dueIDs(t, s, later); !reflect.DeepEqual(got, []string{id}) {
		t.Errorf("due after the requeue: %v", got)
	}
	wantErr(t, s.Requeue(ctx, id, later), store.ErrStatus)
	wantErr(t, s.Requeue(ctx, "nosuch", later), store.ErrNotFound)
}
