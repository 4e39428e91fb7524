package adaptive

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/attache-dev/attache/source/hints"
)

// feedServer is a real HTTP server that publishes a trace as an RSS feed,
// on the test's virtual clock: an item is in the feed once its time has
// come. It answers conditional GETs with 304, sends caching headers and a
// <ttl>, and answers 429 with Retry-After inside a window.
type feedServer struct {
	mu        sync.Mutex
	now       time.Time
	items     []time.Time
	busyFrom  time.Time
	busyUntil time.Time
	requests  int
}

func (f *feedServer) set(now time.Time) { f.mu.Lock(); f.now = now; f.mu.Unlock() }

func (f *feedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests++
	w.Header().Set("Date", f.now.Format(http.TimeFormat))
	if !f.now.Before(f.busyFrom) && f.now.Before(f.busyUntil) {
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusTooManyRequests)
		return
	}
	w.Header().Set("Cache-Control", "max-age=120")
	n := 0
	for n < len(f.items) && !f.items[n].After(f.now) {
		n++
	}
	etag := `"` + strconv.Itoa(n) + `"`
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>MFA</title><ttl>3</ttl>`)
	for i := n - 1; i >= 0 && i >= n-20; i-- {
		fmt.Fprintf(&b, "<item><guid>%d</guid><pubDate>%s</pubDate></item>", i, f.items[i].Format(time.RFC1123Z))
	}
	b.WriteString(`</channel></rss>`)
	w.Header().Set("Content-Type", "application/rss+xml")
	_, _ = w.Write(b.Bytes())
}

// TestPollingARealFeedServer polls a feed server for three weeks of
// virtual time, reading every answer's hints with source/hints, and checks
// that the schedule honours them, keeps to its bounds and budget, counts a
// 304 as a request, and finds every item.
func TestPollingARealFeedServer(t *testing.T) {
	start := time.Date(2026, 3, 2, 0, 0, 0, 0, minsk)
	var items []time.Time
	for d := 0; d < 21; d++ {
		day := start.AddDate(0, 0, d)
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		for _, m := range []int{10*60 + 5, 10*60 + 9, 12*60 + 40, 16*60 + 15} {
			items = append(items, day.Add(time.Duration(m)*time.Minute))
		}
	}
	fs := &feedServer{items: items, busyFrom: start.AddDate(0, 0, 10).Add(14 * time.Hour), busyUntil: start.AddDate(0, 0, 10).Add(14*time.Hour + 30*time.Minute)}
	srv := httptest.NewServer(fs)
	defer srv.Close()

	cfg := Config{Location: minsk, Seed: 1}
	s := newSchedule(t, cfg)
	seen := map[string]bool{}
	var etag string
	now, end := start, start.AddDate(0, 0, 21)
	var polls, notModified int
	var delays []time.Duration
	first := true
	for now.Before(end) {
		fs.set(now)
		req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
		if etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		polls++
		h := hints.FromHeader(resp.Header, now)
		obs := Observation{At: now, Baseline: first}
		switch resp.StatusCode {
		case http.StatusOK:
			var buf bytes.Buffer
			_, _ = buf.ReadFrom(resp.Body)
			fields, err := hints.ScanFeed(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			h = h.Merge(fields)
			etag = resp.Header.Get("ETag")
			obs.Outcome = Fetched
			for _, it := range parseItems(t, buf.Bytes()) {
				if !seen[it.guid] {
					seen[it.guid] = true
					obs.New = append(obs.New, it.pub)
					if !first {
						delays = append(delays, now.Sub(it.pub))
					}
				}
			}
			first = false
		case http.StatusNotModified:
			obs.Outcome = NotModified
			notModified++
		default:
			obs.Outcome = Failed
		}
		resp.Body.Close()
		obs.Hints = h
		s.Observe(obs)
		if resp.StatusCode == http.StatusNotModified {
			h.TTL = 3 * time.Minute // the document's, unchanged
		}
		floor, _ := h.Floor(cfg.WithDefaults().HintCeiling)
		d := s.Decide(now)
		iv := d.At.Sub(now)
		switch {
		case iv < floor:
			t.Fatalf("at %v: next poll in %v, under the %v the answer asked for", now, iv, floor)
		case resp.StatusCode == http.StatusTooManyRequests && (iv != time.Hour || d.Reason != ReasonHint):
			t.Fatalf("after a 429 with Retry-After 3600: next in %v (%s)", iv, d.Reason)
		case resp.StatusCode != http.StatusTooManyRequests && (iv < 3*time.Minute || iv > DefaultMaxInterval):
			t.Fatalf("at %v: interval %v (%s) outside [ttl 3m, max_interval]", now, iv, d.Reason)
		}
		now = d.At
	}
	if len(seen) != len(items) {
		t.Errorf("found %d of %d items", len(seen), len(items))
	}
	if fs.requests != polls || s.State().Polls != uint64(polls) {
		t.Errorf("server counted %d requests, the loop %d, the schedule %d: a 304 must count as a request", fs.requests, polls, s.State().Polls)
	}
	if notModified == 0 {
		t.Error("no 304 was seen: the test proves nothing about them")
	}
	if perDay := float64(polls) / 21; perDay > DefaultBudget*22/21 {
		t.Errorf("%.1f requests a day, over the budget of %d", perDay, DefaultBudget)
	}
	t.Logf("%d polls (%d not modified), %d items, delays %v", polls, notModified, len(items), quantiles(delays))
}

type feedItem struct {
	guid string
	pub  time.Time
}

// parseItems reads the test feed's items.
func parseItems(t *testing.T, b []byte) []feedItem {
	t.Helper()
	var out []feedItem
	for {
		i := bytes.Index(b, []byte("<guid>"))
		if i < 0 {
			return out
		}
		b = b[i+6:]
		j := bytes.Index(b, []byte("</guid><pubDate>"))
		k := bytes.Index(b, []byte("</pubDate>"))
		pub, err := time.Parse(time.RFC1123Z, string(b[j+16:k]))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, feedItem{string(b[:j]), pub})
		b = b[k:]
	}
}

func quantiles(d []time.Duration) string {
	if len(d) == 0 {
		return "none"
	}
	o := outcome{delays: d}
	f := summarise(o)
	return fmt.Sprintf("median %v, p95 %v, max %v", f.median.Round(time.Second), f.p95.Round(time.Second), f.max.Round(time.Second))
}
