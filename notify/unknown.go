package notify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/attache-dev/attache"
)

// lookResult is what the destination said of the alerts of a lot whose
// earlier send had an unknown outcome: those it found, or why it could not
// say.
type lookResult struct {
	found map[string]bool
	err   error
}

// look asks the destination which of the alerts in due whose earlier send
// had an unknown outcome arrived, from the start of the earliest such send.
// It is bounded by the send timeout, and asks nothing when no alert needs it.
func (d *Dispatcher) look(ctx context.Context, dest string, n Notifier, l *lane, due []attache.Alert) lookResult {
	var (
		ids   []string
		since time.Time
	)
	for _, a := range due {
		if a.Unknown == 0 {
			continue
		}
		ids = append(ids, a.ID)
		from := a.UnknownSince
		if from.IsZero() {
			from = a.Queued // no send can have begun before
		}
		if since.IsZero() || from.Before(since) {
			since = from
		}
	}
	if len(ids) == 0 {
		return lookResult{}
	}
	var r lookResult
	if c, ok := n.(Checker); ok {
		ctx, cancel := context.WithTimeout(ctx, d.opts.SendTimeout)
		r.found, r.err = c.Sent(ctx, ids, since)
		cancel()
	} else {
		r.err = fmt.Errorf("%w: its notifier cannot read what arrived there", ErrCannotCheck)
	}
	d.log.looked(l, dest, r.err, errors.Is(r.err, ErrCannotCheck))
	return r
}

// settle applies the policy for unknown outcomes, in one place. Before a
// send it decides about the alerts of batch (in flight) whose earlier sends
// had an unknown outcome (Alert.Unknown > 0), from what look found:
//   - found at the destination: delivered, not sent again;
//   - looked for and not found: sent;
//   - the destination cannot be checked (ErrCannotCheck): sent again while
//     no more than MaxBlindResends sends had an unknown outcome, then dead,
//     "outcome unknown: ...";
//   - looking failed in a way that may pass: queued again for a later
//     attempt, not sent, since a send now could make a duplicate.
//
// It returns the alerts to send (the others of batch are recorded) and
// what it recorded. Its error is the queue's.
func (d *Dispatcher) settle(ctx context.Context, dest string, l *lane, batch []attache.Alert, look lookResult) ([]attache.Alert, Counts, error) {
	unsure := false
	for _, a := range batch {
		unsure = unsure || a.Unknown > 0
	}
	if !unsure {
		return batch, Counts{}, nil
	}
	found, lookErr := look.found, look.err
	cannot := errors.Is(lookErr, ErrCannotCheck)

	mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), markTimeout)
	defer cancel()
	var (
		send  []attache.Alert
		total Counts
		at    = d.moment()
	)
	for _, a := range batch {
		var (
			c   Counts
			err error
		)
		switch {
		case a.Unknown == 0:
			send = append(send, a)
		case found[a.ID]:
			if err = d.queue.MarkDelivered(mctx, a.ID, at.now); err == nil {
				d.log.found(l, dest, a)
				c = Counts{Delivered: 1}
			}
		case lookErr == nil, cannot && a.Unknown <= MaxBlindResends:
			send = append(send, a)
		case cannot:
			text := fmt.Sprintf("outcome unknown: no answer to %d sends (last: %s), and %v", a.Unknown, a.LastError, lookErr)
			if err = d.queue.MarkDead(mctx, a.ID, text); err == nil {
				d.log.dead(dest, a, text, "")
				c = Counts{Dead: 1}
			}
		default:
			v := classify(lookErr)
			c, err = d.again(mctx, ctx.Err() != nil, dest, l, a,
				fmt.Errorf("look for the alert at the destination: %w", lookErr),
				verdict{retry: true, retryAfter: v.retryAfter}, at)
		}
		total.add(c)
		if err != nil {
			return nil, total, err
		}
	}
	return send, total, nil
}
