package notify_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/notify"
	"github.com/attache-dev/attache/store/sqlite"
)

// slowDestination is a destination that answers late: the first late sends
// arrive (unless lost) but their answer comes after the timeout, so the
// dispatcher sees an unknown outcome. It keeps what arrived.
type slowDestination struct {
	late int // sends answered too late
	lost int // of those, the first lost ones did not arrive after all

	mu        sync.Mutex
	sends     int
	inbox     []string   // alert ids that arrived, with repeats
	summaries [][]string // ids of each summary sent
}

func (s *slowDestination) deliver(ids ...string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sends++
	if s.sends > s.lost {
		s.inbox = append(s.inbox, ids...)
	}
	if s.sends <= s.late {
		return notify.OutcomeUnknown("timeout", fmt.Errorf("post: %w", context.DeadlineExceeded))
	}
	return nil
}

func (s *slowDestination) Send(_ context.Context, a attache.Alert) error { return s.deliver(a.ID) }

func (s *slowDestination) SendSummary(_ context.Context, alerts []attache.Alert) error {
	ids := make([]string, len(alerts))
	for i, a := range alerts {
		ids[i] = a.ID
	}
	s.mu.Lock()
	s.summaries = append(s.summaries, ids)
	s.mu.Unlock()
	return s.deliver(ids...)
}

// arrived counts the messages that arrived for id.
func (s *slowDestination) arrived(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, got := range s.inbox {
		if got == id {
			n++
		}
	}
	return n
}

func (s *slowDestination) sent() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sends
}

// checkedDestination is a slowDestination whose history can be read, as a
// Slack channel's can with the right scope. lookErrs are the errors of the
// first looks, in order.
type checkedDestination struct {
	slowDestination
	lookErrs []error

	looks  int
	sinces []time.Time
	asked  [][]string
}

func (c *checkedDestination) Sent(_ context.Context, ids []string, since time.Time) (map[string]bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.looks++
	c.sinces = append(c.sinces, since)
	c.asked = append(c.asked, append([]string(nil), ids...))
	if c.looks <= len(c.lookErrs) && c.lookErrs[c.looks-1] != nil {
		return nil, c.lookErrs[c.looks-1]
	}
	found := map[string]bool{}
	for _, got := range c.inbox {
		found[got] = true
	}
	return found, nil
}

var (
	_ notify.Checker    = (*checkedDestination)(nil)
	_ notify.Summarizer = (*slowDestination)(nil)
)

// drain runs passes, each at the time the alert falls due again, until it
// is delivered or dead, or rounds passes have run; it returns the alert.
func drain(t *testing.T, d *notify.Dispatcher, s *sqlite.Store, clk *clock, id string, rounds int) attache.Alert {
	t.Helper()
	var a attache.Alert
	for range rounds {
		deliver(t, d)
		a = alertByID(t, s, id)
		if a.Status != attache.AlertQueued {
			return a
		}
		clk.Set(later(clk.Now(), a.NextAttempt))
	}
	return a
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
