package postgres

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/attache-dev/attache/store"
	"github.com/attache-dev/attache/store/postgres/pgtest"
)

// openTest opens a store on a new schema of its own.
func openTest(t *testing.T) (*Store, string) {
	t.Helper()
	dsn := pgtest.DSN(t)
	s, err := Open(t.Context(), dsn)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, dsn
}

// migrationRows lists the versions recorded in schema_migrations.
func migrationRows(t *testing.T, s *Store) []int {
	t.Helper()
	rows, err := s.pool.Query(t.Context(), `SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	versions, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		t.Fatal(err)
	}
	return versions
}

func wantAllVersions(t *testing.T, s *Store) {
	t.Helper()
	got := migrationRows(t, s)
	if len(got) != len(migrations) {
		t.Fatalf("versions %v recorded, want 1 to %d once each", got, len(migrations))
	}
	for i, v := range got {
		if v != i+1 {
			t.Fatalf("versions %v recorded, want 1 to %d once each", got, len(migrations))
		}
	}
}

func TestOpenMigratesANewSchemaAndReopensWithoutChange(t *testing.T) {
	s, dsn := openTest(t)
	wantAllVersions(t, s)
	for _, table := range []string{"feeds", "items", "alerted", "alerts"} {
		var n int
		if err := s.pool.QueryRow(t.Context(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
			t.Errorf("table %s: %v", table, err)
		}
	}
	s2, err := Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	wantAllVersions(t, s2)
}

// TestReplicasStartingTogetherMigrateOnce opens one new schema from many
// pools at the same moment, as replicas of a deployment starting together
// do: each is a separate server session, and without the migration lock
// the second CREATE TABLE of the same name fails.
func TestReplicasStartingTogetherMigrateOnce(t *testing.T) {
	dsn := pgtest.DSN(t)
	const replicas = 8
	start := make(chan struct{})
	errs := make([]error, replicas)
	stores := make([]*Store, replicas)
	var wg sync.WaitGroup
	for i := range replicas {
		wg.Go(func() {
			<-start
			stores[i], errs[i] = Open(t.Context(), dsn)
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("replica %d: %v", i, err)
		} else {
			defer stores[i].Close()
		}
	}
	if t.Failed() {
		return
	}
	wantAllVersions(t, stores[0])
}

// TestProcessesStartingTogetherMigrateOnce does the same with separate
// processes (this test binary, run again), for a lock that must hold
// across processes, not only across pools of one.
func TestProcessesStartingTogetherMigrateOnce(t *testing.T) {
	if dsn := os.Getenv("ATTACHE_MIGRATE_HELPER_DSN"); dsn != "" {
		t.Skip("the helper process runs TestMigrateHelperProcess only")
	}
	dsn := pgtest.DSN(t)
	const processes = 4
	cmds := make([]*exec.Cmd, processes)
	outs := make([]strings.Builder, processes)
	for i := range cmds {
		cmds[i] = exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestMigrateHelperProcess$", "-test.count=1")
		cmds[i].Env = append(os.Environ(), "ATTACHE_MIGRATE_HELPER_DSN="+dsn)
		cmds[i].Stdout, cmds[i].Stderr = &outs[i], &outs[i]
	}
	for i, cmd := range cmds {
		if err := cmd.Start(); err != nil {
			t.Fatalf("start process %d: %v", i, err)
		}
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("process %d: %v\n%s", i, err, outs[i].String())
		}
	}
	s, err := Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	wantAllVersions(t, s)
}

// TestMigrateHelperProcess is one process of the test above; on its own it
// does nothing.
func TestMigrateHelperProcess(t *testing.T) {
	dsn := os.Getenv("ATTACHE_MIGRATE_HELPER_DSN")
	if dsn == "" {
		t.Skip("run by TestProcessesStartingTogetherMigrateOnce")
	}
	s, err := Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
}

func TestOpenRefusesANewerSchema(t *testing.T) {
	s, dsn := openTest(t)
	_, err := s.pool.Exec(t.Context(),
		`INSERT INTO schema_migrations (version, name, applied) VALUES ($1, 'from the future', now())`,
		len(migrations)+1)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := Open(t.Context(), dsn)
	if err == nil {
		s2.Close()
		t.Fatal("Open succeeded on a newer schema")
	}
	if !errors.Is(err, store.ErrSchemaTooNew) {
		t.Errorf("got %v, want ErrSchemaTooNew", err)
	}
}

func TestOpenErrors(t *testing.T) {
	t.Run("a search_path naming no existing schema says to create it", func(t *testing.T) {
		dsn, err := pgtest.WithSearchPath(pgtest.ServerDSN(t), "no_such_schema_here")
		if err != nil {
			t.Fatal(err)
		}
		s, err := Open(t.Context(), dsn)
		if err == nil {
			s.Close()
			t.Fatal("Open succeeded without a schema to create tables in")
		}
		if !strings.Contains(err.Error(), "no_such_schema_here") || !strings.Contains(err.Error(), "create it") {
			t.Errorf("error %q does not name the search_path and the fix", err)
		}
	})

	t.Run("an unreachable server is an error that names it and not its password", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		defer cancel()
		s, err := Open(ctx, "postgres://attache:s3cret@127.0.0.1:1/attache?sslmode=disable&connect_timeout=5")
		if err == nil {
			s.Close()
			t.Fatal("Open succeeded on a closed port")
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("error %q shows the password", err)
		}
		if !strings.Contains(err.Error(), "127.0.0.1:1") {
			t.Errorf("error %q does not name the server", err)
		}
	})

	t.Run("a malformed connection string is an error that does not show its password", func(t *testing.T) {
		_, err := Open(t.Context(), "postgres://attache:s3cret@127.0.0.1:notaport/attache")
		if err == nil {
			t.Fatal("Open accepted a malformed connection string")
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("error %q shows the password", err)
		}
	})
}

// TestKeysCompareAsBytes checks that every name and key column sorts and
// compares by bytes, as SQLite does, whatever the database's locale.
func TestKeysCompareAsBytes(t *testing.T) {
	s, _ := openTest(t)
	rows, err := s.pool.Query(t.Context(), `SELECT table_name || '.' || column_name, COALESCE(collation_name, '')
		FROM information_schema.columns
		WHERE table_schema = current_schema() AND data_type = 'text' AND table_name <> 'schema_migrations'
		AND column_name IN ('name', 'feed', 'item_key', 'story', 'rule', 'destination', 'id')`)
	if err != nil {
		t.Fatal(err)
	}
	type column struct{ Name, Collation string }
	cols, err := pgx.CollectRows(rows, pgx.RowToStructByPos[column])
	if err != nil {
		t.Fatal(err)
	}
	if len(cols) < 10 {
		t.Fatalf("found %d key columns, want at least 10: %v", len(cols), cols)
	}
	for _, c := range cols {
		if c.Collation != "C" {
			t.Errorf("column %s has collation %q, want C", c.Name, c.Collation)
		}
	}
}
