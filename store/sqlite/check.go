package sqlite

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// CheckFile says whether the state file at the path the store was opened
// with is still the one it has open. After `rm attache.db*` or a copy over
// it, SQLite goes on writing into the file it has open, which nobody will
// read again: everything queued since is lost at the next start.
func (s *Store) CheckFile() error {
	if s.opened == nil {
		return nil
	}
	fi, err := os.Stat(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("state %s was deleted while in use: what is recorded now is lost at the next start; restart attache", s.path)
	}
	if err != nil {
		return fmt.Errorf("state %s: %w", s.path, err)
	}
	if !os.SameFile(fi, s.opened) {
		return fmt.Errorf("state %s was replaced by another file while in use: what is recorded now is lost at the next start; restart attache", s.path)
	}
	return nil
}

// QuickCheck runs SQLite's quick_check over the whole file, and fails with
// what it reports when the file is damaged.
func (s *Store) QuickCheck(ctx context.Context) error {
	damaged := func(what string) error {
		return fmt.Errorf("state %s is damaged (quick_check: %s); restore it from a backup, or move it aside to start afresh", s.path, what)
	}
	rows, err := s.db.QueryContext(ctx, `PRAGMA quick_check`)
	if err != nil {
		if isMalformed(err) {
			return damaged(err.Error())
		}
		return fmt.Errorf("state %s: quick_check: %w", s.path, err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return fmt.Errorf("state %s: quick_check: %w", s.path, err)
		}
		for _, l := range strings.Split(line, "\n") {
			if l != "ok" && !strings.HasPrefix(l, "*** ") && len(problems) < 3 {
				problems = append(problems, l)
			}
		}
	}
	if err := rows.Err(); err != nil {
		if isMalformed(err) {
			return damaged(err.Error())
		}
		return fmt.Errorf("state %s: quick_check: %w", s.path, err)
	}
	if len(problems) > 0 {
		return damaged(strings.Join(problems, "; "))
	}
	return nil
}

// isMalformed reports SQLite's "database disk image is malformed" (error
// 11, SQLITE_CORRUPT), which quick_check itself can hit on a damaged file
// before it lists anything.
func isMalformed(err error) bool {
	return strings.Contains(err.Error(), "malformed")
}
