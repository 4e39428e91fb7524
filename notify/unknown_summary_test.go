package notify_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/notify"
)

func TestUnknownOutcomeOfASummary(t *testing.T) {
	for _, tc := range []struct {
		name      string
		lost      int
		wantSends int
	}{
		{"a summary that arrived is found whole: nothing is sent again", 0, 1},
		{"a summary that did not arrive is sent again", 1, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := openStore(t)
			clk := newClock(t0)
			ids := enqueue(t, s, t0, "slack", keys(6)...)
			dst := &checkedDestination{slowDestination: slowDestination{late: 1, lost: tc.lost}}
			d := newDispatcher(t, s, map[string]notify.Notifier{"slack": dst}, notify.Options{
				Now: clk.Now, Rate: 1000, Burst: 1000, BurstLimits: map[string]int{"slack": 5}})
			for range 5 {
				deliver(t, d)
				clk.Advance(time.Hour)
			}
			for _, id := range ids {
				if n := dst.arrived(id); n != 1 {
					t.Errorf("%s arrived %d times, want once", id, n)
				}
			}
			if got := statuses(t, s, ids...); !reflect.DeepEqual(got, slicesOf(attache.AlertDelivered, len(ids))) {
				t.Errorf("statuses %v, want all delivered", got)
			}
			if dst.sent() != tc.wantSends || dst.looks != 1 || len(dst.asked[0]) != len(ids) {
				t.Errorf("%d sends, %d looks (asked %v); want %d sends and one look for all %d", dst.sent(), dst.looks, dst.asked, tc.wantSends, len(ids))
			}
			for i, sm := range dst.summaries {
				if len(sm) != len(ids) {
					t.Errorf("summary %d lists %d alerts, want %d", i, len(sm), len(ids))
				}
			}
		})
	}
}

func slicesOf[T any](v T, n int) []T {
	out := make([]T, n)
	for i := range out {
		out[i] = v
	}
	return out
}
