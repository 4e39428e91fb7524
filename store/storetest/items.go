package storetest

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/store"
)

func testUnseen(t *testing.T, open Open) {
	keys := func(n int, name func(int) string) []string {
		ks := make([]string, n)
		for i := range ks {
			ks[i] = name(i)
		}
		return ks
	}
	many := keys(5000, func(i int) string { return fmt.Sprintf("k%05d", i) })
	evenOfMany := keys(2500, func(i int) string { return fmt.Sprintf("k%05d", 2*i) })
	oddOfMany := keys(2500, func(i int) string { return fmt.Sprintf("k%05d", 2*i+1) })

	tests := []struct {
		name     string
		recorded map[string][]string // feed → keys recorded first
		feed     string
		keys     []string
		want     []string
	}{
		{
			name: "a feed never polled has every key unseen",
			feed: "f", keys: []string{"a", "b"}, want: []string{"a", "b"},
		},
		{
			name:     "recorded keys are left out and the order is kept",
			recorded: map[string][]string{"f": {"b", "d"}},
			feed:     "f", keys: []string{"e", "d", "c", "b", "a"}, want: []string{"e", "c", "a"},
		},
		{
			name: "a repeated key is reported once",
			feed: "f", keys: []string{"a", "b", "a"}, want: []string{"a", "b"},
		},
		{
			name:     "keys recorded by another feed do not count",
			recorded: map[string][]string{"g": {"a"}},
			feed:     "f", keys: []string{"a"}, want: []string{"a"},
		},
		{
			name:     "all keys seen gives none",
			recorded: map[string][]string{"f": {"a"}},
			feed:     "f", keys: []string{"a"}, want: nil,
		},
		{
			name:     "5,000 keys with every other one recorded are checked across chunks",
			recorded: map[string][]string{"f": evenOfMany},
			feed:     "f", keys: many, want: oddOfMany,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := open(t)
			for feed, ks := range tt.recorded {
				var items []attache.Item
				for _, k := range ks {
					items = append(items, item(feed, k))
				}
				if _, err := s.Record(t.Context(), batch(feed, t0, items)); err != nil {
					t.Fatal(err)
				}
			}
			got, err := s.Unseen(t.Context(), tt.feed, tt.keys)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %d unseen %q, want %d %q", len(got), head(got), len(tt.want), head(tt.want))
			}
		})
	}
}

func testItemsSinceRoundTripsEveryField(t *testing.T, open Open) {
	full := attache.Item{
		Feed:        "mid-ru",
		Key:         "urn:guid:1",
		Story:       "https://mid.ru/ru/foreign_policy/news/1",
		Title:       "Заявление о НАТО",
		Link:        "https://mid.ru/ru/foreign_policy/news/1?utm_source=x",
		Summary:     "<p>Учения НАТО &amp; ОДКБ</p>",
		Content:     "<div>Полный текст\u00a0— «кавычки»</div>",
		Author:      "МИД России",
		Categories:  []string{"НАТО", "Беларусь"},
		Lang:        "ru",
		Published:   time.Date(2025, 2, 28, 21, 30, 15, 987654321, time.FixedZone("MSK", 3*3600)),
		DateMissing: true,
	}
	bare := attache.Item{Feed: "mid-ru", Key: "2", Story: "mid-ru 2"}

	s, _ := open(t)
	if _, err := s.Record(t.Context(), batch("mid-ru", t0, []attache.Item{full, bare})); err != nil {
		t.Fatal(err)
	}
	got, err := s.ItemsSince(t.Context(), t0)
	if err != nil {
		t.Fatal(err)
	}

	wantFull := full
	wantFull.Published = time.Date(2025, 2, 28, 18, 30, 15, 987000000, time.UTC)
	want := []attache.Item{bare, wantFull} // bare has no date, so it sorts first
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%+v\nwant\n%+v", got, want)
	}
}

func testItemsSinceGoesByFirstSight(t *testing.T, open Open) {
	s, _ := open(t)
	early, late := item("f", "early"), item("f", "late")
	late.Published = t0.AddDate(-1, 0, 0) // an old date seen late still counts as late
	if _, err := s.Record(t.Context(), batch("f", t0, []attache.Item{early})); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Record(t.Context(), batch("f", t0.Add(2*time.Hour), []attache.Item{late})); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		since time.Time
		want  []string
	}{
		{"from before both, both come in order of first sight", t0.Add(-time.Hour), []string{"early", "late"}},
		{"from the first sight itself, it is included", t0, []string{"early", "late"}},
		{"from between the two, only the later sight", t0.Add(time.Hour), []string{"late"}},
		{"from after both, none", t0.Add(3 * time.Hour), nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			items, err := s.ItemsSince(t.Context(), tt.since)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, it := range items {
				got = append(got, it.Key)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func testCountItems(t *testing.T, open Open) {
	s, _ := open(t)
	items := []attache.Item{item("f", "a"), item("f", "b"), item("f", "a")}
	if _, err := s.Record(t.Context(), batch("f", t0, items)); err != nil {
		t.Fatal(err)
	}
	for feed, want := range map[string]int{"f": 2, "g": 0} {
		if got, err := s.CountItems(t.Context(), feed); err != nil || got != want {
			t.Errorf("CountItems(%q) = %d, %v; want %d", feed, got, err, want)
		}
	}
}

// head shortens a long list for a failure message.
func head(ks []string) []string {
	return ks[:min(len(ks), 5)]
}

func testSeenStoriesFindsStoriesOfAnyFeed(t *testing.T, open Open) {
	s, _ := open(t)
	ctx := t.Context()
	if _, err := s.Record(ctx, store.RecordBatch{Feed: "a", State: store.FeedState{Baselined: true}, Now: t0,
		Items: []attache.Item{{Key: "1", Story: "https://example.org/x", Title: "x"}}}); err != nil {
		t.Fatal(err)
	}
	got, err := s.SeenStories(ctx, []string{"https://example.org/x", "https://example.org/y"})
	if err != nil || !got["https://example.org/x"] || got["https://example.org/y"] {
		t.Fatalf("SeenStories = %v, %v", got, err)
	}
}
