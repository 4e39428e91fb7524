package storetest

import (
	"reflect"
	"testing"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/store"
)

// fillQueue records, for destination "d": x1 and x2 (x2 published earlier)
// at t0, y1 at t0+1m; and z1 for destination "e" at t0.
func fillQueue(t *testing.T, s store.Store) {
	t.Helper()
	x1, x2, y1, z1 := item("x", "1"), item("x", "2"), item("y", "1"), item("z", "1")
	x2.Published = x1.Published.Add(-time.Hour)
	steps := []store.RecordBatch{
		batch("x", t0, []attache.Item{x1, x2}, alertFor(x1, "d", "r"), alertFor(x2, "d", "r")),
		batch("y", t0.Add(time.Minute), []attache.Item{y1}, alertFor(y1, "d", "r")),
		batch("z", t0, []attache.Item{z1}, alertFor(z1, "e", "r")),
	}
	for _, b := range steps {
		if _, err := s.Record(t.Context(), b); err != nil {
			t.Fatal(err)
		}
	}
}

func testDue(t *testing.T, open Open) {
	s, _ := open(t)
	fillQueue(t, s)
	tests := []struct {
		name  string
		dest  string
		now   time.Time
		limit int
		want  []string
	}{
		{"each feed's oldest queued first, then the earlier published, in turns across feeds", "d", t0.Add(time.Hour), 10, []string{"x/2/d", "y/1/d", "x/1/d"}},
		{"the limit keeps the first turns", "d", t0.Add(time.Hour), 2, []string{"x/2/d", "y/1/d"}},
		{"alerts queued after now are not due yet", "d", t0, 10, []string{"x/2/d", "x/1/d"}},
		{"another destination's alerts stay out", "e", t0, 10, []string{"z/1/e"}},
		{"an unknown destination has none", "nowhere", t0, 10, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			due, err := s.Due(t.Context(), tt.dest, tt.now, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, a := range due {
				got = append(got, a.ID)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("a limit of zero is an error, not everything", func(t *testing.T) {
		if _, err := s.Due(t.Context(), "d", t0, 0); err == nil {
			t.Error("Due with limit 0 succeeded")
		}
	})
}

func testDestinationsAndQueueStats(t *testing.T, open Open) {
	s, _ := open(t)
	fillQueue(t, s)
	ctx := t.Context()
	// On "d": x/2 delivered, x/1 dead, y/1 still queued. On "e": z/1 in flight.
	must(t, s.MarkInFlight(ctx, "x/2/d", t0))
	must(t, s.MarkDelivered(ctx, "x/2/d", t0))
	must(t, s.MarkDead(ctx, "x/1/d", "is_archived"))
	must(t, s.MarkInFlight(ctx, "z/1/e", t0))

	dests, err := s.Destinations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"d"}; !reflect.DeepEqual(dests, want) {
		t.Errorf("Destinations = %q, want %q (only those with queued alerts)", dests, want)
	}

	stats, err := s.QueueStats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []store.QueueStat{
		{Destination: "d", Queued: 1, Delivered: 1, Dead: 1, OldestQueued: t0.Add(time.Minute).Truncate(time.Millisecond)},
		{Destination: "e", InFlight: 1},
	}
	if !reflect.DeepEqual(stats, want) {
		t.Errorf("QueueStats =\n%+v\nwant\n%+v", stats, want)
	}
}

func testAlertsNewestFirst(t *testing.T, open Open) {
	s, _ := open(t)
	fillQueue(t, s)
	got, err := s.Alerts(t.Context(), 3)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, a := range got {
		ids = append(ids, a.ID)
	}
	// y/1 was queued last; of the three queued at t0, the latest published first.
	if want := []string{"y/1/d", "z/1/e", "x/1/d"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("got %q, want %q", ids, want)
	}
}
