package notify_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/notify"
)

// summarizer is a fake notifier that can also send summaries.
type summarizer struct {
	fakeNotifier
	SummaryFunc func([]attache.Alert) error

	smu       sync.Mutex
	summaries [][]string // the alert ids of each summary
}

func (s *summarizer) SendSummary(ctx context.Context, alerts []attache.Alert) error {
	ids := make([]string, len(alerts))
	for i, a := range alerts {
		ids[i] = a.ID
	}
	s.smu.Lock()
	s.summaries = append(s.summaries, ids)
	s.smu.Unlock()
	if s.SummaryFunc == nil {
		return nil
	}
	return s.SummaryFunc(alerts)
}

func TestBurstsGoOutAsSummaries(t *testing.T) {
	cases := []struct {
		name      string
		alerts    int
		limit     int
		singles   int
		summaries []int // sizes
	}{
		{"as many alerts as the burst limit go one by one", 20, 20, 20, nil},
		{"one more than the limit goes as one summary", 21, 20, 0, []int{21}},
		{"a hundred alerts go as summaries of at most 40", 100, 20, 0, []int{40, 40, 20}},
		{"a destination's own burst limit counts", 6, 5, 0, []int{6}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, _ := openStore(t)
			ids := enqueue(t, s, t0, "slack", keys(c.alerts)...)
			n := &summarizer{}
			d := newDispatcher(t, s, map[string]notify.Notifier{"slack": n},
				notify.Options{Now: func() time.Time { return t0 }, Rate: 1000, Burst: 1000, BurstLimits: map[string]int{"slack": c.limit}})
			stats := deliver(t, d)
			if got := len(n.ids()); got != c.singles {
				t.Errorf("%d single messages, want %d", got, c.singles)
			}
			var sizes []int
			var summarised []string
			for _, sm := range n.summaries {
				sizes = append(sizes, len(sm))
				summarised = append(summarised, sm...)
			}
			if !slices.Equal(sizes, c.summaries) {
				t.Errorf("summaries of %v alerts, want %v", sizes, c.summaries)
			}
			if c.summaries != nil && !slices.Equal(summarised, ids) {
				t.Errorf("the summaries list %d alerts, want each of the %d once, oldest first", len(summarised), len(ids))
			}
			if stats.Total().Delivered != c.alerts {
				t.Errorf("delivered %d, want %d", stats.Total().Delivered, c.alerts)
			}
			for i, st := range statuses(t, s, ids...) {
				if st != attache.AlertDelivered {
					t.Fatalf("alert %d is %s, want delivered", i, st)
				}
			}
		})
	}
}

func TestAFailedSummaryFailsEveryAlertInIt(t *testing.T) {
	t.Run("a transient failure queues them all again", func(t *testing.T) {
		s, _ := openStore(t)
		ids := enqueue(t, s, t0, "slack", keys(25)...)
		n := &summarizer{SummaryFunc: func([]attache.Alert) error {
			return notify.Transient("http_503", errors.New("unavailable"), 0)
		}}
		d := newDispatcher(t, s, map[string]notify.Notifier{"slack": n}, notify.Options{Now: func() time.Time { return t0 }})
		if got := deliver(t, d).Total(); got.Retried != 25 {
			t.Fatalf("stats %+v, want 25 retried", got)
		}
		for _, st := range statuses(t, s, ids...) {
			if st != attache.AlertQueued {
				t.Fatalf("status %s, want queued", st)
			}
		}
		n.SummaryFunc = nil
		d2 := newDispatcher(t, s, map[string]notify.Notifier{"slack": n}, notify.Options{Now: func() time.Time { return t0.Add(time.Hour) }})
		if got := deliver(t, d2).Total(); got.Delivered != 25 || len(n.summaries) != 2 {
			t.Fatalf("after recovery: %+v in %d summaries, want 25 delivered in the second summary", got, len(n.summaries))
		}
	})
	t.Run("a permanent failure makes them all dead", func(t *testing.T) {
		s, _ := openStore(t)
		ids := enqueue(t, s, t0, "slack", keys(25)...)
		n := &summarizer{SummaryFunc: func([]attache.Alert) error {
			return notify.Permanent("channel_not_found", errors.New("channel_not_found"))
		}}
		d := newDispatcher(t, s, map[string]notify.Notifier{"slack": n}, notify.Options{Now: func() time.Time { return t0 }})
		if got := deliver(t, d).Total(); got.Dead != 25 {
			t.Fatalf("stats %+v, want 25 dead", got)
		}
		if a := alertByID(t, s, ids[7]); a.Status != attache.AlertDead || a.LastError != "channel_not_found" {
			t.Fatalf("alert = %s %q", a.Status, a.LastError)
		}
	})
}

func TestNotifiersThatCannotSummariseSendOneByOne(t *testing.T) {
	s, _ := openStore(t)
	enqueue(t, s, t0, "log", keys(30)...)
	n := &fakeNotifier{}
	d := newDispatcher(t, s, map[string]notify.Notifier{"log": n}, notify.Options{Now: func() time.Time { return t0 }, Rate: 1000, Burst: 1000})
	if got := deliver(t, d).Total(); got.Delivered != 30 || len(n.ids()) != 30 {
		t.Fatalf("stats %+v, %d sends; want 30 one by one", got, len(n.ids()))
	}
}
