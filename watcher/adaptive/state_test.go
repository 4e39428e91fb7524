package adaptive

import (
	"strings"
	"testing"
	"time"
)

func TestStateSurvivesTheStore(t *testing.T) {
	cfg := Config{Location: minsk, Seed: 11}
	s := newSchedule(t, cfg)
	last := officeWeeks(s, monday, 2)
	b, err := MarshalState(s.State())
	if err != nil {
		t.Fatal(err)
	}
	st, err := UnmarshalState(b)
	if err != nil {
		t.Fatal(err)
	}
	r, err := New(cfg, st)
	if err != nil {
		t.Fatal(err)
	}
	at := last
	for i := range 30 {
		a, b := s.Next(at), r.Next(at)
		if !a.Equal(b) {
			t.Fatalf("poll %d after a restart: %v, without one: %v", i, b, a)
		}
		at = a
		o := Observation{At: at, Outcome: NotModified}
		s.Observe(o)
		r.Observe(o)
	}
}

func TestUnmarshalState(t *testing.T) {
	if st, err := UnmarshalState(nil); err != nil || st.Version != 0 {
		t.Errorf("empty: %+v, %v; want a fresh state", st, err)
	}
	if st, err := UnmarshalState([]byte(`{"v":999,"polls":5}`)); err != nil || st.Polls != 0 {
		t.Errorf("another version: %+v, %v; want a fresh state", st, err)
	}
	if _, err := UnmarshalState([]byte(`{"v":1,`)); err == nil || !strings.Contains(err.Error(), "adaptive state") {
		t.Errorf("malformed: error %v, want one that says what it was reading", err)
	}
}

func TestTheFirstReadTeachesFromDates(t *testing.T) {
	s := newSchedule(t, Config{Location: minsk})
	now := time.Date(2026, 3, 13, 20, 0, 0, 0, minsk) // a Friday evening
	var history []time.Time
	for d := range 10 {
		day := now.AddDate(0, 0, -d)
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		history = append(history, time.Date(day.Year(), day.Month(), day.Day(), 11, 0, 0, 0, minsk))
	}
	history = append(history, time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)) // a date without a time
	s.Observe(Observation{At: now, Outcome: Fetched, New: history, Baseline: true})
	st := s.State()
	if got := st.Counts[hourOfWeek(time.Date(2026, 3, 10, 11, 0, 0, 0, minsk), minsk)]; got < 0.9 {
		t.Errorf("Tuesday 11:00 holds %.2f items, want about 1", got)
	}
	if got := st.Counts[hourOfWeek(time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC), minsk)]; got != 0 {
		t.Errorf("a date without a time was put in an hour: %.2f", got)
	}
	if st.Exposure < 24*8 || st.Exposure > 24*10 {
		t.Errorf("exposure %.0f h, want the nine days the history covers, weighed by age", st.Exposure)
	}
}
