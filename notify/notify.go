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
//   - A send whose outcome is unknown (the notifier says the request went
//     out and no answer came: a timeout after it was written) is not
//     simply sent again. The alert is queued again, no sooner than the send
//     timeout, with the send counted as unknown (see Queue.MarkUnknown).
//     Before its next send the dispatcher asks the destination, if its
//     notifier is a Checker, whether the message arrived: found, the alert
//     is delivered; not found, it is sent. Where the destination cannot be
//     checked (an incoming webhook, a token without the scope to read the
//     channel), it is sent again at most MaxBlindResends times; after that
//     it is dead, "outcome unknown: ...", rather than risk a message a
//     minute for a day.
//   - A send cut short by shutdown queues the alert again, due at once; a
//     send that completed is recorded as delivered even if shutdown began
//     meanwhile. An alert left in flight by a crash is queued again at the
//     next start as a send whose outcome is unknown.
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
// should be a *SendError (see Permanent, Transient and OutcomeUnknown) when
// the notifier knows whether trying again can help; any other error is
// taken as transient, the message known not to have arrived.
type Notifier interface {
	Send(ctx context.Context, a attache.Alert) error
}

// Hinter is a Notifier that can say what a person can do about one of its
// failures ("invite the app to #geo-alerts"); the hint goes into the log
// line of a dead alert. It returns "" when it has nothing to say.
type Hinter interface {
	Notifier
	Hint(err error) string
}

// Unpaced is a Notifier that needs no pacing, such as the console: a local
// stream, not a remote service with a rate limit. Its alerts go out as fast
// as they are due (100 alerts take no longer than one).
type Unpaced interface {
	Notifier
	Unpaced()
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

// Checker is a Notifier that can look at its destination for the messages
// it sent, so that an alert whose send had an unknown outcome is not sent
// twice.
type Checker interface {
	// Sent reports which of ids are in messages that arrived at the
	// destination at or after since (the start of the first send whose
	// outcome is unknown; the checker allows for clock skew). An error
	// wrapping ErrCannotCheck means the destination cannot say, for these
	// ids or at all; any other error is a failure to ask that may pass. The
	// ids reported found are found even when an error comes with them.
	Sent(ctx context.Context, ids []string, since time.Time) (map[string]bool, error)
}

// ErrCannotCheck says a destination cannot tell whether a message arrived:
// it keeps no history the notifier can read, or the notifier lacks the
// permission to read it.
var ErrCannotCheck = errors.New("the destination cannot be checked")

// MaxBlindResends is how many times an alert is sent again after sends
// whose outcome is unknown when the destination cannot be checked: each of
// those sends may have arrived, so this bounds the duplicates (at most
// 1 + MaxBlindResends messages) at the price of a dead alert when the
// destination never answers in time.
const MaxBlindResends = 2

// SummaryChunk is the most alerts one summary lists: a line per alert stays
// well inside a chat message's limits.
const SummaryChunk = 40

// SendError is a failed send, classified by the notifier that saw it.
type SendError struct {
	// Retry says whether sending the same alert again may succeed.
	Retry bool
	// Unknown says the request went out and no answer said whether it
	// arrived (a timeout or a cut connection after it was written): the
	// message may be at the destination. It implies Retry. A failure before
	// the request was written (a refused connection, a name that did not
	// resolve) is not unknown: nothing can have arrived.
	Unknown bool
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

// OutcomeUnknown returns a failure after which the message may or may not
// be at the destination: the request went out and no answer came. The
// dispatcher checks for it before sending again, or bounds the re-sends.
func OutcomeUnknown(code string, err error) *SendError {
	return &SendError{Retry: true, Unknown: true, Code: code, Err: err}
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

// verdict is a Send error read the way the dispatcher acts on it.
type verdict struct {
	retry      bool          // sending again may succeed
	unknown    bool          // the message may have arrived all the same
	retryAfter time.Duration // the least wait the destination asked for
}

// classify reads a Send error: a *SendError says for itself, anything else
// is transient and known not to have arrived.
func classify(err error) verdict {
	if se, ok := errors.AsType[*SendError](err); ok {
		return verdict{retry: se.Retry || se.Unknown, unknown: se.Unknown, retryAfter: max(se.RetryAfter, 0)}
	}
	return verdict{retry: true}
}
