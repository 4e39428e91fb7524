// Package tta measures time to alert: for every alert, the way from a
// ministry publishing a statement to the alert in the channel, in stages —
// published → first seen (polling or push) → queued (matched and committed)
// → delivered. It holds the values and the arithmetic; the daemon records
// the times, exports the histogram and shows the quantiles.
package tta

import (
	"slices"
	"sync"
	"time"
)

// Timeline is one alert's times. Published is the item's own date (its
// first-seen time when it had none); the others are the daemon's clock.
type Timeline struct {
	Published time.Time
	FirstSeen time.Time
	Queued    time.Time
	Delivered time.Time
}

// Stages are the durations between a timeline's times.
type Stages struct {
	Detect  time.Duration // published → first seen: what polling costs
	Queue   time.Duration // first seen → queued: fetching pages, matching, committing
	Deliver time.Duration // queued → delivered: the dispatcher and the destination
	Total   time.Duration // published → delivered: what the analyst feels
}

// Stages splits a timeline. A publication date later than the first
// sighting (a clock that is off, a date of an event to come) is taken as
// the first sighting: a feed's dates cannot make an alert early. A stage
// whose end is missing is zero, and so is the total then.
func (t Timeline) Stages() Stages {
	pub := t.Published
	if pub.IsZero() || pub.After(t.FirstSeen) {
		pub = t.FirstSeen
	}
	span := func(a, b time.Time) time.Duration {
		if a.IsZero() || b.IsZero() || b.Before(a) {
			return 0
		}
		return b.Sub(a)
	}
	s := Stages{
		Detect:  span(pub, t.FirstSeen),
		Queue:   span(t.FirstSeen, t.Queued),
		Deliver: span(t.Queued, t.Delivered),
	}
	if !t.Delivered.IsZero() {
		s.Total = span(pub, t.Delivered)
	}
	return s
}

// Buckets are the histogram's upper bounds in seconds, from seconds (a push)
// to a day (a source that failed for hours), dense where the goals lie
// (90 s, 10 min).
var Buckets = []float64{5, 15, 30, 60, 90, 120, 180, 300, 600, 900, 1800, 3600, 7200, 21600, 86400}

// Window keeps each source's times to alert over a recent span (a day on
// the status page) for their median and 95th percentile.
type Window struct {
	span time.Duration
	mu   sync.Mutex
	by   map[string][]sample
}

type sample struct {
	at time.Time
	d  time.Duration
}

// NewWindow keeps samples for span.
func NewWindow(span time.Duration) *Window {
	return &Window{span: span, by: map[string][]sample{}}
}

// Add records a source's time to alert d for an alert delivered at at.
func (w *Window) Add(source string, at time.Time, d time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.by[source] = append(w.prune(w.by[source], at), sample{at, d})
}

// prune drops the samples older than the span before now; samples come in
// time order, nearly, so the old ones are at the front.
func (w *Window) prune(s []sample, now time.Time) []sample {
	cut := now.Add(-w.span)
	return slices.DeleteFunc(s, func(x sample) bool { return x.at.Before(cut) })
}

// Quantiles are the median and the 95th percentile (nearest rank) of a
// source's times to alert within the span before now, and how many there
// were; zeros when there were none.
func (w *Window) Quantiles(source string, now time.Time) (median, p95 time.Duration, n int) {
	w.mu.Lock()
	s := w.prune(w.by[source], now)
	w.by[source] = s
	d := make([]time.Duration, len(s))
	for i, x := range s {
		d[i] = x.d
	}
	w.mu.Unlock()
	if len(d) == 0 {
		return 0, 0, 0
	}
	slices.Sort(d)
	rank := func(p float64) time.Duration {
		i := int(p*float64(len(d))+0.999999) - 1
		return d[min(max(i, 0), len(d)-1)]
	}
	return rank(0.5), rank(0.95), len(d)
}
