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
			l, err := newAdaptiveLoop(context.Background(), fx.p, f, nil)
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
