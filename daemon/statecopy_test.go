package daemon

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/store"
	"github.com/attache-dev/attache/store/postgres"
	"github.com/attache-dev/attache/store/postgres/pgtest"
	"github.com/attache-dev/attache/store/sqlite"
)

// rows collects a dump.
type rows struct {
	FeedRows     []store.FeedState
	ItemRows     []store.SeenItem
	AlertedRows  []store.Alerted
	AlertRows    []attache.Alert
	MuteRows     []attache.Mute
	FeedbackRows []attache.Feedback
	StoryRows    []store.StoryRecord
}

func (r *rows) Feeds(_ context.Context, v []store.FeedState) error {
	r.FeedRows = append(r.FeedRows, v...)
	return nil
}
func (r *rows) Items(_ context.Context, v []store.SeenItem) error {
	r.ItemRows = append(r.ItemRows, v...)
	return nil
}
func (r *rows) Alerted(_ context.Context, v []store.Alerted) error {
	r.AlertedRows = append(r.AlertedRows, v...)
	return nil
}
func (r *rows) Mutes(_ context.Context, v []attache.Mute) error {
	r.MuteRows = append(r.MuteRows, v...)
	return nil
}

func (r *rows) Feedback(_ context.Context, v []attache.Feedback) error {
	r.FeedbackRows = append(r.FeedbackRows, v...)
	return nil
}

func (r *rows) Stories(_ context.Context, v []store.StoryRecord) error {
	r.StoryRows = append(r.StoryRows, v...)
	return nil
}

func (r *rows) Alerts(_ context.Context, v []attache.Alert) error {
	r.AlertRows = append(r.AlertRows, v...)
	return nil
}

func dump(t *testing.T, c store.Copier) *rows {
	t.Helper()
	var r rows
	if err := c.Dump(t.Context(), &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

// fillState records, in a SQLite state, two feeds' items (more than one
// copy batch) and alerts in every status.
func fillState(t *testing.T, path string) {
	t.Helper()
	ctx := t.Context()
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	for f, feed := range []string{"belta-ru", "mid-telegram"} {
		var items []attache.Item
		var alerts []attache.Alert
		for i := range 700 {
			it := attache.Item{Feed: feed, Key: fmt.Sprintf("%s/%04d", feed, i), Story: fmt.Sprintf("story-%d-%d", f, i),
				Title: fmt.Sprintf("Заявление %d о НАТО", i), Link: fmt.Sprintf("https://example.org/%s/%d", feed, i),
				Content: "Текст заявления.", Lang: "ru", Categories: []string{"МИД"}, Published: at.Add(-time.Duration(i) * time.Minute)}
			items = append(items, it)
			if i%100 == 0 {
				alerts = append(alerts, attache.Alert{ID: "a-" + it.Key, Destination: "analysts", Item: it,
					Matches: []attache.Match{{Rule: "nato", Severity: attache.SeverityHigh}}})
			}
		}
		alerts[1].Thread = &attache.Thread{Story: "s-" + feed, Parent: alerts[0].ID, Why: "entities: Minsk"}
		_, err := st.Record(ctx, store.RecordBatch{Feed: feed, State: store.FeedState{Feed: feed, Baselined: true, ETag: `"e1"`,
			LastPoll: at, LastSuccess: at}, Items: items, Alerts: alerts, Sighted: []string{items[0].Key}, Now: at,
			Stories: []store.StoryRecord{{ID: "s-" + feed, Record: []byte(`{"id":"s"}`), Updated: at}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(st.MarkInFlight(ctx, "a-belta-ru/0000", at.Add(time.Minute)))
	must(st.MarkDelivered(ctx, "a-belta-ru/0000", at.Add(time.Minute)))
	must(st.MarkInFlight(ctx, "a-belta-ru/0100", at.Add(time.Minute)))
	must(st.MarkDead(ctx, "a-belta-ru/0100", "channel_not_found"))
	must(st.MarkInFlight(ctx, "a-belta-ru/0200", at.Add(time.Minute)))
	must(st.MarkUnknown(ctx, "a-belta-ru/0200", at.Add(2*time.Minute), "timeout"))
	must(st.MarkMuted(ctx, "a-belta-ru/0300", "muted: rule nato until 2026-11-30 10:00 UTC by U1"))
	must(st.SetMute(ctx, attache.Mute{Kind: attache.MuteRule, Name: "nato", Until: at.Add(time.Hour), By: "U1", Reason: "noisy", At: at}))
	must(st.AddFeedback(ctx, []attache.Feedback{{AlertID: "a-belta-ru/0000", Rule: "nato", Verdict: attache.VerdictUseful, By: "U1", At: at}}))
}

// TestStateCopyToPostgresAndBackKeepsEveryRow copies a SQLite state to
// PostgreSQL and back to a new file: every feed, item (with its sightings),
// alerted record and alert (with its status, attempts and times) is the
// same at each step.
func TestStateCopyToPostgresAndBackKeepsEveryRow(t *testing.T) {
	ctx := t.Context()
	dsn := pgtest.DSN(t)
	dir := t.TempDir()
	from, back := filepath.Join(dir, "attache.db"), filepath.Join(dir, "back.db")
	fillState(t, from)

	n, err := CopyState(ctx, from, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if n.Feeds != 2 || n.Items != 1400 || n.Alerted != 14 || n.Alerts != 14 {
		t.Errorf("copied %+v, want 2 feeds, 1400 items, 14 alerted records and 14 alerts", n)
	}
	if _, err := CopyState(ctx, dsn, back); err != nil {
		t.Fatal(err)
	}

	orig, err := sqlite.Open(ctx, from)
	if err != nil {
		t.Fatal(err)
	}
	defer orig.Close()
	pg, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	again, err := sqlite.Open(ctx, back)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	want := dump(t, orig)
	for name, c := range map[string]store.Copier{"postgres": pg, "the copy back": again} {
		got := dump(t, c)
		for _, table := range []string{"FeedRows", "ItemRows", "AlertedRows", "AlertRows", "MuteRows", "FeedbackRows", "StoryRows"} {
			g, w := reflect.ValueOf(got).Elem().FieldByName(table).Interface(), reflect.ValueOf(want).Elem().FieldByName(table).Interface()
			if !reflect.DeepEqual(g, w) {
				t.Errorf("%s: %s differ from the original", name, table)
			}
		}
	}

	// The copy keeps what was alerted: the same story is not queued again.
	queued, err := pg.Record(ctx, store.RecordBatch{Feed: "belta-ru", State: want.FeedRows[0], Now: time.Now(),
		Alerts: []attache.Alert{{ID: "again", Destination: "analysts", Item: want.AlertRows[0].Item, Matches: want.AlertRows[0].Matches}}})
	if err != nil || len(queued) != 0 {
		t.Errorf("a story alerted before the copy was queued again: %v, %v", queued, err)
	}
}

func TestStateCopyRefusesABusySourceAndAFullTarget(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	from := filepath.Join(dir, "attache.db")
	fillState(t, from)

	t.Run("a SQLite state a daemon holds", func(t *testing.T) {
		st, err := sqlite.Open(ctx, from)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if _, err := CopyState(ctx, from, filepath.Join(dir, "b.db")); !errors.Is(err, ErrStateBusy) {
			t.Errorf("got %v, want ErrStateBusy", err)
		}
	})
	t.Run("a target that holds a state", func(t *testing.T) {
		other := filepath.Join(dir, "other.db")
		fillState(t, other)
		if _, err := CopyState(ctx, from, other); !errors.Is(err, store.ErrNotEmpty) {
			t.Errorf("got %v, want ErrNotEmpty", err)
		}
	})
	t.Run("a PostgreSQL state with a live replica", func(t *testing.T) {
		dsn := pgtest.DSN(t)
		pg, err := postgres.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer pg.Close()
		if err := pg.Heartbeat(ctx, postgres.Replica{ID: "node-1"}, time.Minute); err != nil {
			t.Fatal(err)
		}
		_, err = CopyState(ctx, dsn, filepath.Join(dir, "c.db"))
		if !errors.Is(err, ErrStateBusy) {
			t.Errorf("got %v, want ErrStateBusy", err)
		}
	})
}
