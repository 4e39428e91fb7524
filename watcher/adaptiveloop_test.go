package watcher

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/attache-dev/attache"
)

// TestAdaptiveLoopHonoursServerHints: a feed whose answer says it stays
// fresh for an hour (Cache-Control: max-age=3600) is not asked again before
// that, whatever max_interval says; a 503 with Retry-After: 7200 is not
// asked again for two hours.
func TestAdaptiveLoopHonoursServerHints(t *testing.T) {
	for _, tt := range []struct {
		name    string
		handle  func(w http.ResponseWriter)
		atLeast time.Duration
	}{
		{"max-age", func(w http.ResponseWriter) {
			w.Header().Set("Cache-Control", "max-age=3600")
			w.Write([]byte(rss(old(1))))
		}, 55 * time.Minute},
		{"retry-after", func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "7200")
			w.WriteHeader(http.StatusServiceUnavailable)
		}, 115 * time.Minute},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fx := newPollFixture(t, 0)
			ts := serve(t, func(w http.ResponseWriter, r *http.Request) { tt.handle(w) })
			f := attache.Feed{Name: "f", URL: ts.URL, Schedule: attache.ScheduleAdaptive,
				Adaptive: &attache.AdaptiveSpec{MinInterval: time.Minute, MaxInterval: 30 * time.Minute}}
			l, err := newAdaptiveLoop(context.Background(), fx.p, f, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			d := l.observe(start, fx.p.Poll(context.Background(), f))
			if wait := d.At.Sub(start); wait < tt.atLeast {
				t.Errorf("next poll in %v (%s), want at least %v", wait, d.Reason, tt.atLeast)
			}
		})
	}
}

// TestAdaptiveLearningSpansARestart: what a feed's schedule learned from
// its polls is kept in the store, and a new loop (a restarted daemon)
// starts from it: the same requests spent, the same items learned from.
func TestAdaptiveLearningSpansARestart(t *testing.T) {
	fx := newPollFixture(t, 0)
	srv := &feedServer{}
	srv.set(rss(old(1), old(2), old(3)))
	ts := serve(t, srv.handler)
	f := attache.Feed{Name: "f", URL: ts.URL, Schedule: attache.ScheduleAdaptive}
	first, err := newAdaptiveLoop(context.Background(), fx.p, f, nil, fx.store)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		first.observe(time.Now(), fx.p.Poll(context.Background(), f))
		first.save()
	}
	srv.set(rss(old(0), old(1), old(2), old(3)))
	first.observe(time.Now(), fx.p.Poll(context.Background(), f))
	first.save()
	want := first.sched.State()
	if want.Polls != 4 || want.SpentToday != 4 {
		t.Fatalf("learned %d polls, %d spent today; want 4", want.Polls, want.SpentToday)
	}

	again, err := newAdaptiveLoop(context.Background(), fx.p, f, nil, fx.store)
	if err != nil {
		t.Fatal(err)
	}
	got := again.sched.State()
	if got.Polls != want.Polls || got.Items != want.Items || got.SpentToday != want.SpentToday || !got.LastPoll.Equal(want.LastPoll) {
		t.Errorf("after a restart: polls %d, items %.2f, spent %d, last poll %v; want %d, %.2f, %d, %v",
			got.Polls, got.Items, got.SpentToday, got.LastPoll, want.Polls, want.Items, want.SpentToday, want.LastPoll)
	}
	if st := first.status(); st.SpentToday != 4 || st.Next.IsZero() || st.Budget != 144 {
		t.Errorf("status %+v: want 4 spent of 144 and a next poll", st)
	}
}

// TestAPushedFeedIsPolledAtMaxInterval: while a hub's lease covers the
// feed, its adaptive schedule polls only as a fallback, at max_interval;
// when the lease has ended it plans again.
func TestAPushedFeedIsPolledAtMaxInterval(t *testing.T) {
	fx := newPollFixture(t, 0)
	srv := &feedServer{}
	srv.set(rss(old(1)))
	ts := serve(t, srv.handler)
	f := attache.Feed{Name: "f", URL: ts.URL, Schedule: attache.ScheduleAdaptive,
		Adaptive: &attache.AdaptiveSpec{MinInterval: time.Minute, MaxInterval: 30 * time.Minute}}
	l, err := newAdaptiveLoop(context.Background(), fx.p, f, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var until time.Time
	l.pushUntil = func(feed string, now time.Time) time.Time {
		if feed != "f" {
			t.Errorf("asked about feed %q", feed)
		}
		return until
	}
	until = time.Now().Add(10 * 24 * time.Hour)
	start := time.Now()
	d := l.observe(start, fx.p.Poll(context.Background(), f))
	if d.Reason != "push" || d.At.Sub(start) < 25*time.Minute || d.At.Sub(start) > 31*time.Minute {
		t.Errorf("while pushed: next in %v (%s), want about max_interval (push)", d.At.Sub(start), d.Reason)
	}
	until = time.Time{} // the lease ended
	d = l.observe(time.Now(), fx.p.Poll(context.Background(), f))
	if d.Reason == "push" {
		t.Errorf("after the lease: still %s", d.Reason)
	}
}
