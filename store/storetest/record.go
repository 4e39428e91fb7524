package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/store"
)

func testRecordIsAtomic(t *testing.T, open Open) {
	good := []attache.Item{item("f", "a"), item("f", "b")}
	tests := []struct {
		name  string
		batch func() store.RecordBatch
		ctx   func(context.Context) context.Context
	}{
		{
			name: "an item with an empty key after valid ones undoes the whole batch",
			batch: func() store.RecordBatch {
				bad := item("f", "")
				return batch("f", t0, append(good[:2:2], bad), alertFor(good[0], "d", "r"))
			},
		},
		{
			name: "an alert with an empty id after a valid alert undoes the whole batch",
			batch: func() store.RecordBatch {
				bad := alertFor(good[1], "d", "r")
				bad.ID = ""
				return batch("f", t0, good, alertFor(good[0], "d", "r"), bad)
			},
		},
		{
			name: "a match with an empty rule undoes the claims made before it",
			batch: func() store.RecordBatch {
				a := alertFor(good[0], "d", "r", "")
				return batch("f", t0, good, a)
			},
		},
		{
			name: "an unknown severity undoes the whole batch",
			batch: func() store.RecordBatch {
				bad := alertFor(good[1], "d", "r")
				bad.Matches[0].Severity = attache.Severity(9)
				return batch("f", t0, good, alertFor(good[0], "d", "r"), bad)
			},
		},
		{
			name:  "a cancelled context writes nothing",
			batch: func() store.RecordBatch { return batch("f", t0, good, alertFor(good[0], "d", "r")) },
			ctx: func(ctx context.Context) context.Context {
				ctx, cancel := context.WithCancel(ctx)
				cancel()
				return ctx
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := open(t)
			ctx := t.Context()
			if tt.ctx != nil {
				ctx = tt.ctx(ctx)
			}
			queued, err := s.Record(ctx, tt.batch())
			if err == nil {
				t.Fatalf("Record succeeded, queued %d", len(queued))
			}
			for _, table := range []string{"feeds", "items", "alerted", "alerts"} {
				if n := rowCount(t, s, table); n != 0 {
					t.Errorf("%s has %d rows after a failed Record, want 0", table, n)
				}
			}
			// The valid part of the batch must still be recordable, and alerted.
			queued, err = s.Record(t.Context(), batch("f", t0, good, alertFor(good[0], "d", "r")))
			if err != nil || len(queued) != 1 {
				t.Errorf("retry: queued %d, %v; want 1 alert", len(queued), err)
			}
		})
	}
}

func testRecordRefusesAnotherFeedsRows(t *testing.T, open Open) {
	s, _ := open(t)
	b := batch("f", t0, []attache.Item{item("f", "a"), item("g", "b")})
	if _, err := s.Record(t.Context(), b); err == nil {
		t.Error("Record accepted an item of another feed")
	}
	b = batch("f", t0, nil, alertFor(item("g", "b"), "d", "r"))
	if _, err := s.Record(t.Context(), b); err == nil {
		t.Error("Record accepted an alert of another feed")
	}
	if _, err := s.Record(t.Context(), store.RecordBatch{Feed: "f"}); err == nil {
		t.Error("Record accepted a batch without a time")
	}
}

// rules lists the rule names of an alert's matches.
func rules(a attache.Alert) []string {
	var rs []string
	for _, m := range a.Matches {
		rs = append(rs, m.Rule)
	}
	return rs
}

func testRecordDedup(t *testing.T, open Open) {
	// Two feeds carry the same story under their own keys.
	a := item("feed-a", "a1")
	b := item("feed-b", "b1")
	b.Story = a.Story

	type step struct {
		feed  string
		items []attache.Item
		alert attache.Alert
		want  []string // rules of the queued alert; nil: nothing queued
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{
			name: "the same story from a second feed is not alerted again for the same rule and destination",
			steps: []step{
				{"feed-a", []attache.Item{a}, alertFor(a, "d", "r"), []string{"r"}},
				{"feed-b", []attache.Item{b}, alertFor(b, "d", "r"), nil},
			},
		},
		{
			name: "the same story is alerted to another destination",
			steps: []step{
				{"feed-a", []attache.Item{a}, alertFor(a, "d", "r"), []string{"r"}},
				{"feed-b", []attache.Item{b}, alertFor(b, "e", "r"), []string{"r"}},
			},
		},
		{
			name: "a story already alerted for one rule is alerted naming only the new rule",
			steps: []step{
				{"feed-a", []attache.Item{a}, alertFor(a, "d", "r"), []string{"r"}},
				{"feed-b", []attache.Item{b}, alertFor(b, "d", "r", "s"), []string{"s"}},
			},
		},
		{
			name: "the same item recorded twice queues its alert once",
			steps: []step{
				{"feed-a", []attache.Item{a}, alertFor(a, "d", "r"), []string{"r"}},
				{"feed-a", []attache.Item{a}, alertFor(a, "d", "r"), nil},
			},
		},
		{
			name: "an alert id already queued is not queued again, even for a new rule",
			steps: []step{
				{"feed-a", []attache.Item{a}, alertFor(a, "d", "r"), []string{"r"}},
				{"feed-a", nil, alertFor(a, "d", "s"), nil},
				// Rule s was not claimed by the refused alert: feed-b may still send it.
				{"feed-b", []attache.Item{b}, alertFor(b, "d", "s"), []string{"s"}},
			},
		},
		{
			name: "a rule named twice in one alert is named once",
			steps: []step{
				{"feed-a", []attache.Item{a}, alertFor(a, "d", "r", "r"), []string{"r"}},
			},
		},
		{
			name: "two storyless items of one feed are two stories",
			steps: []step{
				{"feed-a", nil, alertFor(attache.Item{Key: "x"}, "d", "r"), []string{"r"}},
				{"feed-a", nil, alertFor(attache.Item{Key: "y"}, "d", "r"), []string{"r"}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := open(t)
			var want int
			for i, st := range tt.steps {
				queued, err := s.Record(t.Context(), batch(st.feed, t0.Add(time.Duration(i)*time.Minute), st.items, st.alert))
				if err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
				var got []string
				if len(queued) > 1 {
					t.Fatalf("step %d: %d alerts queued, want at most 1", i, len(queued))
				} else if len(queued) == 1 {
					got = rules(queued[0])
					want++
				}
				if !reflect.DeepEqual(got, st.want) {
					t.Errorf("step %d: queued rules %q, want %q", i, got, st.want)
				}
			}
			if n := rowCount(t, s, "alerts"); n != want {
				t.Errorf("%d alerts in the queue, want %d", n, want)
			}
		})
	}
}

func testRecordQueuesOneAlertPerIDInABatch(t *testing.T, open Open) {
	s, _ := open(t)
	a := item("f", "a")
	first, second := alertFor(a, "d", "r"), alertFor(a, "d", "s")
	queued, err := s.Record(t.Context(), batch("f", t0, []attache.Item{a}, first, second))
	if err != nil {
		t.Fatal(err)
	}
	if len(queued) != 1 || !reflect.DeepEqual(rules(queued[0]), []string{"r"}) {
		t.Errorf("queued %v, want one alert naming r", queued)
	}
	if n := rowCount(t, s, "alerts"); n != 1 {
		t.Errorf("%d alerts in the queue, want 1", n)
	}
}

func testRecordReturnsTheAlertsAsDueReturnsThem(t *testing.T, open Open) {
	s, _ := open(t)
	it := item("f", "a")
	it.Categories = []string{"politics"}
	queued, err := s.Record(t.Context(), batch("f", t0, []attache.Item{it}, alertFor(it, "d", "r")))
	if err != nil {
		t.Fatal(err)
	}
	due, err := s.Due(t.Context(), "d", t0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(due, queued) {
		t.Errorf("Due gave\n%+v\nRecord gave\n%+v", due, queued)
	}
	if len(queued) == 1 && (queued[0].Status != attache.AlertQueued || !queued[0].Queued.Equal(t0.Truncate(time.Millisecond))) {
		t.Errorf("queued alert is %s at %v, want queued at %v", queued[0].Status, queued[0].Queued, t0)
	}
}

func testRecordKeepsAnItemAsFirstSeen(t *testing.T, open Open) {
	s, _ := open(t)
	it := item("f", "a")
	if _, err := s.Record(t.Context(), batch("f", t0, []attache.Item{it})); err != nil {
		t.Fatal(err)
	}
	edited := it
	edited.Title = "edited"
	if _, err := s.Record(t.Context(), batch("f", t0.Add(time.Hour), []attache.Item{edited})); err != nil {
		t.Fatal(err)
	}
	items, err := s.ItemsSince(t.Context(), t0.Add(-time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || items[0].Title != it.Title {
		t.Errorf("items %+v, want the one first seen, titled %q", items, it.Title)
	}
	if items, _ := s.ItemsSince(t.Context(), t0.Add(time.Minute)); len(items) != 0 {
		t.Errorf("first sight moved: %d items seen since t0+1m, want 0", len(items))
	}
}
