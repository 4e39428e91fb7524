package storetest

import (
	"testing"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/store"
)

// testStoriesAndThreads: a poll keeps its stories in its own commit, a
// later one replaces a story's record, Stories lists those updated since a
// time, Prune drops the old; an alert's place in its story reads back.
func testStoriesAndThreads(t *testing.T, open Open) {
	s, reopen := open(t)
	ctx := t.Context()
	it := item("f", "k1")
	a := alertFor(it, "d", "r")
	a.Thread = &attache.Thread{Story: "s1", Parent: "parent-alert", Why: "entities: Lukashenko, Minsk"}
	b := batch("f", t0, []attache.Item{it}, a)
	b.Stories = []store.StoryRecord{{ID: "s1", Record: []byte(`{"id":"s1","count":1}`), Updated: t0}, {ID: "s0", Record: []byte(`{}`), Updated: t0.Add(-72 * time.Hour)}}
	queued, err := s.Record(ctx, b)
	must(t, err)
	if len(queued) != 1 || queued[0].Thread == nil || queued[0].Thread.Parent != "parent-alert" {
		t.Fatalf("queued %+v, want the alert with its thread", queued)
	}
	it2 := item("f", "k2")
	b2 := batch("f", t0.Add(time.Hour), []attache.Item{it2})
	b2.Stories = []store.StoryRecord{{ID: "s1", Record: []byte(`{"id":"s1","count":2}`), Updated: t0.Add(time.Hour)}}
	_, err = s.Record(ctx, b2)
	must(t, err)
	s.Close()
	s = reopen(t)

	kept, err := s.Stories(ctx, t0.Add(-48*time.Hour))
	must(t, err)
	if len(kept) != 1 || kept[0].ID != "s1" || string(kept[0].Record) != `{"id":"s1","count":2}` || !kept[0].Updated.Equal(t0.Add(time.Hour).Truncate(time.Millisecond)) {
		t.Errorf("stories of the last 48 h: %+v, want s1 as last recorded", kept)
	}
	due, err := s.Due(ctx, "d", t0.Add(time.Hour), 10)
	must(t, err)
	if len(due) != 1 || due[0].Thread == nil || *due[0].Thread != *a.Thread {
		t.Errorf("due %+v, want the thread as queued", due)
	}
	res, err := s.Prune(ctx, t0.Add(-24*time.Hour))
	must(t, err)
	if res.Stories != 1 {
		t.Errorf("pruned %d stories, want the one of three days ago", res.Stories)
	}
}

// testRevisedItems: a delivered alert's item is found with its text and
// the alert's rules; a revision replaces its recorded text; an item never
// delivered is not found.
func testRevisedItems(t *testing.T, open Open) {
	s, _ := open(t)
	ctx := t.Context()
	it := item("f", "k1")
	it.Title, it.Summary = "Exercises near Grodno", "40,000 troops"
	quiet := item("f", "k2")
	queued, err := s.Record(ctx, batch("f", t0, []attache.Item{it, quiet}, alertFor(it, "d", "nato")))
	must(t, err)
	must(t, s.MarkInFlight(ctx, queued[0].ID, t0))
	must(t, s.MarkDelivered(ctx, queued[0].ID, t0))
	got, err := s.AlertedItems(ctx, "f", []string{"k1", "k2", "k3"})
	must(t, err)
	if len(got) != 1 || got["k1"].Item.Summary != "40,000 troops" || len(got["k1"].Matches["d"]) != 1 || got["k1"].Matches["d"][0].Rule != "nato" {
		t.Fatalf("alerted items %+v, want k1 with its text and rule", got)
	}
	rev := it
	rev.Summary = "50,000 troops"
	b := batch("f", t0.Add(time.Hour), nil)
	b.Revised = []attache.Item{rev}
	_, err = s.Record(ctx, b)
	must(t, err)
	got, err = s.AlertedItems(ctx, "f", []string{"k1"})
	must(t, err)
	if got["k1"].Item.Summary != "50,000 troops" {
		t.Errorf("after the revision: %q", got["k1"].Item.Summary)
	}
}
