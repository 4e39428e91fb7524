package daemon

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/config"
	"github.com/attache-dev/attache/store"
	"github.com/attache-dev/attache/store/postgres"
	"github.com/attache-dev/attache/store/sqlite"
)

// ErrNoState says the configured state does not exist yet: nothing has been
// polled.
var ErrNoState = errors.New("no state yet")

// StoredItems returns the items the state kept that were first seen at or
// after since, for a backtest of the rules (`attache test --since`). It
// opens the state read-only and closes it again, creating nothing, so it
// runs beside a daemon that owns the state.
func StoredItems(ctx context.Context, cfg *config.Config, since time.Time) ([]attache.Item, error) {
	st, err := openStateReadOnly(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	return st.ItemsSince(ctx, since)
}

// openStateReadOnly opens the configured state for reading beside its
// owner, or fails with ErrNoState when nothing has been polled yet. A
// PostgreSQL state is shared by design: it is opened as it is.
func openStateReadOnly(ctx context.Context, cfg *config.Config) (store.Store, error) {
	if config.IsPostgres(cfg.State) {
		return postgres.Open(ctx, cfg.State)
	}
	if _, err := os.Stat(cfg.State); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", cfg.State, ErrNoState)
	}
	return sqlite.OpenReadOnly(ctx, cfg.State)
}
