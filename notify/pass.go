package notify

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/attache-dev/attache"
)

// batchSize is how many due alerts a pass reads from the queue at a time.
const batchSize = 50

// markTimeout bounds the queue write that follows a send. That write runs
// on a context detached from the caller's: a send that happened must be
// recorded even when shutdown began during it, or the alert would be sent
// again at the next start.
const markTimeout = 10 * time.Second

// pass serves one destination: it sends, oldest first, every alert due
// while it runs. It returns what it did and the next time it knows an
// alert of the destination falls due (zero if it knows none).
func (d *Dispatcher) pass(ctx context.Context, dest string) (c Counts, next time.Time, err error) {
	l := d.lane(dest)
	l.mu.Lock()
	defer l.mu.Unlock()
	defer func() { next = l.nextDue(d.opts.Now()) }()

	n, limit, ok := d.notifier(dest)
	if !ok {
		c, err = d.unconfigured(ctx, dest, l)
		return c, next, err
	}
	summarising := false // once a pass sees a burst, the rest of it is summarised
	for {
		if d.isDraining() {
			return c, next, nil
		}
		now := d.opts.Now()
		if now.Before(l.pausedUntil) {
			return c, next, nil
		}
		// Enough to see a burst, in whole summaries.
		fetch := max(2*SummaryChunk, limit+1)
		due, err := d.queue.Due(ctx, dest, now, fetch)
		if err != nil {
			return c, next, err
		}
		fetched := len(due)
		var muted Counts
		due, muted, err = d.silence(ctx, dest, due, now)
		c.add(muted)
		d.count(dest, muted)
		if err != nil {
			return c, next, err
		}
		_, canSummarise := n.(Summarizer)
		summarising = summarising || canSummarise && len(due) > limit
		// One look at the destination for every alert of the lot whose
		// earlier send had an unknown outcome.
		look := d.look(ctx, dest, n, l, due)
		for _, batch := range batches(due, summarising) {
			if err := d.pace(ctx, l); err != nil {
				return c, next, err
			}
			if d.isDraining() {
				return c, next, nil
			}
			got, err := d.attempt(ctx, dest, n, l, batch, look)
			c.add(got)
			d.count(dest, got)
			if err != nil {
				return c, next, err
			}
			if d.opts.Now().Before(l.pausedUntil) {
				return c, next, nil
			}
		}
		if fetched < fetch {
			return c, next, nil
		}
	}
}

// silence records as muted the due alerts that an active mute silences
// (attache.Muted) and returns the others, to be sent.
func (d *Dispatcher) silence(ctx context.Context, dest string, due []attache.Alert, now time.Time) ([]attache.Alert, Counts, error) {
	if d.opts.Mutes == nil || len(due) == 0 {
		return due, Counts{}, nil
	}
	mutes, err := d.opts.Mutes(ctx, now)
	if err != nil || len(mutes) == 0 {
		// Mutes that cannot be read silence nothing: an alert too many
		// beats an alert lost.
		if err != nil {
			d.log.l.Warn("mutes not read: alerts are sent", keyDestination, dest, keyError, err.Error())
		}
		return due, Counts{}, nil
	}
	var c Counts
	send := due[:0:0]
	for _, a := range due {
		silenced, by := attache.Muted(a, mutes, now)
		if !silenced {
			send = append(send, a)
			continue
		}
		text := "muted: " + attache.DescribeMutes(by)
		if err := d.queue.MarkMuted(ctx, a.ID, text); err != nil {
			return send, c, err
		}
		d.log.l.Info("alert muted: not sent", keyDestination, dest, "alert", a.ID, "title", a.Item.Title, "by", text)
		c.Muted++
	}
	return send, c, nil
}

// batches splits due alerts into what goes out as one message each: single
// alerts, or, in a burst, summaries of up to SummaryChunk alerts.
func batches(due []attache.Alert, summarise bool) [][]attache.Alert {
	if !summarise {
		out := make([][]attache.Alert, len(due))
		for i := range due {
			out[i] = due[i : i+1]
		}
		return out
	}
	return slices.Collect(slices.Chunk(due, SummaryChunk))
}

// pace waits for the destination's rate limiter to allow one message.
func (d *Dispatcher) pace(ctx context.Context, l *lane) error {
	now := d.opts.Now()
	r := l.limiter.ReserveN(now, 1)
	if !r.OK() {
		return fmt.Errorf("rate limiter: a burst of %d cannot send one message", l.limiter.Burst())
	}
	wait := r.DelayFrom(now)
	if wait <= 0 {
		return nil
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		r.CancelAt(d.opts.Now())
		return ctx.Err()
	case <-d.draining:
		r.CancelAt(d.opts.Now())
		return nil // the pass sees the drain and ends
	}
}

// attempt sends one message (one alert, or a summary of several) and
// records the outcome of every alert in it. Its error is the queue's, or
// ctx's when shutdown cut the send short; a failed send is an outcome, not
// an error.
func (d *Dispatcher) attempt(ctx context.Context, dest string, n Notifier, l *lane, batch []attache.Alert, look lookResult) (Counts, error) {
	// In flight before the send: a crash during it leaves a trace that the
	// next start turns into a send whose outcome is unknown, never a loss.
	for i := range batch {
		if err := d.queue.MarkInFlight(ctx, batch[i].ID, d.opts.Now()); err != nil {
			return Counts{}, err
		}
		batch[i].Status = attache.AlertInFlight
		batch[i].Attempts++
	}
	batch, total, err := d.settle(ctx, dest, l, batch, look)
	if err != nil || len(batch) == 0 {
		if err == nil {
			err = ctx.Err()
		}
		return total, err
	}

	sendCtx, cancel := context.WithTimeout(ctx, d.opts.SendTimeout)
	var sendErr error
	if len(batch) == 1 {
		sendErr = n.Send(sendCtx, batch[0])
	} else {
		sendErr = n.(Summarizer).SendSummary(sendCtx, batch)
	}
	cancel()

	mctx, mcancel := context.WithTimeout(context.WithoutCancel(ctx), markTimeout)
	defer mcancel()
	at := d.moment()
	for _, a := range batch {
		c, err := d.record(mctx, ctx.Err() != nil, dest, l, a, sendErr, at)
		total.add(c)
		if err != nil {
			return total, err
		}
	}
	if sendErr != nil && ctx.Err() != nil {
		return total, ctx.Err()
	}
	return total, nil
}

// record writes down what became of one alert after a send.
func (d *Dispatcher) record(mctx context.Context, shuttingDown bool, dest string, l *lane, a attache.Alert, sendErr error, at moment) (Counts, error) {
	now := at.now
	if sendErr == nil {
		if err := d.queue.MarkDelivered(mctx, a.ID, now); err != nil {
			// Sent but not recorded: it stays in flight, to be sent once
			// more after a restart rather than again and again now.
			return Counts{}, err
		}
		d.log.delivered(l, dest, a)
		if d.opts.Delivered != nil {
			d.opts.Delivered(a, now)
		}
		return Counts{Delivered: 1}, nil
	}

	v := classify(sendErr)
	if !v.retry {
		text := sendErr.Error()
		if err := d.queue.MarkDead(mctx, a.ID, text); err != nil {
			return Counts{}, err
		}
		d.log.dead(dest, a, text, d.hint(dest, sendErr))
		return Counts{Dead: 1}, nil
	}
	return d.again(mctx, shuttingDown, dest, l, a, sendErr, v, at)
}

// moment is when the alerts of one message are recorded, and the jitter
// drawn for their retries: the same for all of them, so that a summary
// that failed is due again as a whole.
type moment struct {
	now time.Time
	rnd float64
}

func (d *Dispatcher) moment() moment {
	return moment{now: d.opts.Now(), rnd: rand.Float64()}
}

// again queues an in-flight alert again after a failure that may pass, or
// gives it up once it is MaxAge old. A send whose outcome is unknown is
// counted as such, and waits at least the send timeout: a destination that
// answers late may still be handling it, and the message is looked for
// before the next send.
func (d *Dispatcher) again(mctx context.Context, shuttingDown bool, dest string, l *lane, a attache.Alert, failure error, v verdict, at moment) (Counts, error) {
	now := at.now
	text := failure.Error()
	mark := d.queue.MarkRetry
	if v.unknown {
		mark = d.queue.MarkUnknown
	}
	switch {
	case shuttingDown:
		// Shutdown, not the destination, cut the send short: due again at
		// once, for the next start.
		if err := mark(mctx, a.ID, now, "interrupted: "+text); err != nil {
			return Counts{}, err
		}
		return Counts{Retried: 1}, nil

	case now.Sub(a.Queued) >= d.opts.MaxAge:
		text = fmt.Sprintf("gave up after %d attempts in %v: %s",
			a.Attempts, now.Sub(a.Queued).Round(time.Second), text)
		if err := d.queue.MarkDead(mctx, a.ID, text); err != nil {
			return Counts{}, err
		}
		d.log.dead(dest, a, text, d.hint(dest, failure))
		return Counts{Dead: 1}, nil
	}

	wait := max(d.opts.Backoff.Delay(a.Attempts, at.rnd), v.retryAfter)
	if v.unknown {
		wait = max(wait, d.opts.SendTimeout)
	}
	next := now.Add(wait)
	if err := mark(mctx, a.ID, next, text); err != nil {
		return Counts{}, err
	}
	l.addRetry(next)
	if v.retryAfter > 0 {
		// The destination asked for quiet: the next alert waits too.
		l.pausedUntil = later(l.pausedUntil, now.Add(v.retryAfter))
	}
	d.log.failed(l, dest, a, failure, next, l.pausedUntil)
	return Counts{Retried: 1}, nil
}

// unconfigured handles a destination that has queued alerts but no
// notifier, as when it was removed from the configuration while alerts for
// it waited. They stay queued, so that putting the destination back
// delivers them, until they are MaxAge old; then they are dead, so that a
// destination removed for good does not look stuck forever.
func (d *Dispatcher) unconfigured(ctx context.Context, dest string, l *lane) (Counts, error) {
	var c Counts
	waiting := 0
	text := fmt.Sprintf("destination %q is not configured", dest)
	for {
		now := d.opts.Now()
		due, err := d.queue.Due(ctx, dest, now, batchSize)
		if err != nil {
			return c, err
		}
		killed := 0
		for _, a := range due {
			if now.Sub(a.Queued) < d.opts.MaxAge {
				waiting++
				continue
			}
			if err := d.queue.MarkDead(ctx, a.ID, text); err != nil {
				return c, err
			}
			killed++
		}
		c.Dead += killed
		d.count(dest, Counts{Dead: killed})
		if len(due) < batchSize || killed == 0 {
			break
		}
	}
	if waiting > 0 && !l.unconfiguredLogged {
		// The loop above reads one batch when none is dead: count them all
		// (up to countCap), once, for the warning.
		if all, err := d.queue.Due(ctx, dest, d.opts.Now(), countCap); err == nil {
			waiting = max(waiting, len(all))
		}
	}
	d.log.unconfigured(l, dest, waiting, c.Dead, d.opts.MaxAge)
	return c, nil
}

// countCap bounds the alerts read to count those waiting for a destination
// that is not configured.
const countCap = 10000

// addRetry remembers that an alert falls due at t.
func (l *lane) addRetry(t time.Time) {
	i, _ := slices.BinarySearchFunc(l.retries, t, time.Time.Compare)
	l.retries = slices.Insert(l.retries, i, t)
}

// nextDue forgets the retries due by now (a pass has served them, or the
// poll will) and returns the next time the lane knows something falls due:
// the end of a pause or the earliest retry.
func (l *lane) nextDue(now time.Time) time.Time {
	i, _ := slices.BinarySearchFunc(l.retries, now, func(t, now time.Time) int {
		if t.After(now) {
			return 1
		}
		return -1
	})
	l.retries = slices.Delete(l.retries, 0, i)
	var next time.Time
	if len(l.retries) > 0 {
		next = l.retries[0]
	}
	if l.pausedUntil.After(now) && (next.IsZero() || l.pausedUntil.Before(next)) {
		next = l.pausedUntil
	}
	return next
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// hint asks the destination's notifier what a person can do about err.
func (d *Dispatcher) hint(dest string, err error) string {
	n, _, ok := d.notifier(dest)
	if h, can := n.(Hinter); ok && can && err != nil {
		return h.Hint(err)
	}
	return ""
}
