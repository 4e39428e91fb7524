package postgres

import (
	"testing"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/store"
)

func TestCleanText(t *testing.T) {
	for _, tt := range []struct {
		name, in, want string
	}{
		{"plain text is kept", "Заявление МИД", "Заявление МИД"},
		{"a NUL becomes U+FFFD", "a\x00b", "a\uFFFDb"},
		{"invalid bytes become U+FFFD", "a\xff\xfeb", "a\uFFFDb"},
		{"an encoded surrogate becomes U+FFFD", "a\xed\xa0\x80b", "a\uFFFDb"},
		{"a NUL next to invalid bytes becomes U+FFFD too", "\x00\xff", "\uFFFD\uFFFD"},
		{"the empty string stays empty", "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := cleanText(tt.in); got != tt.want {
				t.Errorf("cleanText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestDatesNoTimestampCanHold records items whose publication dates lie
// beyond PostgreSQL's range: the poll is recorded, and the date dropped as
// meaningless, rather than the feed failing at every poll.
func TestDatesNoTimestampCanHold(t *testing.T) {
	s, _ := openTest(t)
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	far := attache.Item{Key: "far", Story: "s1", Title: "far", Published: time.Date(300000, 1, 1, 0, 0, 0, 0, time.UTC)}
	early := attache.Item{Key: "early", Story: "s2", Title: "early", Published: time.Date(-5000, 1, 1, 0, 0, 0, 0, time.UTC)}
	edge := attache.Item{Key: "edge", Story: "s3", Title: "edge", Published: time.Date(9999, 12, 31, 23, 59, 59, 999e6, time.UTC)}
	alert := attache.Alert{ID: "a", Destination: "d", Item: far,
		Matches: []attache.Match{{Rule: "r", Severity: attache.SeverityHigh}}}
	queued, err := s.Record(t.Context(), store.RecordBatch{Feed: "f", Now: now,
		Items: []attache.Item{far, early, edge}, Alerts: []attache.Alert{alert}})
	if err != nil {
		t.Fatalf("Record: %v", err)
	}
	if len(queued) != 1 || !queued[0].Item.Published.IsZero() {
		t.Errorf("queued %+v, want one alert with no date", queued)
	}
	items, err := s.ItemsSince(t.Context(), now)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]time.Time{}
	for _, it := range items {
		got[it.Key] = it.Published
	}
	want := map[string]time.Time{"far": {}, "early": {}, "edge": edge.Published}
	for k, w := range want {
		if g, ok := got[k]; !ok || !g.Equal(w) {
			t.Errorf("item %s: published %v (found %v), want %v", k, g, ok, w)
		}
	}
	due, err := s.Due(t.Context(), "d", now, 10)
	if err != nil || len(due) != 1 || !due[0].Item.Published.IsZero() {
		t.Errorf("Due = %+v, %v; want the alert with no date", due, err)
	}
}
