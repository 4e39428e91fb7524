package postgres_test

// TestContract runs the store's contract suite (store/storetest) against
// this backend. The other tests of this file's siblings named contract_*
// cover what the suite does not yet (NULL ordering, text one database
// accepts and the other refuses, two handles on one state), and run against
// both backends, so that the SQLite store is held to them too; they belong
// in the suite.

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/store"
	"github.com/attache-dev/attache/store/postgres"
	"github.com/attache-dev/attache/store/postgres/pgtest"
	"github.com/attache-dev/attache/store/sqlite"
	"github.com/attache-dev/attache/store/storetest"
)

var (
	_ store.Store = (*sqlite.Store)(nil)
	_ store.Store = (*postgres.Store)(nil)
)

// openPostgres opens a new, empty state in a schema of its own; reopen
// opens another handle on it, as a restarted process (or a second one)
// would.
func openPostgres(t *testing.T) (store.Store, func(*testing.T) store.Store) {
	dsn := pgtest.DSN(t)
	open := func(t *testing.T) store.Store {
		s, err := postgres.Open(t.Context(), dsn)
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	return open(t), open
}

func openSQLite(t *testing.T) (store.Store, func(*testing.T) store.Store) {
	path := filepath.Join(t.TempDir(), "attache.db")
	open := func(t *testing.T) store.Store {
		s, err := sqlite.Open(t.Context(), path)
		if err != nil {
			t.Fatalf("open %s: %v", path, err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	return open(t), open
}

func TestContract(t *testing.T) {
	storetest.Run(t, openPostgres)
}

// backend names a way to open a state, for the tests beyond the suite.
type backend struct {
	name string
	open func(t *testing.T) (store.Store, func(*testing.T) store.Store)
}

var backends = []backend{{"sqlite", openSQLite}, {"postgres", openPostgres}}

// forEachBackend runs test once per backend, as a subtest named after it.
func forEachBackend(t *testing.T, test func(t *testing.T, be backend)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { test(t, b) })
	}
}

// openTest opens a new, empty state on be.
func openTest(t *testing.T, be backend) (store.Store, func(*testing.T) store.Store) {
	t.Helper()
	return be.open(t)
}

// t0 is the tests' "now": a time with sub-millisecond digits, which the store
// must drop consistently.
var t0 = time.Date(2025, 3, 1, 12, 0, 0, 123456789, time.UTC)

// item makes an item of feed whose story is its own link.
func item(feed, key string) attache.Item {
	link := "https://example.org/" + feed + "/" + key
	return attache.Item{
		Feed: feed, Key: key, Story: link, Link: link,
		Title: "NATO and " + key, Lang: "en", Published: t0.Add(-time.Hour),
	}
}

// alertFor makes an alert of it to dest with one match per rule.
func alertFor(it attache.Item, dest string, rules ...string) attache.Alert {
	a := attache.Alert{ID: it.Feed + "/" + it.Key + "/" + dest, Destination: dest, Item: it}
	for _, r := range rules {
		a.Matches = append(a.Matches, attache.Match{
			Rule: r, Description: "rule " + r, Severity: attache.SeverityHigh,
			Hits: []attache.Hit{{Field: attache.FieldTitle, Term: "NATO", Text: "NATO", Start: 0, End: 4}},
		})
	}
	return a
}

// batch makes a RecordBatch of feed at now, baselined.
func batch(feed string, now time.Time, items []attache.Item, alerts ...attache.Alert) store.RecordBatch {
	return store.RecordBatch{
		Feed:   feed,
		State:  store.FeedState{Feed: feed, Baselined: true, LastPoll: now, LastSuccess: now},
		Items:  items,
		Alerts: alerts,
		Now:    now,
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// counts is how much a state holds, read through the store's methods only:
// feeds saved, items recorded, alerted records (one per rule, story and
// destination) and alerts queued in any status.
type counts struct {
	Feeds, Items, Alerted, Alerts int
}

func countAll(t *testing.T, s store.Store) counts {
	t.Helper()
	ctx := t.Context()
	var c counts
	states, err := s.FeedStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c.Feeds = len(states)
	items, err := s.ItemsSince(ctx, time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	c.Items = len(items)
	rules, err := s.RuleCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range rules {
		c.Alerted += n
	}
	alerts, err := s.Alerts(ctx, 100000)
	if err != nil {
		t.Fatal(err)
	}
	c.Alerts = len(alerts)
	return c
}

func TestContractOpen(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be backend) {
		t.Run("reopening keeps the data and applies nothing", func(t *testing.T) {
			s, reopen := openTest(t, be)
			if _, err := s.Record(t.Context(), batch("f", t0, []attache.Item{item("f", "a")})); err != nil {
				t.Fatal(err)
			}
			s.Close()
			for range 2 {
				s2 := reopen(t)
				if n, err := s2.CountItems(t.Context(), "f"); err != nil || n != 1 {
					t.Errorf("CountItems = %d, %v; want 1", n, err)
				}
				s2.Close()
			}
		})
		t.Run("ping succeeds on an open store and fails on a closed one", func(t *testing.T) {
			s, _ := openTest(t, be)
			if err := s.Ping(t.Context()); err != nil {
				t.Errorf("Ping: %v", err)
			}
			s.Close()
			if err := s.Ping(t.Context()); err == nil {
				t.Error("Ping after Close succeeded")
			}
		})
	})
}
