package daemon

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/config"
	"github.com/attache-dev/attache/watcher"
)

// stateCheckEvery is how often the daemon checks that its state file is
// still the one it has open.
const stateCheckEvery = 10 * time.Second

// stateFailuresUnhealthy is how many polls in a row may fail to record
// before the state is unhealthy: one may meet a passing lock or a full disk
// that is being cleared.
const stateFailuresUnhealthy = 3

// stateSendTimeout bounds the health alert about the state, sent directly.
const stateSendTimeout = 30 * time.Second

// Checks that a backend may offer; SQLite's files offer both.
type (
	fileChecker  interface{ CheckFile() error }
	quickChecker interface {
		QuickCheck(ctx context.Context) error
	}
)

// stateHealth is whether the state can be trusted: a problem makes /readyz
// fail and sends one health alert. A deleted, replaced or damaged file
// stays a problem until a restart; failing writes clear when a poll records
// again.
type stateHealth struct {
	mu       sync.Mutex
	problem  string // empty while healthy
	sticky   bool   // the problem outlives later successful writes
	failures int    // polls in a row whose record failed
}

// err returns the current problem as an error, or nil.
func (h *stateHealth) err() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.problem == "" {
		return nil
	}
	return fmt.Errorf("state: %s", h.problem)
}

// fail records a problem, and reports whether it is a new one.
func (h *stateHealth) fail(problem string, sticky bool) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.problem != "" && (h.sticky || !sticky) {
		return false
	}
	h.problem, h.sticky = problem, sticky
	return true
}

// polled counts a poll's outcome, and returns a problem that has just
// begun ("" if none) and whether a problem of failing writes has just
// ended.
func (h *stateHealth) polled(r watcher.PollResult) (began string, ended bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if r.Class != attache.PollStateError {
		h.failures = 0
		if h.problem != "" && !h.sticky {
			h.problem = ""
			return "", true
		}
		return "", false
	}
	h.failures++
	if h.failures == stateFailuresUnhealthy && h.problem == "" {
		h.problem = fmt.Sprintf("%d polls in a row could not be recorded: %v", h.failures, r.Err)
		return h.problem, false
	}
	return "", false
}

// checkStateAtStart runs the backend's integrity check, if it has one.
func (d *daemon) checkStateAtStart(ctx context.Context) {
	qc, ok := d.store.(quickChecker)
	if !ok {
		return
	}
	if err := qc.QuickCheck(ctx); err != nil {
		d.stateProblem(err.Error(), true)
	}
}

// watchStateFile checks every stateCheckEvery, until stop, that the state
// file is still the one open.
func (d *daemon) watchStateFile(stop <-chan struct{}) {
	fc, ok := d.store.(fileChecker)
	if !ok {
		return
	}
	t := time.NewTicker(stateCheckEvery)
	defer t.Stop()
	for {
		if err := fc.CheckFile(); err != nil {
			d.stateProblem(err.Error(), true)
		}
		select {
		case <-stop:
			return
		case <-t.C:
		}
	}
}

// observeState counts a poll's outcome toward the state's health.
func (d *daemon) observeState(r watcher.PollResult) {
	began, ended := d.health.polled(r)
	switch {
	case began != "":
		d.raiseState(began)
	case ended:
		d.log.Info("state healthy again: polls are recorded", "state", config.StateLabel(d.config().State))
	}
}

// stateProblem records a problem of the state and raises it once.
func (d *daemon) stateProblem(problem string, sticky bool) {
	if d.health.fail(problem, sticky) {
		d.raiseState(problem)
	}
}

// raiseState logs a problem of the state and sends a health alert about it
// to health_notify directly, not through the queue: the queue is in the
// state that is failing.
func (d *daemon) raiseState(problem string) {
	cfg := d.config()
	d.log.Error("state unhealthy: /readyz fails until it is resolved", "state", config.StateLabel(cfg.State), "problem", problem)
	now := time.Now()
	it := attache.Item{
		Feed: "attache", Key: "state:" + now.UTC().Format(time.RFC3339),
		Title:   fmt.Sprintf("attaché state %s is unhealthy", config.StateLabel(cfg.State)),
		Summary: problem, Published: now, Lang: "en",
	}
	m := attache.Match{Rule: watcher.HealthRule, Description: "the daemon's own state", Severity: attache.SeverityCritical}
	for _, name := range cfg.HealthNotify {
		dest, ok := cfg.Destinations[name]
		if !ok {
			continue
		}
		n, err := NewNotifier(dest, cfg.Timezone, d.opts.Stdout)
		if err != nil {
			d.log.Error("cannot send the state's health alert", "destination", name, "error", err)
			continue
		}
		a := attache.Alert{ID: "state-" + name + "-" + fmt.Sprint(now.UnixMilli()), Destination: name, Item: it,
			Matches: []attache.Match{m}, Queued: now, Status: attache.AlertInFlight}
		go func() {
			ctx, cancel := context.WithTimeout(d.work, stateSendTimeout)
			defer cancel()
			if err := n.Send(ctx, a); err != nil {
				d.log.Error("cannot send the state's health alert", "destination", name, "error", err)
				return
			}
			d.log.Info("state's health alert sent", "destination", name)
		}()
	}
}
