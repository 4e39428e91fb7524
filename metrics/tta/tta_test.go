package tta

import (
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

func TestStages(t *testing.T) {
	tests := []struct {
		name string
		tl   Timeline
		want Stages
	}{
		{"every stage", Timeline{t0, t0.Add(90 * time.Second), t0.Add(100 * time.Second), t0.Add(102 * time.Second)},
			Stages{Detect: 90 * time.Second, Queue: 10 * time.Second, Deliver: 2 * time.Second, Total: 102 * time.Second}},
		{"a date after the first sighting counts as the sighting", Timeline{t0.Add(time.Hour), t0, t0.Add(time.Second), t0.Add(2 * time.Second)},
			Stages{Queue: time.Second, Deliver: time.Second, Total: 2 * time.Second}},
		{"no date: from the first sighting", Timeline{time.Time{}, t0, t0.Add(time.Second), t0.Add(3 * time.Second)},
			Stages{Queue: time.Second, Deliver: 2 * time.Second, Total: 3 * time.Second}},
		{"not delivered yet: no total", Timeline{t0, t0.Add(time.Minute), t0.Add(61 * time.Second), time.Time{}},
			Stages{Detect: time.Minute, Queue: time.Second}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.tl.Stages(); got != tc.want {
				t.Errorf("Stages = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestWindowQuantiles(t *testing.T) {
	w := NewWindow(24 * time.Hour)
	// Yesterday's slow alert falls out of the window.
	w.Add("mfa", t0.Add(-25*time.Hour), 5*time.Hour)
	for i := 1; i <= 20; i++ {
		w.Add("mfa", t0.Add(time.Duration(i)*time.Minute), time.Duration(i)*time.Minute)
	}
	w.Add("other", t0, time.Second)
	med, p95, n := w.Quantiles("mfa", t0.Add(time.Hour))
	if n != 20 || med != 10*time.Minute || p95 != 19*time.Minute {
		t.Errorf("Quantiles = %v, %v, %d; want 10m, 19m, 20", med, p95, n)
	}
	if _, _, n := w.Quantiles("nobody", t0); n != 0 {
		t.Errorf("a source without alerts has %d", n)
	}
	if _, _, n := w.Quantiles("mfa", t0.Add(48*time.Hour)); n != 0 {
		t.Errorf("two days later %d samples remain", n)
	}
}

func TestBucketsRise(t *testing.T) {
	for i := 1; i < len(Buckets); i++ {
		if Buckets[i] <= Buckets[i-1] {
			t.Fatalf("bucket %d (%v) does not rise over %v", i, Buckets[i], Buckets[i-1])
		}
	}
}
