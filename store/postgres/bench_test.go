package postgres_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/store"
	"github.com/attache-dev/attache/store/postgres"
	"github.com/attache-dev/attache/store/postgres/pgtest"
	"github.com/attache-dev/attache/store/sqlite"
)

// benchStores opens a new SQLite file and a new PostgreSQL schema, the
// baseline and the subject of each benchmark below.
func benchStores(b *testing.B) (baseline, subject store.Store) {
	b.Helper()
	dsn := pgtest.DSN(b)
	sq, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "attache.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { sq.Close() })
	p, err := postgres.Open(b.Context(), dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { p.Close() })
	return sq, p
}

// compare runs op b.N times on each store and reports the time per unit
// (perOp units in one op) of each, and the ratio of PostgreSQL to SQLite.
// The two alternate op by op, so that a change in the machine's load (it is
// shared) weighs on both alike.
func compare(b *testing.B, unit string, perOp int, op func(s store.Store, i int) error) {
	sq, pg := benchStores(b)
	var sqT, pgT time.Duration
	timed := func(s store.Store, i int) time.Duration {
		start := time.Now()
		if err := op(s, i); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	b.ResetTimer()
	for i := range b.N {
		sqT += timed(sq, i)
		pgT += timed(pg, i)
	}
	units := float64(b.N * perOp)
	b.ReportMetric(float64(sqT.Nanoseconds())/units, "sqlite-ns/"+unit)
	b.ReportMetric(float64(pgT.Nanoseconds())/units, "postgres-ns/"+unit)
	b.ReportMetric(float64(pgT)/float64(sqT), "postgres/sqlite")
}

// BenchmarkPollWithNews is one poll of a feed of 20 entries of which 2 are
// new and one matches: what the poller asks of the store (Unseen,
// SeenStories, Record) for a feed that has news. The feeds rotate over 100,
// so the tables grow as in a real deployment.
func BenchmarkPollWithNews(b *testing.B) {
	compare(b, "poll", 1, func(s store.Store, i int) error {
		feed := fmt.Sprintf("feed-%03d", i%100)
		round := i / 100
		keys := make([]string, 20)
		for k := range keys {
			keys[k] = fmt.Sprintf("item-%d", round*2+k)
		}
		ctx := b.Context()
		unseen, err := s.Unseen(ctx, feed, keys)
		if err != nil {
			return err
		}
		var items []attache.Item
		for _, k := range unseen {
			items = append(items, item(feed, k))
		}
		stories := make([]string, len(items))
		for j, it := range items {
			stories[j] = it.Story
		}
		if _, err := s.SeenStories(ctx, stories); err != nil {
			return err
		}
		var alerts []attache.Alert
		if len(items) > 0 {
			alerts = append(alerts, alertFor(items[0], "analysts", "nato"))
		}
		_, err = s.Record(ctx, batch(feed, t0.Add(time.Duration(i)*time.Second), items, alerts...))
		return err
	})
}

// BenchmarkPollWithoutNews is the common poll: the feed answered 304 or
// brought nothing new, and only its state is saved.
func BenchmarkPollWithoutNews(b *testing.B) {
	compare(b, "poll", 1, func(s store.Store, i int) error {
		now := t0.Add(time.Duration(i) * time.Second)
		return s.SaveFeedState(b.Context(), store.FeedState{Feed: fmt.Sprintf("feed-%03d", i%100),
			ETag: `W/"x"`, LastPoll: now, LastSuccess: now, Baselined: true})
	})
}

// BenchmarkRecordFirstPoll records a feed's first poll: 100 items at once,
// no alerts (a first poll is a baseline).
func BenchmarkRecordFirstPoll(b *testing.B) {
	compare(b, "item", 100, func(s store.Store, i int) error {
		feed := fmt.Sprintf("feed-%d", i)
		items := make([]attache.Item, 100)
		for k := range items {
			items[k] = item(feed, fmt.Sprint(k))
		}
		_, err := s.Record(b.Context(), batch(feed, t0, items))
		return err
	})
}
