package adaptive

import (
	"math"
	"slices"
	"time"

	"github.com/attache-dev/attache/source/hints"
)

// Outcome is what became of a request, or of a push.
type Outcome int

// Outcomes.
const (
	// Fetched: the source answered with a document, new items or none.
	Fetched Outcome = iota + 1
	// NotModified: a 304. It spends a request and nothing else.
	NotModified
	// Failed: the request failed (network, HTTP error, not a feed, ...).
	Failed
	// Pushed: a hub delivered content. No request was made.
	Pushed
)

// Observation is one poll's outcome, or one push, as the schedule learns
// from it.
type Observation struct {
	// At is when it happened: when the request was made, or the push came.
	At      time.Time
	Outcome Outcome
	// New holds the publication dates of the items seen for the first time;
	// a zero time is an item without a usable date.
	New []time.Time
	// Baseline says this was the source's first read: New is its history,
	// whose dates teach the profile, not news just published.
	Baseline bool
	// Hints are the answer's floors (hints.FromHeader merged with the
	// feed's own fields).
	Hints hints.Hints
}

// maxStep bounds the time one observation adds to the exposure: a daemon
// that was stopped for a month does not learn that the source was silent.
const maxStep = 7 * 24 * time.Hour

// Observe learns from what happened. Observations are expected in time
// order; one older than the last is taken as happening then.
func (s *Schedule) Observe(o Observation) {
	st, cfg := &s.st, &s.cfg
	st.Version = stateVersion
	if o.At.Before(st.LastPoll) {
		o.At = st.LastPoll
	}
	s.advance(o.At)
	prevOK := st.LastSuccess
	if o.Outcome != Pushed {
		if !st.LastPoll.IsZero() {
			st.Planned += s.planned(st.LastPoll, o.At)
			st.Spent++
		}
		s.spend(o.At)
		st.LastPoll = o.At
		st.Polls++
	}
	switch o.Outcome {
	case Failed:
		st.Errors++
	case Fetched, NotModified:
		st.Errors, st.LastSuccess = 0, o.At
	}
	switch o.Outcome {
	case Fetched:
		st.TTL, st.UpdatePeriod = o.Hints.TTL, o.Hints.UpdatePeriod
	case NotModified:
		o.Hints.TTL, o.Hints.UpdatePeriod = max(o.Hints.TTL, st.TTL), max(o.Hints.UpdatePeriod, st.UpdatePeriod)
	}
	if o.Outcome != Pushed {
		st.NotBefore, st.HintKind = time.Time{}, ""
		if d, kind := o.Hints.Floor(cfg.HintCeiling); d > 0 {
			st.NotBefore, st.HintKind = o.At.Add(d), string(kind)
		}
	}
	if len(o.New) == 0 {
		return
	}
	if o.Baseline || prevOK.IsZero() && o.Outcome != Pushed {
		s.learnHistory(o.At, o.New)
	} else {
		s.learnNews(o, prevOK)
	}
	s.plan = nil
}

// advance brings what was learned up to the hour of now: the weights of
// past items decay, and the hours gone by count as observed. It moves in
// whole hours so that the plan, which depends on it, is worked out at most
// once an hour between items.
func (s *Schedule) advance(now time.Time) {
	st := &s.st
	hour := now.Truncate(time.Hour)
	if st.DecayedAt.IsZero() {
		st.DecayedAt = hour
		return
	}
	if !hour.After(st.DecayedAt) {
		return
	}
	s.decay(hour)
	s.expose(min(hour.Sub(st.DecayedAt), maxStep))
	st.DecayedAt = hour
	// Ten requests' worth of prior: no overhead until the source shows one.
	st.Overhead = min(max((st.Spent+10)/(st.Planned+10), 0.5), 3)
	s.plan = nil
}

// decay brings the weights of what was learned up to now.
func (s *Schedule) decay(now time.Time) {
	st := &s.st
	if st.DecayedAt.IsZero() || !now.After(st.DecayedAt) {
		return
	}
	dt := now.Sub(st.DecayedAt)
	long := math.Exp2(-float64(dt) / float64(s.cfg.Memory))
	short := math.Exp2(-float64(dt) / float64(s.cfg.Recent))
	for i := range st.Counts {
		st.Counts[i] *= long
	}
	st.Exposure *= long
	st.Items *= long
	st.FollowOns *= long
	st.Recent *= short
	st.RecentExposure *= short
	st.Planned *= short
	st.Spent *= short
}

// expose adds observed time, already at today's weight.
func (s *Schedule) expose(d time.Duration) {
	if d > 0 {
		s.st.Exposure += d.Hours()
		s.st.RecentExposure += d.Hours()
	}
}

// learnNews learns from items seen for the first time. An item was not in
// the source at its last good read, so it appeared after that and by now:
// its date, held inside that window, says when. A date outside it is wrong
// (a date of writing, not of publishing; a clock off), and one missing is
// taken as the middle of the window.
func (s *Schedule) learnNews(o Observation, prevOK time.Time) {
	from := prevOK
	if o.Outcome == Pushed || from.IsZero() {
		from = o.At.Add(-s.cfg.MaxInterval)
	}
	appeared := make([]time.Time, 0, len(o.New))
	for _, p := range o.New {
		switch {
		case p.IsZero():
			p = from.Add(o.At.Sub(from) / 2)
		case p.Before(from):
			p = from
		case p.After(o.At):
			p = o.At
		}
		appeared = append(appeared, p)
	}
	s.learnItems(o.At, appeared, 1)
}

// learnHistory learns from a first read: the dates of the items it found
// are the source's recent history. Each item weighs by its age, and the
// time it covers counts as observed. A date that is only a day (midnight,
// in UTC or local time) says nothing of the hour and teaches only the rate.
func (s *Schedule) learnHistory(now time.Time, dates []time.Time) {
	var dated []time.Time
	oldest := now
	for _, d := range dates {
		if d.IsZero() || d.After(now) {
			continue
		}
		dated = append(dated, d)
		if d.Before(oldest) {
			oldest = d
		}
	}
	if len(dated) == 0 {
		return
	}
	span := now.Sub(oldest)
	if span < 24*time.Hour {
		span = 24 * time.Hour // a burst of today's items is not a rate of thousands a week
	}
	span = min(span, 4*s.cfg.Memory)
	// The weighted time covered: ∫ 2^(-age/memory) over the span.
	weighed := func(half time.Duration) float64 {
		return half.Hours() / math.Ln2 * (1 - math.Exp2(-float64(span)/float64(half)))
	}
	s.st.Exposure += weighed(s.cfg.Memory)
	s.st.RecentExposure += weighed(s.cfg.Recent)
	var timed []time.Time
	for _, d := range dated {
		if now.Sub(d) > span {
			continue
		}
		if dayOnly(d, s.cfg.Location) {
			age := float64(now.Sub(d))
			s.st.Recent += math.Exp2(-age / float64(s.cfg.Recent))
			continue
		}
		timed = append(timed, d)
	}
	s.learnItems(now, timed, 0)
}

// learnItems enters items by when they appeared. prior is how many items
// before them count for bursts: 0 for history, whose first item follows
// nothing known.
func (s *Schedule) learnItems(now time.Time, appeared []time.Time, prior int) {
	st, loc := &s.st, s.cfg.Location
	slices.SortFunc(appeared, func(a, b time.Time) int { return a.Compare(b) })
	for i, a := range appeared {
		age := float64(max(now.Sub(a), 0))
		wl := math.Exp2(-age / float64(s.cfg.Memory))
		st.Counts[hourOfWeek(a, loc)] += wl
		st.Recent += math.Exp2(-age / float64(s.cfg.Recent))
		if i > 0 || prior > 0 && !st.LastItem.IsZero() {
			prev := st.LastItem
			if i > 0 {
				prev = appeared[i-1]
			}
			st.Items += wl
			if a.Sub(prev) < 3*s.cfg.Burst {
				st.FollowOns += wl
			}
		}
		if a.After(st.LastItem) {
			st.LastItem = a
		}
	}
}

// hourOfWeek is t's bin: hours since Monday 00:00 in loc.
func hourOfWeek(t time.Time, loc *time.Location) int {
	t = t.In(loc)
	day := (int(t.Weekday()) + 6) % 7 // Monday first
	return day*24 + t.Hour()
}

// dayOnly says a date carries no time of day.
func dayOnly(t time.Time, loc *time.Location) bool {
	mid := func(t time.Time) bool { return t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 }
	return mid(t.UTC()) || mid(t.In(loc))
}

// spend takes one request from the budget and counts it for the day.
func (s *Schedule) spend(at time.Time) {
	st := &s.st
	st.Tokens, st.TokensAt = s.tokens(at)-1, at
	day := startOfDay(at, s.cfg.Location)
	switch {
	case day.Equal(st.SpendDay):
	case day.Equal(startOfDay(st.SpendDay.Add(36*time.Hour), s.cfg.Location)):
		st.SpentYesterday, st.SpentToday = st.SpentToday, 0
	default:
		st.SpentYesterday, st.SpentToday = 0, 0
	}
	st.SpendDay = day
	st.SpentToday++
}

// tokens is the budget left at t.
func (s *Schedule) tokens(t time.Time) float64 {
	st, capacity := &s.st, 2*s.cfg.Budget
	if st.TokensAt.IsZero() {
		return s.cfg.Budget // a new source starts with a day's worth
	}
	days := max(t.Sub(st.TokensAt).Hours()/24, 0)
	return min(st.Tokens+days*s.cfg.Budget, capacity)
}

func startOfDay(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
