package daemon

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/config"
	"github.com/attache-dev/attache/store"
	"github.com/attache-dev/attache/store/postgres"
	"github.com/attache-dev/attache/store/sqlite"
)

// alertScan bounds how many of the latest alerts `attache alerts` reads to
// filter: every alert kept within a usual retention.
const alertScan = 100_000

// AlertFilter selects alerts for `attache alerts`; a zero field selects all.
type AlertFilter struct {
	Status      attache.AlertStatus
	Rule        string
	Feed        string
	Destination string
	Since       time.Time // queued at or after
}

// Match reports whether a passes the filter.
func (f AlertFilter) Match(a attache.Alert) bool {
	switch {
	case f.Status != "" && a.Status != f.Status,
		f.Feed != "" && a.Item.Feed != f.Feed,
		f.Destination != "" && a.Destination != f.Destination,
		!f.Since.IsZero() && a.Queued.Before(f.Since):
		return false
	}
	return f.Rule == "" || slices.ContainsFunc(a.Matches, func(m attache.Match) bool { return m.Rule == f.Rule })
}

// ListAlerts returns the alerts of the state that pass f, newest first, at
// most limit. It opens the state read-only, so it runs beside the daemon.
func ListAlerts(ctx context.Context, cfg *config.Config, f AlertFilter, limit int) ([]attache.Alert, error) {
	all, err := latestAlerts(ctx, cfg)
	if err != nil {
		return nil, err
	}
	var out []attache.Alert
	for _, a := range all {
		if f.Match(a) {
			out = append(out, a)
			if len(out) == limit {
				break
			}
		}
	}
	return out, nil
}

// ErrNoAlert says no alert has the id, or the prefix names several.
var ErrNoAlert = errors.New("no such alert")

// FindAlert returns the alert whose id is id or starts with it.
func FindAlert(ctx context.Context, cfg *config.Config, id string) (attache.Alert, error) {
	all, err := latestAlerts(ctx, cfg)
	if err != nil {
		return attache.Alert{}, err
	}
	var found []attache.Alert
	for _, a := range all {
		if a.ID == id {
			return a, nil
		}
		if id != "" && strings.HasPrefix(a.ID, id) {
			found = append(found, a)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return attache.Alert{}, fmt.Errorf("%w %q in %s (attache alerts list shows them)", ErrNoAlert, id, config.StateLabel(cfg.State))
	}
	return attache.Alert{}, fmt.Errorf("%w: %q is the start of %d alerts' ids; give more of it", ErrNoAlert, id, len(found))
}

// RequeueAlerts puts the dead alerts named by ids back in the queue, due
// now, and returns them. It writes beside a running daemon (SQLite
// serialises the write), which sends them within seconds.
func RequeueAlerts(ctx context.Context, cfg *config.Config, ids []string) ([]attache.Alert, error) {
	var alerts []attache.Alert
	for _, id := range ids {
		a, err := FindAlert(ctx, cfg, id)
		if err != nil {
			return nil, err
		}
		if a.Status != attache.AlertDead {
			return nil, fmt.Errorf("alert %s is %s, not dead: only dead alerts are requeued", a.ID, a.Status)
		}
		alerts = append(alerts, a)
	}
	if len(alerts) == 0 {
		return nil, nil
	}
	st, err := openStateAdmin(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	now := time.Now()
	for i := range alerts {
		if err := st.Requeue(ctx, alerts[i].ID, now); err != nil {
			return alerts[:i], err
		}
	}
	return alerts, nil
}

// openStateAdmin opens the configured state to change it beside a daemon
// that may own it: a SQLite file without taking its lock, a PostgreSQL
// state as any replica does.
func openStateAdmin(ctx context.Context, cfg *config.Config) (store.Store, error) {
	if config.IsPostgres(cfg.State) {
		return postgres.Open(ctx, cfg.State)
	}
	return sqlite.OpenAdmin(ctx, cfg.State)
}

// latestAlerts reads the state's latest alerts, read-only.
func latestAlerts(ctx context.Context, cfg *config.Config) ([]attache.Alert, error) {
	st, err := openStateReadOnly(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	return st.Alerts(ctx, alertScan)
}
