package interact

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"
)

// State is where the Socket Mode connection stands.
type State string

// Connection states. Only StateConnected takes clicks and commands; in every
// other state the app keeps trying by itself, and alerts are still sent (the
// app is needed only to act on them), so /readyz reports the app as
// degraded, never as failed.
const (
	StateConnecting   State = "connecting"   // the first connection is being opened
	StateConnected    State = "connected"    // Slack delivers to this process
	StateReconnecting State = "reconnecting" // the connection was lost or could not be opened; retrying with backoff
	StateFailed       State = "failed"       // Slack refused the app token; retrying slowly until it is accepted
	StateStopped      State = "stopped"      // Run has returned
)

// ConnStatus is the connection's state for /readyz and the status page.
type ConnStatus struct {
	State State
	// Since is when the connection entered State.
	Since time.Time
	// LastError is the last connection error (never a token), and
	// LastErrorAt when it happened; empty when none happened.
	LastError   string
	LastErrorAt time.Time
	// Connects counts the connections opened since Run began; more than
	// one means it reconnected.
	Connects int
}

// Ready reports whether Slack can reach the app now.
func (s ConnStatus) Ready() bool { return s.State == StateConnected }

// tracker keeps the connection's status; every method is safe for
// concurrent use.
type tracker struct {
	mu  sync.Mutex
	now func() time.Time
	s   ConnStatus
}

func newTracker(now func() time.Time) *tracker {
	return &tracker{now: now, s: ConnStatus{State: StateConnecting, Since: now()}}
}

func (t *tracker) get() ConnStatus {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.s
}

// set moves to state and reports the state it left. Connected counts a
// connection.
func (t *tracker) set(state State) State {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.setLocked(state)
}

func (t *tracker) setLocked(state State) State {
	was := t.s.State
	if was != state {
		t.s.State, t.s.Since = state, t.now()
	}
	if state == StateConnected {
		t.s.Connects++
	}
	return was
}

// connecting is a new attempt to connect: after a connection was lost, the
// app is reconnecting; otherwise it stays as it was. A loss is not recorded
// as an error: Slack asks for reconnections routinely ("disconnect"), and
// slack-go does not tell them apart from failures.
func (t *tracker) connecting() State {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.s.State == StateConnected {
		return t.setLocked(StateReconnecting)
	}
	return t.s.State
}

// failed records an error. fatal says that Slack refused the app token: the
// state is then failed until a connection succeeds; any other error means
// that the app is retrying.
func (t *tracker) failed(msg string, fatal bool) State {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.s.LastError, t.s.LastErrorAt = msg, t.now()
	switch {
	case fatal:
		return t.setLocked(StateFailed)
	case t.s.State != StateFailed:
		return t.setLocked(StateReconnecting)
	}
	return t.s.State
}

// backoff gives the waits between attempts after Slack refused the token:
// doubling from min to max, each with up to a quarter more at random so
// that several replicas do not retry in step.
type backoff struct {
	min, max, next time.Duration
}

func (b *backoff) wait(ctx context.Context) bool {
	if b.next == 0 {
		b.next = b.min
	}
	d := b.next + rand.N(b.next/4+1)
	b.next = min(b.next*2, b.max)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func (b *backoff) reset() { b.next = 0 }
