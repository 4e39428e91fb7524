package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"

	"github.com/attache-dev/attache/store"
)

// OpenReadOnly opens an existing state file for reading only, beside the
// process that owns it (for `attache test --since` and `attache alerts`).
// It takes no lock, creates nothing and migrates nothing: it fails when the
// file does not exist, and with store.ErrSchemaTooNew when a newer version
// wrote it. Every write through the Store it returns fails.
func OpenReadOnly(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("open store: empty path")
	}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	q.Set("mode", "ro")
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	s := &Store{db: db, path: path}
	version, err := schemaVersion(ctx, db)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if version > len(migrations) {
		db.Close()
		return nil, fmt.Errorf("open store %s: file is at schema version %d, this binary knows up to %d: %w",
			path, version, len(migrations), store.ErrSchemaTooNew)
	}
	if version < len(migrations) {
		db.Close()
		return nil, fmt.Errorf("open store %s: file is at schema version %d, older than this binary's %d: run attache once or attache run to bring it up to date", path, version, len(migrations))
	}
	return s, nil
}

// OpenAdmin opens an existing, up-to-date state file for a one-statement
// change beside the process that owns it (`attache alerts requeue`): it
// takes no lock, creates nothing and migrates nothing. SQLite serialises
// the write with the owner's; the owner's dispatcher sees a requeued alert
// at its next look at the queue.
func OpenAdmin(ctx context.Context, path string) (*Store, error) {
	ro, err := OpenReadOnly(ctx, path) // exists, and at this binary's schema
	if err != nil {
		return nil, err
	}
	ro.Close()
	db, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	return &Store{db: db, path: path}, nil
}
