package adaptive

import (
	"testing"
	"time"

	"github.com/attache-dev/attache/source/hints"
)

func TestHintsAreFloors(t *testing.T) {
	tests := []struct {
		name    string
		h       hints.Hints
		outcome Outcome
		want    time.Duration
		kind    hints.Kind
	}{
		{"Retry-After beyond max_interval", hints.Hints{RetryAfter: 2 * time.Hour}, Failed, 2 * time.Hour, hints.KindRetryAfter},
		{"max-age on a 304", hints.Hints{Fresh: 45 * time.Minute}, NotModified, 45 * time.Minute, hints.KindFresh},
		{"an RSS ttl", hints.Hints{TTL: time.Hour}, Fetched, time.Hour, hints.KindTTL},
		{"sy:updatePeriod", hints.Hints{UpdatePeriod: 3 * time.Hour}, Fetched, 3 * time.Hour, hints.KindUpdatePeriod},
		{"a year of max-age stops at the ceiling", hints.Hints{Fresh: 365 * 24 * time.Hour}, Fetched, DefaultHintCeiling, hints.KindFresh},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newSchedule(t, Config{})
			s.Observe(Observation{At: monday, Outcome: NotModified})
			at := monday.Add(10 * time.Minute)
			s.Observe(Observation{At: at, Outcome: tc.outcome, Hints: tc.h})
			d := s.Decide(at)
			if got := d.At.Sub(at); got != tc.want || d.Reason != ReasonHint || d.Hint != string(tc.kind) {
				t.Errorf("Decide = in %v (%s %q), want %v (hint %q)", got, d.Reason, d.Hint, tc.want, tc.kind)
			}
			// A 304 keeps the document's own hints (it is unchanged), and
			// only those.
			s.Observe(Observation{At: d.At, Outcome: NotModified})
			d2 := s.Decide(d.At)
			document := tc.h.TTL > 0 || tc.h.UpdatePeriod > 0
			if document != (d2.Reason == ReasonHint) {
				t.Errorf("after a 304: %+v; the document's hints should hold (%v), the others not", d2, document)
			}
			// A new document without hints ends them.
			s.Observe(Observation{At: d2.At, Outcome: Fetched})
			if d3 := s.Decide(d2.At); d3.Reason == ReasonHint {
				t.Errorf("a floor outlived the answers that set it: %+v", d3)
			}
		})
	}
}

func TestAHintBelowTheIntervalChangesNothing(t *testing.T) {
	s := newSchedule(t, Config{})
	s.Observe(Observation{At: monday, Outcome: NotModified, Hints: hints.Hints{Fresh: time.Minute}})
	if d := s.Decide(monday); d.Reason == ReasonHint {
		t.Errorf("a one-minute max-age decided a ten-minute schedule: %+v", d)
	}
}

func TestErrorsBackOff(t *testing.T) {
	s := newSchedule(t, Config{})
	at := monday
	s.Observe(Observation{At: at, Outcome: NotModified})
	wants := []time.Duration{0, 0, 5 * time.Minute, 10 * time.Minute, 20 * time.Minute, 40 * time.Minute}
	for i, least := range wants {
		at = s.Next(at)
		s.Observe(Observation{At: at, Outcome: Failed})
		d := s.Decide(at)
		if iv := d.At.Sub(at); iv < least || (least > DefaultMaxInterval && d.Reason != ReasonBackoff) {
			t.Errorf("after %d failures: next in %v (%s), want at least %v", i+1, iv, d.Reason, least)
		}
	}
	if d := s.Decide(at); d.Reason != ReasonBackoff || d.At.Sub(at) != 40*time.Minute {
		t.Errorf("after 6 failures: %+v, want backoff of 40m", d)
	}
	s.Observe(Observation{At: at.Add(40 * time.Minute), Outcome: NotModified})
	if d := s.Decide(at.Add(40 * time.Minute)); d.Reason == ReasonBackoff {
		t.Errorf("a success did not end the backoff: %+v", d)
	}
}

func TestTheBudgetHolds(t *testing.T) {
	// A source that publishes at every poll: bursts all day long, the
	// worst case for the budget.
	cfg := Config{Budget: 100, Seed: 9}
	s := newSchedule(t, cfg)
	at := monday
	s.Observe(Observation{At: at, Outcome: NotModified})
	perDay := map[int]int{}
	days := 14
	polls := 0
	for at.Before(monday.AddDate(0, 0, days)) {
		at = s.Next(at)
		s.Observe(Observation{At: at, Outcome: Fetched, New: []time.Time{at.Add(-30 * time.Second)}})
		perDay[int(at.Sub(monday).Hours()/24)]++
		polls++
	}
	// A new source starts with a day's worth; it earns Budget a day.
	if limit := int(cfg.Budget) * (days + 1); polls > limit {
		t.Errorf("%d polls in %d days, more than the %d the budget allows", polls, days, limit)
	}
	for d, n := range perDay {
		if n > 3*int(cfg.Budget) {
			t.Errorf("day %d: %d polls, more than 3 days' budget", d, n)
		}
	}
	if d := s.Decide(at); d.Reason != ReasonBudget && d.Reason != ReasonMin {
		t.Logf("last decision %+v", d)
	}
	if st := s.State(); st.SpentToday == 0 || st.SpentYesterday == 0 {
		t.Errorf("spend not counted: today %d, yesterday %d", st.SpentToday, st.SpentYesterday)
	}
}
