package interact

import (
	"context"
	"errors"
	"time"

	"github.com/attache-dev/attache"
)

// Mutes keeps the mutes that the dispatcher applies. The daemon backs it
// with the store, so that a mute outlives a restart.
type Mutes interface {
	// SetMute records m, replacing any earlier mute of the same kind and
	// name: muting again for a shorter time shortens the mute.
	SetMute(ctx context.Context, m attache.Mute) error
	// Unmute ends the mute of kind and name, and reports whether one was
	// active at now.
	Unmute(ctx context.Context, kind attache.MuteKind, name string, now time.Time) (bool, error)
	// ActiveMutes lists the mutes active at now.
	ActiveMutes(ctx context.Context, now time.Time) ([]attache.Mute, error)
}

// FeedbackStore keeps readers' verdicts. The store keeps one verdict per
// alert, rule and reader, the latest.
type FeedbackStore interface {
	AddFeedback(ctx context.Context, fb []attache.Feedback) error
}

// Inspector tells what the daemon is doing, for /attache status and rules.
type Inspector interface {
	// Status gives every configured source, the queue and the last alerts
	// queued (at most lastAlerts of them, newest first).
	Status(ctx context.Context, lastAlerts int) (Status, error)
	// Rules lists the configured rules.
	Rules(ctx context.Context) ([]Rule, error)
}

// Backtester runs a query over the items the store keeps, as
// `attache test --since` does.
type Backtester interface {
	// Backtest matches query against the items first seen since then, and
	// returns how many matched and the first of them (at most first). A
	// query that does not parse is an error that wraps ErrInvalidQuery; its
	// text is shown to the person who asked, so it must say what is wrong
	// with the query and nothing about the daemon.
	Backtest(ctx context.Context, query string, since time.Time, first int) (Backtest, error)
}

// ErrInvalidQuery marks a Backtest error that is the query's fault.
var ErrInvalidQuery = errors.New("invalid query")

// Status is the daemon's state as /attache status shows it.
type Status struct {
	Sources    []Source
	Queue      Queue
	LastAlerts []AlertLine
}

// Source is one configured source and how its polls go.
type Source struct {
	Name string
	// Failing is true while the last poll failed; Failures counts the
	// failures in a row and LastError says the last one.
	Failing     bool
	Failures    int
	LastError   string
	LastSuccess time.Time
}

// Queue counts the alerts by state.
type Queue struct {
	Queued, InFlight, Dead, Muted int
	// Oldest is when the oldest queued alert was queued; zero when none is.
	Oldest time.Time
}

// AlertLine is one recent alert.
type AlertLine struct {
	ID     string
	Queued time.Time
	Feed   string
	Rules  []string
	Title  string
	Link   string
	Status attache.AlertStatus
}

// Rule is a configured rule as /attache rules lists it.
type Rule struct {
	Name        string
	Severity    attache.Severity
	Description string
}

// Backtest is the result of a Backtester.
type Backtest struct {
	// Searched is how many items the query ran over.
	Searched int
	// Matched is how many of them it matched.
	Matched int
	// First are the first matches, newest first.
	First []attache.Item
}
