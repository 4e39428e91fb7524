package notify

import (
	"context"
	"sync"
	"time"
)

// Run delivers alerts until ctx is done or Drain is called. Each destination is served by its
// own pass, started when Wake is called, when a retry or the end of a pause
// that the dispatcher knows of falls due, and every Options.PollInterval;
// a destination still busy with a pass (a slow one, or one sending a long
// backlog at its pace) is served again when that pass ends, while the
// others go on.
//
// Call Start before Run, so that the alerts a previous process left in
// flight are queued again. Errors of the queue are logged
// and met again at the next poll. Run returns once ctx is done and every
// send under way has returned or been abandoned through ctx; an alert whose
// send completed is recorded as delivered, and no other is. After Drain it
// starts no new send and returns once the sends under way have finished:
// the graceful stop, which never cuts a send short.
func (d *Dispatcher) Run(ctx context.Context) {
	type result struct {
		dest string
		next time.Time
	}
	var (
		finished = make(chan result)
		running  = make(map[string]bool)
		again    = make(map[string]bool) // woken while running
		next     = make(map[string]time.Time)
		sem      = make(chan struct{}, d.opts.Concurrency)
		wg       sync.WaitGroup
	)
	launch := func(dest string) {
		running[dest] = true
		delete(next, dest)
		wg.Go(func() {
			r := result{dest: dest}
			select {
			case sem <- struct{}{}:
				var err error
				_, r.next, err = d.pass(ctx, dest)
				<-sem
				if err != nil && ctx.Err() == nil {
					d.log.l.Error("delivery pass failed", keyDestination, dest, keyError, err.Error())
				}
			case <-ctx.Done():
			case <-d.draining:
			}
			finished <- r
		})
	}
	poll := func() time.Time {
		polled := d.opts.Now()
		// What is not listed below has nothing queued, so nothing to wait for.
		clear(next)
		dests, err := d.queue.Destinations(ctx)
		if err != nil {
			if ctx.Err() == nil {
				d.log.l.Error("list destinations", keyError, err.Error())
			}
			return polled
		}
		for _, dest := range dests {
			if running[dest] {
				again[dest] = true
			} else {
				launch(dest)
			}
		}
		return polled
	}

	polled := poll()
	for {
		wakeAt := polled.Add(d.opts.PollInterval)
		for _, t := range next {
			if t.Before(wakeAt) {
				wakeAt = t
			}
		}
		timer := time.NewTimer(wakeAt.Sub(d.opts.Now()))
		select {
		case <-ctx.Done():
			timer.Stop()
			for len(running) > 0 {
				delete(running, (<-finished).dest)
			}
			wg.Wait()
			return
		case <-d.draining:
			timer.Stop()
			for len(running) > 0 {
				delete(running, (<-finished).dest)
			}
			wg.Wait()
			return
		case r := <-finished:
			delete(running, r.dest)
			if !r.next.IsZero() {
				next[r.dest] = r.next
			}
			if again[r.dest] {
				delete(again, r.dest)
				launch(r.dest)
			}
		case <-d.wake:
			polled = poll()
		case <-timer.C:
			polled = poll()
		}
		timer.Stop()
	}
}
