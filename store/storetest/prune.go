package storetest

import (
	"reflect"
	"testing"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/store"
)

func testPrune(t *testing.T, open Open) {
	s, _ := open(t)
	ctx := t.Context()
	day := 24 * time.Hour
	later := t0.Add(100 * day)

	// Four old items whose alerts end queued, in flight, delivered and dead,
	// and one recent item whose alert was delivered.
	old := []attache.Item{item("old", "queued"), item("old", "in-flight"), item("old", "delivered"), item("old", "dead")}
	var alerts []attache.Alert
	for _, it := range old {
		alerts = append(alerts, alertFor(it, "d", "r"))
	}
	if _, err := s.Record(ctx, batch("old", t0, old, alerts...)); err != nil {
		t.Fatal(err)
	}
	recent := item("new", "delivered")
	if _, err := s.Record(ctx, batch("new", later, []attache.Item{recent}, alertFor(recent, "d", "r"))); err != nil {
		t.Fatal(err)
	}
	must(t, s.MarkInFlight(ctx, "old/in-flight/d", t0))
	must(t, s.MarkInFlight(ctx, "old/delivered/d", t0))
	must(t, s.MarkDelivered(ctx, "old/delivered/d", t0))
	must(t, s.MarkDead(ctx, "old/dead/d", "channel_not_found"))
	must(t, s.MarkInFlight(ctx, "new/delivered/d", later))
	must(t, s.MarkDelivered(ctx, "new/delivered/d", later))

	got, err := s.Prune(ctx, t0.Add(90*day))
	if err != nil {
		t.Fatal(err)
	}
	if want := (store.PruneResult{Items: 4, Alerts: 2, Alerted: 4}); got != want {
		t.Errorf("Prune = %+v, want %+v", got, want)
	}

	t.Run("queued and in-flight alerts are kept however old, and recent ones too", func(t *testing.T) {
		all, err := s.Alerts(ctx, 100)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, a := range all {
			ids = append(ids, a.ID)
		}
		want := []string{"new/delivered/d", "old/queued/d", "old/in-flight/d"}
		if !reflect.DeepEqual(ids, want) {
			t.Errorf("alerts left %q, want %q", ids, want)
		}
	})

	t.Run("a queued alert whose item was pruned can still be sent whole", func(t *testing.T) {
		due, err := s.Due(ctx, "d", later, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(due) != 1 || due[0].Item.Title != old[0].Title || len(due[0].Matches) != 1 {
			t.Fatalf("due %+v, want the old queued alert with its item and match", due)
		}
		must(t, s.MarkInFlight(ctx, due[0].ID, later))
		must(t, s.MarkDelivered(ctx, due[0].ID, later))
	})

	t.Run("only recent items are left", func(t *testing.T) {
		for feed, want := range map[string]int{"old": 0, "new": 1} {
			if n, err := s.CountItems(ctx, feed); err != nil || n != want {
				t.Errorf("CountItems(%q) = %d, %v; want %d", feed, n, err, want)
			}
		}
	})

	t.Run("a pruned item that reappears is new again and alerted again", func(t *testing.T) {
		unseen, err := s.Unseen(ctx, "old", []string{"delivered"})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(unseen, []string{"delivered"}) {
			t.Fatalf("Unseen = %q, want the pruned item", unseen)
		}
		queued, err := s.Record(ctx, batch("old", later, old[2:3], alertFor(old[2], "d", "r")))
		if err != nil || len(queued) != 1 {
			t.Errorf("Record of the reappeared item queued %d, %v; want 1", len(queued), err)
		}
	})

	t.Run("an alert whose id is still in the queue is not queued twice after a prune", func(t *testing.T) {
		queued, err := s.Record(ctx, batch("old", later, old[1:2], alertFor(old[1], "d", "r")))
		if err != nil || len(queued) != 0 {
			t.Errorf("Record queued %d, %v; want none: the in-flight alert still holds the id", len(queued), err)
		}
	})
}

// testPruneKeepsWhatIsStillSighted: retention prunes by last sighting. An
// item first seen long ago but still in its source, named by a later poll
// or kept by a "not modified" answer, is kept; one gone from its source is
// pruned.
func testPruneKeepsWhatIsStillSighted(t *testing.T, open Open) {
	s, _ := open(t)
	ctx := t.Context()
	day := 24 * time.Hour
	stays, goes, unchanged := item("f", "stays"), item("f", "goes"), item("g", "unchanged")
	first := batch("f", t0, []attache.Item{stays, goes})
	first.Sighted = []string{"stays", "goes"}
	must(t, recordErr(s.Record(ctx, first)))
	second := batch("g", t0, []attache.Item{unchanged})
	second.Sighted = []string{"unchanged"}
	must(t, recordErr(s.Record(ctx, second)))

	// Ten days on: f lists only "stays"; g answers "not modified".
	again := batch("f", t0.Add(10*day), nil)
	again.Sighted = []string{"stays"}
	must(t, recordErr(s.Record(ctx, again)))
	notModified := batch("g", t0.Add(10*day), nil)
	notModified.Unchanged = true
	must(t, recordErr(s.Record(ctx, notModified)))

	got, err := s.Prune(ctx, t0.Add(5*day))
	if err != nil {
		t.Fatal(err)
	}
	if got.Items != 1 {
		t.Errorf("pruned %d items, want 1 (the one gone from its source)", got.Items)
	}
	unseen, err := s.Unseen(ctx, "f", []string{"stays", "goes"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(unseen, []string{"goes"}) {
		t.Errorf("after the prune, unseen %v, want only the item gone from its source", unseen)
	}
	if unseen, _ := s.Unseen(ctx, "g", []string{"unchanged"}); len(unseen) != 0 {
		t.Errorf("an item kept by a not-modified answer was pruned")
	}
}

// recordErr drops Record's alerts.
func recordErr(_ []attache.Alert, err error) error { return err }
