package retry

import (
	"testing"
	"time"
)

func TestBackoffDoublesUpToItsCapAndJitterOnlyShortens(t *testing.T) {
	b := Backoff{Base: 2 * time.Second, Max: 10 * time.Second, Jitter: 0.5}
	for _, c := range []struct {
		attempt int
		rnd     float64
		want    time.Duration
	}{
		{1, 0, 2 * time.Second}, {2, 0, 4 * time.Second}, {3, 0, 8 * time.Second},
		{4, 0, 10 * time.Second}, {100, 0, 10 * time.Second}, {1, 0.5, 1500 * time.Millisecond},
	} {
		if got := b.Delay(c.attempt, c.rnd); got != c.want {
			t.Errorf("Delay(%d, %v) = %v, want %v", c.attempt, c.rnd, got, c.want)
		}
	}
}

func TestAfterReadsSecondsAndDates(t *testing.T) {
	now := time.Date(2026, 1, 2, 15, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false}, {"soon", 0, false}, {" 30 ", 30 * time.Second, true}, {"-5", 0, true},
		{"Fri, 02 Jan 2026 15:01:00 GMT", time.Minute, true}, {"Fri, 02 Jan 2026 14:00:00 GMT", 0, true},
		{"99999999999999999999", 0, false}, {"9223372036854775807", time.Duration(maxSecs) * time.Second, true},
	} {
		if got, ok := After(c.in, now); got != c.want || ok != c.ok {
			t.Errorf("After(%q) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}
