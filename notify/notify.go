// Package notify delivers queued alerts to their destinations.
//
// A Notifier sends one alert to one place (a Slack channel, the console) and
// says, through the error it returns, whether a failure is worth another try.
// The Dispatcher is the one place that decides what happens next: it takes
// due alerts from a Queue, paces them per destination, and records each as
// delivered, to be retried at a later time, or dead.
//
// The package knows nothing of how the queue is stored: it states the Queue
// it needs, and the store satisfies it.
//
// The delivery policy, in one place:
//   - A permanent failure makes the alert dead at once, with the notifier's
//     code in its error ("channel_not_found").
//   - A transient failure (including any error the notifier did not
//     classify) queues the alert again after a capped exponential backoff,
//     and no sooner than the Retry-After the destination gave; a
//     Retry-After also pauses the whole destination until it has passed.
//     An alert that still fails once it is Options.MaxAge old (24 hours by
//     default) is given up: dead, "gave up after N attempts in D: <error>".
//   - An alert for a destination that has no notifier (removed from the
//     configuration while alerts for it waited) stays queued, so that
//     putting the destination back delivers it, until it is MaxAge old; it
//     is then dead, "destination X is not configured", so that a
//     destination removed for good does not look stuck forever.
//   - When more alerts are due for a destination at once than its burst
//     limit (20 by default) and its notifier is a Summarizer, they go out
//     as summary messages listing them, not one message each: the first
//     poll after an outage or a burst of news never floods a channel.
//   - A send cut short by shutdown queues the alert again, due at once; a
//     send that completed is recorded as delivered even if shutdown began
//     meanwhile. Only a crash between the two leaves an alert in flight,
//     to be sent once more after the restart.
package notify

import (
	"context"
	"errors"
	"time"

	"github.com/attache-dev/attache"
)

// Notifier sends alerts to one destination.
//
// Send must honour ctx: the dispatcher bounds every send with a timeout and
// cancels it at shutdown. A nil error means the alert arrived. A failure
// should be a *SendError (see Permanent and Transient) when the notifier
// knows whether trying again can help; any other error is taken as
// transient, as network errors and timeouts are.
type Notifier interface {
	Send(ctx context.Context, a attache.Alert) error
}

// Summarizer is a Notifier that can also send one message listing several
// alerts. When more alerts are due for a destination than its burst limit,
// the dispatcher sends them as summaries (at most SummaryChunk alerts in
// each) instead of one message per alert, so that a burst never floods a
// channel. Its errors are classified like Send's; they apply to every alert
// of the summary.
type Summarizer interface {
	SendSummary(ctx context.Context, alerts []attache.Alert) error
}

// SummaryChunk is the most alerts one summary lists: a line per alert stays
// well inside a chat message's limits.
const SummaryChunk = 40

// SendError is a failed send, classified by the notifier that saw it.
type SendError struct {
	// Retry says whether sending the same alert again may succeed.
	Retry bool
	// RetryAfter is how long the destination asked to be left alone (an
	// HTTP 429's Retry-After); zero when it did not say. The dispatcher
	// waits at least this long before the next send to the destination.
	RetryAfter time.Duration
	// Code names the failure for operators and metrics: Slack's error code
	// ("channel_not_found") or an HTTP status ("http_503").
	Code string
	// Err is the underlying error, if any.
	Err error
}

// Permanent returns a failure that sending again cannot cure, such as a
// channel that does not exist or a token that was revoked.
func Permanent(code string, err error) *SendError {
	return &SendError{Code: code, Err: err}
}

// Transient returns a failure that may pass, such as a server error or a
// rate limit. retryAfter is the least wait the destination asked for, or
// zero.
func Transient(code string, err error, retryAfter time.Duration) *SendError {
	return &SendError{Retry: true, RetryAfter: retryAfter, Code: code, Err: err}
}

// Error gives the code first, then the underlying error, without saying the
// code twice when the error is nothing but the code (as slack-go's are).
func (e *SendError) Error() string {
	switch {
	case e.Err == nil && e.Code == "":
		return "send failed"
	case e.Err == nil:
		return e.Code
	case e.Code == "" || e.Err.Error() == e.Code:
		return e.Err.Error()
	default:
		return e.Code + ": " + e.Err.Error()
	}
}

// Unwrap returns the underlying error.
func (e *SendError) Unwrap() error { return e.Err }

// classify reads a Send error the way the dispatcher acts on it: a
// *SendError says for itself, anything else is transient.
func classify(err error) (retry bool, retryAfter time.Duration) {
	if se, ok := errors.AsType[*SendError](err); ok {
		return se.Retry, max(se.RetryAfter, 0)
	}
	return true, 0
}
