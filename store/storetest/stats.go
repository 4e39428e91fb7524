package storetest

import (
	"reflect"
	"testing"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/store"
)

func testRuleCounts(t *testing.T, open Open) {
	s, _ := open(t)

	t.Run("an empty store counts nothing", func(t *testing.T) {
		got, err := s.RuleCounts(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 0 {
			t.Errorf("got %v, want no rules", got)
		}
	})

	a, b, c := item("f", "a"), item("f", "b"), item("g", "c")
	again := item("g", "a-again")
	again.Story = a.Story // the same story in another feed: no second alert
	steps := []store.RecordBatch{
		batch("f", t0, []attache.Item{a, b},
			alertFor(a, "d", "r", "s"), alertFor(b, "d", "r"), alertFor(b, "e", "r")),
		batch("g", t0.Add(time.Hour), []attache.Item{c, again},
			alertFor(c, "d", "s"), alertFor(again, "d", "r")),
	}
	for _, b := range steps {
		if _, err := s.Record(t.Context(), b); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("each rule counts one per story and destination it alerted", func(t *testing.T) {
		got, err := s.RuleCounts(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int{"r": 3, "s": 2}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
	})

	t.Run("records pruned with the retention are no longer counted", func(t *testing.T) {
		if _, err := s.Prune(t.Context(), t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		got, err := s.RuleCounts(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int{"s": 1}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
	})

	t.Run("a closed store is an error", func(t *testing.T) {
		s.Close()
		if got, err := s.RuleCounts(t.Context()); err == nil {
			t.Errorf("got %v and no error from a closed store", got)
		}
	})
}
