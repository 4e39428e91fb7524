// Package retry holds what every retrying part of attaché shares: a capped
// exponential backoff and the reading of a Retry-After header.
package retry

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Backoff is a capped exponential schedule: the first retry waits Base,
// each further one twice as long, never more than Max. Jitter takes up to
// that fraction off each wait at random, so that what failed together does
// not all fall due at the same instant; it never adds, so Max stays a true
// cap.
type Backoff struct {
	Base   time.Duration
	Max    time.Duration
	Jitter float64 // in [0, 1)
}

// Delay is the wait before attempt+1, after attempt attempts have failed
// (attempt 1 waits Base). rnd, in [0, 1), picks the jitter.
func (b Backoff) Delay(attempt int, rnd float64) time.Duration {
	d := b.Base
	for i := 1; i < attempt && d < b.Max; i++ {
		d *= 2
	}
	d = min(d, b.Max)
	return d - time.Duration(float64(d)*b.Jitter*rnd)
}

// maxSecs is the most seconds a time.Duration holds.
const maxSecs = int64(1<<63-1) / int64(time.Second)

// After reads a Retry-After value: delay-seconds or an HTTP date, which is
// measured from now. ok is false when the value is empty or unreadable; a
// wait in the past, or a negative one, is 0.
func After(value string, now time.Time) (wait time.Duration, ok bool) {
	v := strings.TrimSpace(value)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.Duration(min(max(secs, 0), maxSecs)) * time.Second, true
	}
	at, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(at.Sub(now), 0), true
}
