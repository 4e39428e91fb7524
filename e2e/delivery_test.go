package e2e

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// baseline gives the site's feed a first, silent poll.
func (s *site) baseline() {
	s.t.Helper()
	s.feeds.set("news", entry{GUID: "old", Title: "Weather", Link: "https://example.org/old"})
	s.once()
	if n := s.slack.count(); n != 0 {
		s.t.Fatalf("the baseline sent %d messages", n)
	}
}

func TestSlackRateLimitedIsDeliveredOnceAfterTheWait(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name       string
		retryAfter string
		atLeast    time.Duration
	}{
		{"with Retry-After: 1", "1", time.Second},
		{"without Retry-After", "", 20 * time.Second},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := newSite(t, 20)
			s.baseline()
			s.slack.then(answer{status: http.StatusTooManyRequests, retryAfter: c.retryAfter})
			s.feeds.set("news", news("r"))
			d := s.start()
			start := time.Now()
			eventually(t, 90*time.Second, "the delivery after the 429", func() bool { return s.slack.received("r")["r"] == 1 })
			if waited := time.Since(start); waited < c.atLeast {
				t.Errorf("delivered %v after the first try: sooner than the wait of %v", waited, c.atLeast)
			}
			d.stop(t)
			exactlyOnce(t, s.slack.received("r"), []string{"r"})
		})
	}
}

func TestSlackDownForAWhileIsDeliveredOnceWhenItRecovers(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		fail func(s *site)
		mend func(s *site)
	}{
		{"5xx", func(s *site) { s.slack.always(answer{status: http.StatusServiceUnavailable}) }, func(s *site) { s.slack.always(answer{}) }},
		{"connection refused", func(s *site) { s.slack.down() }, func(s *site) { s.slack.up(s.t) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := newSite(t, 20)
			s.baseline()
			c.fail(s)
			s.feeds.set("news", news("x"), news("y"))
			d := s.start()
			eventually(t, 30*time.Second, "a failed send", func() bool {
				return strings.Contains(d.stderr.String(), "delivery failed; will retry")
			})
			time.Sleep(4 * time.Second) // failing for a while
			c.mend(s)
			eventually(t, 90*time.Second, "both alerts", func() bool {
				got := s.slack.received("x", "y")
				return got["x"] >= 1 && got["y"] >= 1
			})
			d.stop(t)
			exactlyOnce(t, s.slack.received("x", "y"), []string{"x", "y"})
		})
	}
}

func TestSlackDroppingTheConnectionAfterAcceptingRepeatsAtMostOne(t *testing.T) {
	t.Parallel()
	s := newSite(t, 20)
	s.baseline()
	s.slack.then(answer{drop: true})
	s.feeds.set("news", news("d"), news("e"))
	d := s.start()
	eventually(t, 60*time.Second, "both alerts", func() bool {
		got := s.slack.received("d", "e")
		return got["d"] >= 1 && got["e"] >= 1
	})
	time.Sleep(2 * time.Second) // room for a wrong extra send
	d.stop(t)
	got := s.slack.received("d", "e")
	if dup := got["d"] + got["e"] - 2; dup > 1 || got["d"] == 0 || got["e"] == 0 {
		t.Fatalf("received %v: want both, with at most one duplicate", got)
	}
}

func TestADestinationThatRefusesIsDeadThereAndOthersGoOn(t *testing.T) {
	t.Parallel()
	for _, code := range []string{"invalid_auth", "channel_not_found"} {
		t.Run(code, func(t *testing.T) {
			t.Parallel()
			s := newSite(t, 20)
			other := newFakeSlack(t)
			s.writeConfig(configText(s.url, s.slack.url(), 20, map[string]string{"oncall": other.url()}))
			s.baseline()
			s.slack.always(answer{code: code})
			s.feeds.set("news", news("p"))
			out := s.onceExit(1) // an alert went dead
			if got := other.received("p"); got["p"] != 1 {
				t.Fatalf("the other destination received %v, want the alert once", got)
			}
			if s.slack.count() != 0 || !strings.Contains(out, code) {
				t.Fatalf("the refusing destination accepted %d; log lacks %s:\n%s", s.slack.count(), code, out)
			}
			// Dead is final: another run sends it nowhere again.
			s.slack.always(answer{})
			s.once()
			if s.slack.count() != 0 || other.received("p")["p"] != 1 {
				t.Fatalf("a dead alert was sent again: %d, %v", s.slack.count(), other.received("p"))
			}
		})
	}
}
