package sqlite

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/store"
	"github.com/attache-dev/attache/store/storetest"
)

// t0 is the tests' "now": a time with sub-millisecond digits, which the store
// must drop consistently.
var t0 = time.Date(2025, 3, 1, 12, 0, 0, 123456789, time.UTC)

// openTest opens a new state file in a temporary folder.
func openTest(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "attache.db")
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

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

// batch makes a store.RecordBatch of feed at now, baselined.
func batch(feed string, now time.Time, items []attache.Item, alerts ...attache.Alert) store.RecordBatch {
	return store.RecordBatch{
		Feed:   feed,
		State:  store.FeedState{Feed: feed, Baselined: true, LastPoll: now, LastSuccess: now},
		Items:  items,
		Alerts: alerts,
		Now:    now,
	}
}

// rowCount counts the rows of table.
func rowCount(t *testing.T, s *Store, table string) int {
	t.Helper()
	var n int
	if err := s.db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

func TestOpen(t *testing.T) {
	t.Run("a new file is migrated to the last version", func(t *testing.T) {
		s, _ := openTest(t)
		v, err := schemaVersion(t.Context(), s.db)
		if err != nil {
			t.Fatal(err)
		}
		if v != len(migrations) {
			t.Errorf("version %d, want %d", v, len(migrations))
		}
		for _, table := range []string{"feeds", "items", "alerted", "alerts"} {
			rowCount(t, s, table) // fails if the table is missing
		}
	})

	t.Run("reopening a migrated file applies nothing and keeps its data", func(t *testing.T) {
		s, path := openTest(t)
		if _, err := s.Record(t.Context(), batch("f", t0, []attache.Item{item("f", "a")})); err != nil {
			t.Fatal(err)
		}
		s.Close()
		for range 2 {
			s2, err := Open(t.Context(), path)
			if err != nil {
				t.Fatalf("reopen: %v", err)
			}
			if got := rowCount(t, s2, "schema_migrations"); got != len(migrations) {
				t.Errorf("%d migration rows, want %d", got, len(migrations))
			}
			if n, err := s2.CountItems(t.Context(), "f"); err != nil || n != 1 {
				t.Errorf("CountItems = %d, %v; want 1", n, err)
			}
			s2.Close()
		}
	})

	t.Run("the file and its WAL and shared-memory files are the owner's only", func(t *testing.T) {
		s, path := openTest(t)
		if _, err := s.Record(t.Context(), batch("f", t0, []attache.Item{item("f", "a")})); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{path, path + "-wal", path + "-shm"} {
			info, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if got := info.Mode().Perm(); got != 0o600 {
				t.Errorf("%s: mode %v, want %v", filepath.Base(p), got, fs.FileMode(0o600))
			}
		}
	})

	t.Run("the connection uses WAL, foreign keys and full sync", func(t *testing.T) {
		s, _ := openTest(t)
		for _, c := range []struct {
			pragma, want string
		}{
			{"journal_mode", "wal"},
			{"foreign_keys", "1"},
			{"synchronous", "2"}, // FULL
			{"busy_timeout", "10000"},
		} {
			var got string
			if err := s.db.QueryRowContext(t.Context(), "PRAGMA "+c.pragma).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("PRAGMA %s = %s, want %s", c.pragma, got, c.want)
			}
		}
	})

	t.Run("a path with a space, a question mark and a hash opens that very file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "state file?x=1#y.db")
		s, err := Open(t.Context(), path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, err := os.Stat(path); err != nil {
			t.Errorf("file not created under its name: %v", err)
		}
	})

	t.Run("an empty path is refused", func(t *testing.T) {
		if _, err := Open(t.Context(), ""); err == nil {
			t.Error("Open(\"\") succeeded")
		}
	})

	t.Run("a missing folder is an error", func(t *testing.T) {
		if _, err := Open(t.Context(), filepath.Join(t.TempDir(), "no", "such.db")); err == nil {
			t.Error("Open in a missing folder succeeded")
		}
	})

	t.Run("ping succeeds on an open store and fails on a closed one", func(t *testing.T) {
		s, _ := openTest(t)
		if err := s.Ping(t.Context()); err != nil {
			t.Errorf("Ping: %v", err)
		}
		s.Close()
		if err := s.Ping(t.Context()); err == nil {
			t.Error("Ping after Close succeeded")
		}
	})
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	s, path := openTest(t)
	_, err := s.db.ExecContext(t.Context(),
		`INSERT INTO schema_migrations (version, name, applied_ms) VALUES (?, 'from the future', 0)`,
		len(migrations)+1)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()

	s2, err := Open(t.Context(), path)
	if err == nil {
		s2.Close()
		t.Fatal("Open succeeded on a newer schema")
	}
	if !errors.Is(err, store.ErrSchemaTooNew) {
		t.Errorf("got %v, want store.ErrSchemaTooNew", err)
	}
}

// TestContract runs the store's contract suite on SQLite files.
func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) (store.Store, func(t *testing.T) store.Store) {
		s, path := openTest(t)
		reopen := func(t *testing.T) store.Store {
			t.Helper()
			s, err := Open(t.Context(), path)
			if err != nil {
				t.Fatalf("reopen %s: %v", path, err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		}
		return s, reopen
	})
}
