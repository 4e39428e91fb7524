package notify

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/attache-dev/attache"
)

// Log keys.
const (
	keyDestination = "destination"
	keyAlert       = "alert"
	keyFeed        = "feed"
	keyAttempt     = "attempt"
	keyError       = "error"
	keyNextAttempt = "next_attempt"
	keyPausedUntil = "paused_until"
	keyWaiting     = "waiting"
	keyDead        = "dead"
	keyMaxAge      = "max_age"
	keyPrevious    = "previous_error"
	keyUnknown     = "unknown_sends"
	keyResends     = "max_resends"
)

// logger says what the dispatcher does, without repeating itself: a failure
// that recurs on every retry is logged when it first appears and when it
// changes, and once more when the destination recovers.
type logger struct {
	l *slog.Logger
}

func (g *logger) delivered(l *lane, dest string, a attache.Alert) {
	if l.failing != "" {
		g.l.Info("destination recovered", keyDestination, dest, keyAlert, a.ID,
			keyAttempt, a.Attempts, keyPrevious, l.failing)
		l.failing = ""
	}
	g.l.Debug("alert delivered", keyDestination, dest, keyAlert, a.ID, keyAttempt, a.Attempts)
}

func (g *logger) failed(l *lane, dest string, a attache.Alert, err error, next, pausedUntil time.Time) {
	key := failureKey(err)
	if key == l.failing {
		return
	}
	l.failing = key
	args := []any{keyDestination, dest, keyAlert, a.ID, keyFeed, a.Item.Feed,
		keyAttempt, a.Attempts, keyError, err.Error(), keyNextAttempt, next}
	if !pausedUntil.IsZero() {
		args = append(args, keyPausedUntil, pausedUntil)
	}
	g.l.Warn("delivery failed; will retry", args...)
}

// dead is always logged: each dead alert is news that was not delivered.
func (g *logger) dead(dest string, a attache.Alert, text, hint string) {
	args := []any{keyDestination, dest, keyAlert, a.ID, keyFeed, a.Item.Feed, "title", a.Item.Title,
		keyAttempt, a.Attempts, keyError, text}
	if hint != "" {
		args = append(args, "hint", hint)
	}
	g.l.Error("alert dead", args...)
}

// found is an alert whose send had no answer, found at the destination.
func (g *logger) found(l *lane, dest string, a attache.Alert) {
	g.delivered(l, dest, a)
	g.l.Info("alert found at the destination after a send with no answer; not sent again",
		keyDestination, dest, keyAlert, a.ID, keyUnknown, a.Unknown)
}

// looked reports, once per destination and reason, that the destination
// cannot be checked for alerts whose send had no answer: each is then sent
// again a bounded number of times. It says so again if the reason changes,
// or after the destination could be checked.
func (g *logger) looked(l *lane, dest string, err error, cannot bool) {
	switch {
	case err == nil:
		l.cannotCheck = ""
	case cannot && err.Error() != l.cannotCheck:
		l.cannotCheck = err.Error()
		g.l.Warn("cannot look at the destination for alerts whose send had no answer; each is sent again a bounded number of times, then given up",
			keyDestination, dest, keyResends, MaxBlindResends, keyError, err.Error())
	}
}

func (g *logger) unconfigured(l *lane, dest string, waiting, dead int, maxAge time.Duration) {
	if dead > 0 {
		g.l.Error("alerts dead: destination not configured", keyDestination, dest,
			keyDead, dead, keyMaxAge, maxAge)
	}
	if waiting > 0 && !l.unconfiguredLogged {
		l.unconfiguredLogged = true
		g.l.Warn("alerts waiting for a destination that is not configured", keyDestination, dest,
			keyWaiting, waiting, keyMaxAge, maxAge)
	}
}

// failureKey is what must change for a failure to be logged again: the
// notifier's code when it gave one (messages may carry varying detail),
// else the whole message.
func failureKey(err error) string {
	if se, ok := errors.AsType[*SendError](err); ok && se.Code != "" {
		return se.Code
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return context.DeadlineExceeded.Error()
	}
	return err.Error()
}
