package adaptive

import (
	"math"
	"time"
)

// Schedule is one source's adaptive schedule: its configuration and what it
// learned. It is not safe for concurrent use; a source is polled by one
// goroutine at a time.
type Schedule struct {
	cfg  Config
	st   State
	plan *weekPlan // derived from st; nil when it must be worked out again
}

// New makes a schedule from a configuration and a state the store kept (a
// zero State for a new source). The configuration may change between
// restarts: what was learned stays valid.
func New(cfg Config, st State) (*Schedule, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if st.Version != stateVersion {
		st = State{}
	}
	return &Schedule{cfg: cfg.WithDefaults(), st: st}, nil
}

// State is a copy of what the schedule learned and spent, for the store.
func (s *Schedule) State() State { return s.st }

// Config is the schedule's configuration, defaults filled.
func (s *Schedule) Config() Config { return s.cfg }

// Push says a hub pushes this source's content until the lease ends: until
// then polling is only a fallback, every MaxInterval. A zero time ends it.
func (s *Schedule) Push(until time.Time) { s.st.PushUntil = until }

// Reason says what decided the time of the next poll.
type Reason string

// Reasons, for logs and the status page.
const (
	ReasonFirst   Reason = "first"        // never polled: now
	ReasonPlan    Reason = "plan"         // the profile's rate
	ReasonBurst   Reason = "burst"        // a recent item made it sooner
	ReasonMin     Reason = "min_interval" // the shortest interval
	ReasonMax     Reason = "max_interval" // the longest interval
	ReasonPush    Reason = "push"         // a hub pushes: fallback polling
	ReasonBackoff Reason = "backoff"      // repeated errors
	ReasonHint    Reason = "hint"         // a server hint (see State.HintKind)
	ReasonBudget  Reason = "budget"       // no request left to spend yet
	ReasonOverdue Reason = "overdue"      // the time passed: now
)

// Decision is the time of the next poll and what decided it.
type Decision struct {
	At     time.Time
	Reason Reason
	// Hint is the hint that set the floor, when Reason is ReasonHint.
	Hint string
}

// Next is when to poll next, never before now.
func (s *Schedule) Next(now time.Time) time.Time { return s.Decide(now).At }

// Decide is Next with the reason.
func (s *Schedule) Decide(now time.Time) Decision {
	st, cfg := &s.st, &s.cfg
	if st.LastPoll.IsZero() {
		return Decision{At: now, Reason: ReasonFirst}
	}
	last := st.LastPoll
	var d Decision
	if now.Before(st.PushUntil) {
		d = Decision{At: last.Add(min(s.jitter(cfg.MaxInterval), cfg.MaxInterval)), Reason: ReasonPush}
	} else {
		iv, reason := s.interval(last)
		iv = s.jitter(iv)
		switch {
		case iv <= cfg.MinInterval:
			iv, reason = cfg.MinInterval, ReasonMin
		case iv >= cfg.MaxInterval:
			iv, reason = cfg.MaxInterval, ReasonMax
		}
		d = Decision{At: last.Add(iv), Reason: reason}
	}
	// Floors, in rising order of authority: a later one wins a tie.
	if b := backoff(st.Errors); b > 0 && last.Add(b).After(d.At) {
		d = Decision{At: last.Add(b), Reason: ReasonBackoff}
	}
	if st.NotBefore.After(d.At) {
		d = Decision{At: st.NotBefore, Reason: ReasonHint, Hint: st.HintKind}
	}
	if t := s.tokensAt(1); t.After(d.At) {
		d = Decision{At: t, Reason: ReasonBudget}
	}
	if d.At.Before(now) {
		d.At, d.Reason = now, ReasonOverdue
	}
	return d
}

// backoff is how long a source that failed n times in a row waits after its
// last request, as fixed schedules do: nothing for the first two failures,
// then 5 minutes doubling up to 6 hours.
func backoff(n int) time.Duration {
	if n < 3 {
		return 0
	}
	return min(5*time.Minute<<min(n-3, 10), 6*time.Hour)
}

// tokensAt is when the budget holds n requests.
func (s *Schedule) tokensAt(n float64) time.Time {
	st := &s.st
	if st.TokensAt.IsZero() {
		return time.Time{}
	}
	have := s.tokens(st.TokensAt)
	if have >= n {
		return st.TokensAt
	}
	days := (n - have) / s.cfg.Budget
	return st.TokensAt.Add(time.Duration(days * 24 * float64(time.Hour)))
}

// jitter spreads an interval by up to ±Config.Jitter, drawn from the seed
// and the number of requests so far: the same state always gives the same
// answer, however often it is asked.
func (s *Schedule) jitter(d time.Duration) time.Duration {
	u := float64(splitmix(s.cfg.Seed^(s.st.Polls*0x9e3779b97f4a7c15))>>11) / (1 << 53) // [0, 1)
	return time.Duration(float64(d) * (1 + s.cfg.Jitter*(2*u-1)))
}

// splitmix is SplitMix64's output function: a well-mixed hash of x.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// step is the resolution at which the rate of polls is summed while a
// burst decays; outside bursts the rate is constant within an hour.
const step = 15 * time.Second

// interval is the time from the last request until the planned rate of
// polls adds up to one poll, and whether a recent item shortened it.
func (s *Schedule) interval(last time.Time) (time.Duration, Reason) {
	p := s.weekPlan()
	burst, tau := s.burstRate(), s.cfg.Burst
	end := last.Add(s.cfg.MaxInterval)
	var sum, sumPlan float64 // polls so far, with and without the burst
	for t := last; t.Before(end); {
		local := t.In(s.cfg.Location)
		h := hourOfWeek(local, s.cfg.Location)
		next := time.Date(local.Year(), local.Month(), local.Day(), local.Hour()+1, 0, 0, 0, s.cfg.Location)
		if !next.After(t) { // a DST change repeats the hour
			next = t.Add(time.Hour)
		}
		if next.After(end) {
			next = end
		}
		plan := p.rates[h]
		if burst == 0 || t.Before(s.st.LastItem) || t.Sub(s.st.LastItem) > 12*tau {
			// Constant rate until the hour ends: solve for the poll.
			seg := next.Sub(t).Hours()
			if sum+plan*seg >= 1 {
				at := t.Add(time.Duration((1 - sum) / plan * float64(time.Hour)))
				return at.Sub(last), s.reason(sumPlan + (1-sum)/plan*plan)
			}
			sum += plan * seg
			sumPlan += plan * seg
			t = next
			continue
		}
		for ; t.Before(next); t = t.Add(step) {
			extra := burst * math.Exp(-float64(t.Sub(s.st.LastItem))/float64(tau))
			sum += p.rate(p.lambda[h]+extra) * step.Hours()
			sumPlan += plan * step.Hours()
			if sum >= 1 {
				return t.Add(step).Sub(last), s.reason(sumPlan)
			}
		}
		t = next
	}
	return s.cfg.MaxInterval, ReasonMax
}

// reason tells a burst from the plan: the plan alone would have spent less
// than most of a poll by then.
func (s *Schedule) reason(planPolls float64) Reason {
	if planPolls < 0.8 {
		return ReasonBurst
	}
	return ReasonPlan
}
