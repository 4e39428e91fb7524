// Package sqlite is the embedded backend of the store (see package
// store): one SQLite file, opened through modernc.org/sqlite (pure Go, so
// the binary builds without cgo), in WAL mode with full sync.
//
// Times are stored as integer milliseconds since the Unix epoch, in UTC, and
// come back as UTC values truncated to the millisecond; a zero time is stored
// as NULL and comes back zero.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/attache-dev/attache/store"
	_ "modernc.org/sqlite" // the "sqlite" database/sql driver
)

// busyTimeout is how long a statement waits for a lock held by another
// process using the same file (say `attache test --since` next to the
// daemon) before it fails.
const busyTimeout = 10 * time.Second

// fileMode is the mode of a state file the store creates. Item text is
// public, but who was alerted about what, and when, is the analysts' own.
const fileMode fs.FileMode = 0o600

// Store is a handle on the state file. It is safe for concurrent use by
// several goroutines (the poller and the dispatcher share one).
type Store struct {
	db     *sql.DB
	lock   *os.File    // the exclusive lock of a writable store; nil when read-only
	path   string      // as given to Open
	opened os.FileInfo // the file as it was opened, for CheckFile
	// Created says Open made a new, empty state file.
	Created bool
}

// Open opens the state file at path for writing, creating it with mode
// 0600 when it does not exist, and brings its schema up to date. The process
// owns the state until Close: a second Open, here or in another process,
// fails with an *InUseError (errors.Is store.ErrInUse). It fails with
// store.ErrSchemaTooNew when the file was written by a newer version.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("open store: empty path")
	}
	lk, err := lock(path)
	if err != nil {
		var inUse *InUseError
		if errors.As(err, &inUse) {
			return nil, err
		}
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	s, err := open(ctx, path)
	if err != nil {
		if lk != nil {
			lk.Close()
		}
		return nil, err
	}
	s.lock = lk
	return s, nil
}

// open opens the state file for writing; Open holds the lock.
func open(ctx context.Context, path string) (*Store, error) {
	created, err := createFile(path)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	db, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	// One connection for the whole process. SQLite allows one writer at a
	// time anyway; with a pool, a transaction that reads and then writes can
	// meet another connection's write lock and fail with SQLITE_BUSY however
	// long busy_timeout is, and each pooled connection would hold its own
	// page cache. Queuing in database/sql instead gives every caller a
	// consistent order and no busy errors inside the process; busy_timeout is
	// kept for other processes. The cost is that a long read delays a write,
	// which at a few polls a minute does not matter. The one rule it imposes
	// inside this package: never query while a *sql.Rows is still open, or
	// the second query waits forever for the connection the first holds.
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)

	s := &Store{db: db, path: path, Created: created}
	if err := s.checkSettings(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if err := migrate(ctx, db, time.Now()); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if err := matchSidecarModes(path); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if s.opened, err = os.Stat(path); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return s, nil
}

// Close closes the state file and gives up its ownership. SQLite folds the
// write-ahead log back into the file when its last connection closes.
func (s *Store) Close() error {
	err := s.db.Close()
	if s.lock != nil {
		s.lock.Close() // closing the descriptor releases the flock
		s.lock = nil
	}
	return err
}

// Ping checks that the state file can still be read, for readiness probes.
func (s *Store) Ping(ctx context.Context) error {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil {
		return fmt.Errorf("ping store: %w", err)
	}
	return nil
}

// createFile creates path with fileMode when it does not exist yet, so that
// SQLite never creates it with the process umask. An existing file keeps the
// mode its owner gave it. It says whether it created the file.
func createFile(path string) (bool, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, fileMode)
	if errors.Is(err, fs.ErrExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := f.Close(); err != nil {
		return true, err
	}
	// The umask may have taken bits away from fileMode; set it exactly.
	return true, os.Chmod(path, fileMode)
}

// matchSidecarModes gives the write-ahead log and shared-memory files the
// mode of the database file: they hold the same data.
func matchSidecarModes(path string) error {
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		err := os.Chmod(path+suffix, info.Mode().Perm())
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// dsn builds the driver's connection string. The pragmas are in it, rather
// than run once after opening, so that they hold for any connection
// database/sql opens later. Immediate transactions take the write lock at
// BEGIN, where busy_timeout can wait for it, instead of failing at the first
// write.
func dsn(path string) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "journal_mode(WAL)")
	// FULL: a commit that records an alert as sent, or an item as seen,
	// must survive a power cut, or the alert would be sent again.
	q.Add("_pragma", "synchronous(FULL)")
	q.Set("_txlock", "immediate")
	// A URI, with the path escaped, so that a '?' or '#' in a file name is
	// not taken for the start of the parameters.
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// checkSettings verifies that the pragmas took: WAL mode in particular can
// be refused (on some network file systems) without an error.
func (s *Store) checkSettings(ctx context.Context) error {
	var mode string
	if err := s.db.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil {
		return fmt.Errorf("read journal mode: %w", err)
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("journal mode is %q, want wal", mode)
	}
	var fk int
	if err := s.db.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil {
		return fmt.Errorf("read foreign_keys: %w", err)
	}
	if fk != 1 {
		return fmt.Errorf("foreign_keys is %d, want 1", fk)
	}
	return nil
}

// querier is what both *sql.DB and *sql.Tx offer, so that a helper can run
// inside Record's transaction or on its own.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// toMS converts a time to what the database stores: Unix milliseconds, or
// NULL for the zero time.
func toMS(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

// fromMS is the inverse of toMS.
func fromMS(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return fromMSValue(v.Int64)
}

// fromMSValue converts stored milliseconds known not to be NULL.
func fromMSValue(ms int64) time.Time {
	return time.UnixMilli(ms).UTC()
}

// truncMS gives t as it will read back from the database.
func truncMS(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return time.UnixMilli(t.UnixMilli()).UTC()
}

var _ store.Store = (*Store)(nil)
