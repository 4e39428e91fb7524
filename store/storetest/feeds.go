package storetest

import (
	"reflect"
	"testing"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/store"
)

func testFeedState(t *testing.T, open Open) {
	full := store.FeedState{
		Feed:              "kremlin-en",
		ETag:              `W/"abc"`,
		LastModified:      "Sat, 01 Mar 2025 11:00:00 GMT",
		LastPoll:          t0,
		LastSuccess:       t0.Add(-time.Hour),
		ConsecutiveErrors: 3,
		LastError:         "feed \"kremlin-en\": not a feed",
		Baselined:         true,
		FailingSince:      t0.Add(-30 * time.Minute),
		HealthAlerted:     true,
	}
	readBack := full
	readBack.Known = true
	readBack.LastPoll = t0.Truncate(time.Millisecond)
	readBack.LastSuccess = t0.Add(-time.Hour).Truncate(time.Millisecond)
	readBack.FailingSince = t0.Add(-30 * time.Minute).Truncate(time.Millisecond)

	tests := []struct {
		name  string
		saves []store.FeedState
		want  store.FeedState
	}{
		{
			name: "a feed never saved is unknown and otherwise zero",
			want: store.FeedState{Feed: "kremlin-en"},
		},
		{
			name:  "a saved state reads back whole",
			saves: []store.FeedState{full},
			want:  readBack,
		},
		{
			name:  "saving again replaces every field, zero times too",
			saves: []store.FeedState{full, {Feed: "kremlin-en", LastPoll: t0}},
			want:  store.FeedState{Feed: "kremlin-en", Known: true, LastPoll: t0.Truncate(time.Millisecond)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := open(t)
			for _, st := range tt.saves {
				if err := s.SaveFeedState(t.Context(), st); err != nil {
					t.Fatal(err)
				}
			}
			got, err := s.FeedState(t.Context(), "kremlin-en")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func testSaveFeedStateRefusesAnEmptyName(t *testing.T, open Open) {
	s, _ := open(t)
	if err := s.SaveFeedState(t.Context(), store.FeedState{}); err == nil {
		t.Error("SaveFeedState accepted an empty feed name")
	}
}

func testFeedStatesListsEveryFeedByNameWithItsItems(t *testing.T, open Open) {
	s, _ := open(t)
	if _, err := s.Record(t.Context(), batch("b", t0, []attache.Item{item("b", "1"), item("b", "2")})); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveFeedState(t.Context(), store.FeedState{Feed: "a", ConsecutiveErrors: 1}); err != nil {
		t.Fatal(err)
	}
	states, err := s.FeedStates(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	type summary struct {
		Feed      string
		Items     int
		Errors    int
		Baselined bool
	}
	var got []summary
	for _, st := range states {
		got = append(got, summary{st.Feed, st.Items, st.ConsecutiveErrors, st.Baselined})
	}
	want := []summary{{"a", 0, 1, false}, {"b", 2, 0, true}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

// testScheduleStateSpansRestartsAndPolls: what an adaptive schedule
// learned is kept for a feed never polled, read back after a restart, and
// left as it is by the polls' own saves.
func testScheduleStateSpansRestartsAndPolls(t *testing.T, open Open) {
	s, reopen := open(t)
	ctx := t.Context()
	learned := []byte(`{"v":1,"counts":[1,2,3],"spent_today":7}`)
	if err := s.SaveScheduleState(ctx, "mid-telegram", learned); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveFeedState(ctx, store.FeedState{Feed: "mid-telegram", LastPoll: t0, Baselined: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Record(ctx, store.RecordBatch{Feed: "mid-telegram", State: store.FeedState{Feed: "mid-telegram", LastPoll: t0.Add(time.Minute)},
		Items: []attache.Item{{Key: "k1", Story: "s1"}}, Now: t0}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveScheduleState(ctx, "", learned); err == nil {
		t.Error("a schedule state saved for an empty feed name")
	}
	s.Close()
	again := reopen(t)
	got, err := again.FeedState(ctx, "mid-telegram")
	if err != nil {
		t.Fatal(err)
	}
	if string(got.Schedule) != string(learned) || !got.LastPoll.Equal(t0.Add(time.Minute).Truncate(time.Millisecond)) {
		t.Errorf("after polls and a restart: schedule %q, last poll %v; want %q and the last poll's", got.Schedule, got.LastPoll, learned)
	}
	other, err := again.FeedState(ctx, "kremlin-en")
	if err != nil || other.Schedule != nil {
		t.Errorf("a feed without one has schedule %q (%v)", other.Schedule, err)
	}
}
