package adaptive

import (
	"errors"
	"testing"
	"time"
)

var (
	monday = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC) // a Monday
	minsk  = mustZone("Europe/Minsk")
)

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func newSchedule(t *testing.T, cfg Config) *Schedule {
	t.Helper()
	s, err := New(cfg, State{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// officeWeeks teaches a schedule weeks of a ministry that publishes three
// items every working day at 10:00, 12:30 and 15:00 Minsk time, polled on
// its own schedule; it returns the time of the last poll.
func officeWeeks(s *Schedule, from time.Time, weeks int) time.Time {
	return publishing(s, from, weeks, [][2]int{{10, 0}, {12, 30}, {15, 0}})
}

// publishing is officeWeeks at the given hours and minutes.
func publishing(s *Schedule, from time.Time, weeks int, at [][2]int) time.Time {
	var items []time.Time
	for d := 0; d < weeks*7; d++ {
		day := time.Date(from.Year(), from.Month(), from.Day()+d, 0, 0, 0, 0, minsk)
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		for _, hm := range at {
			items = append(items, day.Add(time.Duration(hm[0])*time.Hour+time.Duration(hm[1])*time.Minute))
		}
	}
	t := from
	s.Observe(Observation{At: t, Outcome: NotModified})
	end := from.AddDate(0, 0, weeks*7)
	i := 0
	for t.Before(end) {
		t = s.Next(t)
		j := i
		for j < len(items) && !items[j].After(t) {
			j++
		}
		out := NotModified
		if j > i {
			out = Fetched
		}
		s.Observe(Observation{At: t, Outcome: out, New: items[i:j]})
		i = j
	}
	return t
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"the defaults are valid", Config{}, true},
		{"a max below the min is refused", Config{MinInterval: 10 * time.Minute, MaxInterval: 5 * time.Minute}, false},
		{"a min under a second is refused", Config{MinInterval: time.Millisecond}, false},
		{"a budget that cannot poll every max_interval is refused", Config{Budget: 40}, false},
		{"a budget of exactly one poll per max_interval is enough", Config{Budget: 48}, true},
		{"too much jitter is refused", Config{Jitter: 0.9}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			if (err == nil) != tc.ok {
				t.Fatalf("Validate = %v, want ok %v", err, tc.ok)
			}
			if err != nil && !errors.Is(err, ErrConfig) {
				t.Errorf("error %v does not wrap ErrConfig", err)
			}
		})
	}
}

func TestANewSourceIsPolledAtOnceThenEvenly(t *testing.T) {
	s := newSchedule(t, Config{Jitter: -1e-9 + 1e-9}) // default jitter
	if d := s.Decide(monday); !d.At.Equal(monday) || d.Reason != ReasonFirst {
		t.Fatalf("first Decide = %+v, want now, %q", d, ReasonFirst)
	}
	s.Observe(Observation{At: monday, Outcome: NotModified})
	iv := s.Next(monday).Sub(monday)
	// Nothing learned: the budget spread evenly, one poll every 10 minutes,
	// give or take the jitter.
	if iv < 9*time.Minute || iv > 11*time.Minute {
		t.Errorf("interval of a source that taught nothing = %v, want 10m ± 10%%", iv)
	}
}

func TestIntervalsStayWithinBounds(t *testing.T) {
	cfg := Config{MinInterval: 2 * time.Minute, MaxInterval: 20 * time.Minute, Budget: 150, Location: minsk, Seed: 7}
	s := newSchedule(t, cfg)
	at := officeWeeks(s, monday, 3)
	// Two more weeks, with an item now and then, checking every interval.
	seen := map[Reason]bool{}
	for end := at.AddDate(0, 0, 14); at.Before(end); {
		d := s.Decide(at)
		iv := d.At.Sub(at)
		if iv < cfg.MinInterval || iv > cfg.MaxInterval {
			t.Fatalf("at %v: interval %v (%s) outside [%v, %v]", at, iv, d.Reason, cfg.MinInterval, cfg.MaxInterval)
		}
		seen[d.Reason] = true
		var found []time.Time
		if l := d.At.In(minsk); l.Weekday() != time.Sunday && l.Hour() == 11 && l.Minute() < 3 {
			found = []time.Time{d.At.Add(-time.Minute)}
		}
		s.Observe(Observation{At: d.At, Outcome: Fetched, New: found})
		at = d.At
	}
	if !seen[ReasonMax] || !seen[ReasonBurst] && !seen[ReasonMin] {
		t.Errorf("reasons seen %v: the bounds were never reached, so the test proves little", seen)
	}
}

func TestTheProfileSpendsPollsInOfficeHours(t *testing.T) {
	s := newSchedule(t, Config{Location: minsk, Seed: 1})
	last := officeWeeks(s, monday, 4)
	// Ask at a Tuesday 11:20 and a Tuesday 03:00 (Minsk), far from any
	// item, from a state where the last poll was just then.
	at := func(h, m int) time.Duration {
		probe := *s
		probe.plan = nil
		tt := time.Date(last.Year(), last.Month(), last.Day()+8-int(last.Weekday()), h, m, 0, 0, minsk) // next Monday+1
		probe.st.LastPoll, probe.st.NotBefore = tt, time.Time{}
		probe.st.LastItem = tt.Add(-24 * time.Hour)
		return probe.Next(tt).Sub(tt)
	}
	office, night := at(11, 20), at(3, 0)
	if office >= night/3 {
		t.Errorf("interval at 11:20 = %v, at 03:00 = %v: office hours should be polled at least 3 times as often", office, night)
	}
	if night < 20*time.Minute || night > DefaultMaxInterval {
		t.Errorf("interval at night = %v, want near max_interval", night)
	}
}

func TestABurstShortensTheInterval(t *testing.T) {
	// A ministry whose statements come in pairs, minutes apart.
	base := newSchedule(t, Config{Location: minsk, Seed: 3})
	last := publishing(base, monday, 4, [][2]int{{10, 0}, {10, 3}, {15, 0}, {15, 4}})
	// The same source at 13:00 on a working day, one poll later: quiet in
	// one world, with a new item in the other.
	day := last.In(minsk).AddDate(0, 0, 1)
	for day.Weekday() == time.Saturday || day.Weekday() == time.Sunday {
		day = day.AddDate(0, 0, 1)
	}
	at := time.Date(day.Year(), day.Month(), day.Day(), 13, 0, 0, 0, minsk)
	base.Observe(Observation{At: at.Add(-5 * time.Minute), Outcome: NotModified})
	quiet, news := *base, *base
	quiet.Observe(Observation{At: at, Outcome: NotModified})
	news.Observe(Observation{At: at, Outcome: Fetched, New: []time.Time{at.Add(-time.Minute)}})
	q, n := quiet.Decide(at), news.Decide(at)
	t.Logf("quiet %v %s, news %v %s, burst %.2f/h", q.At.Sub(at), q.Reason, n.At.Sub(at), n.Reason, news.burstRate())
	if n.At.Sub(at) > q.At.Sub(at)/2 || n.Reason != ReasonBurst && n.Reason != ReasonMin {
		t.Errorf("after a new item the next poll is in %v (%s), when quiet in %v (%s): want a burst, twice as soon", n.At.Sub(at), n.Reason, q.At.Sub(at), q.Reason)
	}
}

func TestPushMakesPollingAFallback(t *testing.T) {
	s := newSchedule(t, Config{Seed: 5})
	s.Observe(Observation{At: monday, Outcome: NotModified})
	s.Push(monday.Add(24 * time.Hour))
	d := s.Decide(monday)
	if iv := d.At.Sub(monday); d.Reason != ReasonPush || iv > DefaultMaxInterval || iv < DefaultMaxInterval*9/10 {
		t.Errorf("while a hub pushes: next in %v (%s), want about max_interval", iv, d.Reason)
	}
	// Pushed content teaches the profile without spending the budget.
	before := s.State()
	s.Observe(Observation{At: monday.Add(time.Minute), Outcome: Pushed, New: []time.Time{monday}})
	after := s.State()
	if after.Polls != before.Polls || after.SpentToday != before.SpentToday {
		t.Errorf("a push counted as a request: polls %d → %d", before.Polls, after.Polls)
	}
	if after.Recent <= before.Recent {
		t.Error("a pushed item taught nothing")
	}
	// When the lease ends, the adaptive schedule is back.
	late := monday.Add(25 * time.Hour)
	s.Observe(Observation{At: late, Outcome: NotModified})
	if d := s.Decide(late); d.Reason == ReasonPush {
		t.Errorf("after the lease: %+v, want the adaptive schedule", d)
	}
}

func TestSameSeedSameSchedule(t *testing.T) {
	run := func(seed uint64) []time.Time {
		s := newSchedule(t, Config{Location: minsk, Seed: seed})
		officeWeeks(s, monday, 1)
		var out []time.Time
		at := s.State().LastPoll
		for range 50 {
			at = s.Next(at)
			out = append(out, at)
			s.Observe(Observation{At: at, Outcome: NotModified})
		}
		return out
	}
	a, b, c := run(1), run(1), run(2)
	for i := range a {
		if !a[i].Equal(b[i]) {
			t.Fatalf("poll %d: %v and %v from the same seed", i, a[i], b[i])
		}
	}
	same := 0
	for i := range a {
		if a[i].Equal(c[i]) {
			same++
		}
	}
	if same == len(a) {
		t.Error("another seed gave the same schedule: no jitter")
	}
}

func TestNextIsStableAndNeverInThePast(t *testing.T) {
	s := newSchedule(t, Config{})
	s.Observe(Observation{At: monday, Outcome: NotModified})
	n1, n2 := s.Next(monday), s.Next(monday)
	if !n1.Equal(n2) {
		t.Errorf("asked twice: %v then %v", n1, n2)
	}
	late := monday.Add(5 * time.Hour) // the daemon was stopped
	if d := s.Decide(late); !d.At.Equal(late) || d.Reason != ReasonOverdue {
		t.Errorf("overdue Decide = %+v, want now", d)
	}
}
