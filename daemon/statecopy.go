package daemon

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/attache-dev/attache/config"
	"github.com/attache-dev/attache/store"
	"github.com/attache-dev/attache/store/postgres"
	"github.com/attache-dev/attache/store/sqlite"
)

// ErrStateBusy is the error of copying a state that a daemon is using: the
// copy would miss what it records meanwhile.
var ErrStateBusy = errors.New("the state is in use")

// copyable is a state a copy can read from or write to.
type copyable interface {
	store.Copier
	Close() error
}

// CopyState is `attache state copy`: it copies the whole state (feeds,
// items seen, the alerted records that keep a story from being alerted
// twice, and the alert queue with every alert's status) from one state to
// another, empty one: a SQLite file to a PostgreSQL schema, or back. from
// and to are each a SQLite file's path or a postgres:// URL. The source
// must not be in use: a SQLite file whose lock a daemon holds, or a
// PostgreSQL state with a live replica, is refused.
func CopyState(ctx context.Context, from, to string) (store.CopyCounts, error) {
	if from == to {
		return store.CopyCounts{}, fmt.Errorf("--from and --to are the same state")
	}
	src, err := openCopySource(ctx, from)
	if err != nil {
		return store.CopyCounts{}, err
	}
	defer src.Close()
	dst, err := openCopyTarget(ctx, to)
	if err != nil {
		return store.CopyCounts{}, err
	}
	defer dst.Close()
	n, err := store.Copy(ctx, src, dst)
	if err != nil {
		return n, fmt.Errorf("copy %s to %s: %w", config.StateLabel(from), config.StateLabel(to), err)
	}
	return n, nil
}

func openCopySource(ctx context.Context, state string) (copyable, error) {
	if config.IsPostgres(state) {
		st, err := postgres.Open(ctx, state)
		if err != nil {
			return nil, err
		}
		replicas, err := st.Replicas(ctx)
		if err != nil {
			st.Close()
			return nil, err
		}
		for _, r := range replicas {
			if r.Alive {
				st.Close()
				return nil, fmt.Errorf("%w: replica %s of %s is running: stop every replica first", ErrStateBusy, r.ID, config.StateLabel(state))
			}
		}
		return st, nil
	}
	if _, err := os.Stat(state); err != nil {
		return nil, fmt.Errorf("--from %s: %w", state, err)
	}
	st, err := sqlite.Open(ctx, state)
	if errors.Is(err, store.ErrInUse) {
		return nil, fmt.Errorf("%w: %v: stop it first", ErrStateBusy, err)
	}
	return st, err
}

func openCopyTarget(ctx context.Context, state string) (copyable, error) {
	if config.IsPostgres(state) {
		return postgres.Open(ctx, state)
	}
	if abs, err := filepath.Abs(state); err == nil {
		state = abs
	}
	return sqlite.Open(ctx, state)
}
