package postgres_test

// Cases the SQLite store's own tests did not cover, which a second backend
// can get wrong: NULL ordering, and text that one database accepts and the
// other refuses.

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/store"
)

func TestUndatedItemsSortFirstInDueAndLastInAlerts(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be backend) {
		s, _ := openTest(t, be)
		dated, undated := item("f", "dated"), item("f", "undated")
		undated.Published = time.Time{}
		b := batch("f", t0, []attache.Item{dated, undated}, alertFor(dated, "d", "r"), alertFor(undated, "d", "r"))
		if _, err := s.Record(t.Context(), b); err != nil {
			t.Fatal(err)
		}
		due, err := s.Due(t.Context(), "d", t0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := alertIDs(due), []string{"f/undated/d", "f/dated/d"}; !reflect.DeepEqual(got, want) {
			t.Errorf("Due gives %q, want %q: no date sorts before any date", got, want)
		}
		latest, err := s.Alerts(t.Context(), 10)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := alertIDs(latest), []string{"f/dated/d", "f/undated/d"}; !reflect.DeepEqual(got, want) {
			t.Errorf("Alerts gives %q, want %q: newest first, no date last", got, want)
		}
	})
}

func alertIDs(alerts []attache.Alert) []string {
	var ids []string
	for _, a := range alerts {
		ids = append(ids, a.ID)
	}
	return ids
}

// hostile is text a broken feed can deliver: a NUL, a byte that is not
// UTF-8, and a lone surrogate's encoding, around ordinary Cyrillic.
const hostile = "НАТО\x00учения\xff\xfe границы \xed\xa0\x80конец"

// cleaned is hostile as a backend that cannot store it keeps it: each NUL
// and each invalid byte replaced with U+FFFD.
func cleaned(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

// viaJSON is s after a trip through encoding/json, which replaces each
// invalid byte with U+FFFD and keeps the NUL: what the SQLite store gives
// back of the text it keeps as JSON (categories, alert snapshots).
func viaJSON(s string) string {
	b, _ := json.Marshal(s)
	var out string
	json.Unmarshal(b, &out)
	return out
}

// sameOrCleaned reports whether got is want as written, as cleaned, or as
// JSON keeps it: SQLite keeps the bytes (or the JSON form), PostgreSQL's
// text cannot, and each is right. Anything else (text cut at the NUL, lost,
// or garbled) is wrong. The contract suite should settle on one.
func sameOrCleaned(got, want string) bool {
	return got == want || got == cleaned(want) || got == viaJSON(want)
}

func TestHostileTextIsRecordedFoundAgainAndDelivered(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be backend) {
		s, _ := openTest(t, be)
		ctx := t.Context()
		it := attache.Item{
			Feed: "f", Key: "key\x00with-nul\xff", Story: "https://example.org/\x00story",
			Title: hostile, Link: "https://example.org/\xff", Summary: hostile, Content: hostile,
			Author: hostile, Categories: []string{hostile, "plain"}, Lang: "ru", Published: t0,
		}
		a := alertFor(it, "d\x00", "rule\x00")
		a.ID = "id\x00\xff"
		a.Matches[0].Hits[0].Text = hostile
		state := store.FeedState{Feed: "f", Baselined: true, LastError: hostile, ETag: "\x00"}
		queued, err := s.Record(ctx, store.RecordBatch{Feed: "f", State: state, Items: []attache.Item{it}, Alerts: []attache.Alert{a}, Now: t0})
		if err != nil {
			t.Fatalf("Record of hostile text: %v", err)
		}
		if len(queued) != 1 {
			t.Fatalf("queued %d alerts, want 1", len(queued))
		}

		t.Run("the key is seen, and a key differing after the NUL is not", func(t *testing.T) {
			unseen, err := s.Unseen(ctx, "f", []string{it.Key, "key\x00other"})
			if err != nil {
				t.Fatal(err)
			}
			if want := []string{"key\x00other"}; !reflect.DeepEqual(unseen, want) {
				t.Errorf("Unseen = %q, want %q", unseen, want)
			}
			stories, err := s.SeenStories(ctx, []string{it.Story})
			if err != nil || !stories[it.Story] {
				t.Errorf("SeenStories = %v, %v; want the story with a NUL seen", stories, err)
			}
		})

		t.Run("the text reads back whole", func(t *testing.T) {
			items, err := s.ItemsSince(ctx, t0)
			if err != nil || len(items) != 1 {
				t.Fatalf("ItemsSince = %d items, %v", len(items), err)
			}
			got := items[0]
			for field, pair := range map[string][2]string{
				"key": {got.Key, it.Key}, "story": {got.Story, it.Story}, "title": {got.Title, it.Title},
				"link": {got.Link, it.Link}, "summary": {got.Summary, it.Summary},
				"content": {got.Content, it.Content}, "author": {got.Author, it.Author},
			} {
				if !sameOrCleaned(pair[0], pair[1]) {
					t.Errorf("%s reads back %q, want %q", field, pair[0], pair[1])
				}
			}
			if len(got.Categories) != 2 || !sameOrCleaned(got.Categories[0], hostile) || got.Categories[1] != "plain" {
				t.Errorf("categories read back %q", got.Categories)
			}
			st, err := s.FeedState(ctx, "f")
			if err != nil || !sameOrCleaned(st.LastError, hostile) || !sameOrCleaned(st.ETag, "\x00") {
				t.Errorf("FeedState = %+v, %v", st, err)
			}
		})

		t.Run("the alert is due as Record returned it, and goes through its life cycle", func(t *testing.T) {
			due, err := s.Due(ctx, "d\x00", t0, 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(due) != 1 {
				t.Fatalf("due %d alerts for the hostile destination, want 1", len(due))
			}
			if !sameOrCleaned(due[0].Item.Title, hostile) || !sameOrCleaned(due[0].Matches[0].Hits[0].Text, hostile) {
				t.Errorf("due alert's title %q, hit %q", due[0].Item.Title, due[0].Matches[0].Hits[0].Text)
			}
			if !sameOrCleaned(due[0].ID, a.ID) || !sameOrCleaned(due[0].Matches[0].Rule, "rule\x00") {
				t.Errorf("due alert's id %q, rule %q", due[0].ID, due[0].Matches[0].Rule)
			}
			must(t, s.MarkInFlight(ctx, a.ID, t0))
			must(t, s.MarkRetry(ctx, a.ID, t0, hostile))
			must(t, s.MarkInFlight(ctx, due[0].ID, t0))
			must(t, s.MarkDelivered(ctx, a.ID, t0))
			counts, err := s.RuleCounts(ctx)
			if err != nil || len(counts) != 1 {
				t.Errorf("RuleCounts = %v, %v; want the one rule", counts, err)
			}
		})

		t.Run("the same item recorded again queues nothing", func(t *testing.T) {
			again, err := s.Record(ctx, store.RecordBatch{Feed: "f", State: state, Items: []attache.Item{it}, Alerts: []attache.Alert{a}, Now: t0.Add(time.Hour)})
			if err != nil || len(again) != 0 {
				t.Errorf("Record again queued %d, %v; want none", len(again), err)
			}
			dests, err := s.Destinations(ctx)
			if err != nil || slices.Contains(dests, "d\x00") {
				t.Errorf("Destinations = %q, %v", dests, err)
			}
		})
	})
}

// TestTwoHandlesOnOneState stands for two replicas on one PostgreSQL
// state: writes wait for each other instead of failing. (A SQLite state has
// one owner; a second writer is refused, see store/sqlite.)
func TestTwoHandlesOnOneState(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be backend) {
		if be.name == "sqlite" {
			return
		}
		a, reopen := openTest(t, be)
		b := reopen(t)

		const polls = 30
		var wg sync.WaitGroup
		errs := make(chan error, 2)
		for i, s := range []store.Store{a, b} {
			wg.Go(func() {
				feed := fmt.Sprintf("feed-%d", i)
				for p := range polls {
					it := item(feed, fmt.Sprint(p))
					b := batch(feed, t0.Add(time.Duration(p)*time.Second), []attache.Item{it}, alertFor(it, "d", "r"))
					if _, err := s.Record(t.Context(), b); err != nil {
						errs <- err
						return
					}
					if _, err := s.ItemsSince(t.Context(), t0); err != nil {
						errs <- err
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if n := countAll(t, a).Alerts; n != 2*polls {
			t.Errorf("%d alerts queued, want %d", n, 2*polls)
		}
	})
}
