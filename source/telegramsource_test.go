package source

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attache-dev/attache"
)

// channelServer serves a channel's preview of messages 1..last, one an
// hour up to testNow, 20 a page, as t.me/s does: the newest page at the
// address, older ones with ?before=N. It records the before= of each
// request, and fails those listed in fail.
type channelServer struct {
	last int
	fail map[int]bool
	mu   sync.Mutex
	asks []int // 0 for the address itself
}

func (c *channelServer) date(id int) time.Time {
	return testNow.Add(-time.Duration(c.last-id) * time.Hour)
}

func (c *channelServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	before := c.last + 1
	asked := 0
	if b := r.URL.Query().Get("before"); b != "" {
		before, _ = strconv.Atoi(b)
		asked = before
	}
	c.mu.Lock()
	c.asks = append(c.asks, asked)
	c.mu.Unlock()
	if c.fail[asked] {
		http.Error(w, "busy", http.StatusBadGateway)
		return
	}
	var b strings.Builder
	b.WriteString(`<html><body><section class="tgme_channel_history">`)
	from := max(1, before-20)
	if from > 1 {
		fmt.Fprintf(&b, `<div class="tme_messages_more" data-before="%d"></div>`, from)
	}
	for id := from; id < before; id++ {
		fmt.Fprintf(&b, `<div class="tgme_widget_message" data-post="chan/%d"><div class="tgme_widget_message_bubble">
<div class="tgme_widget_message_text">Statement number %d</div>
<a class="tgme_widget_message_date" href="https://t.me/chan/%d"><time datetime="%s">x</time></a></div></div>`,
			id, id, id, c.date(id).Format(time.RFC3339))
	}
	b.WriteString(`</section></body></html>`)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprint(w, b.String())
}

func telegramSource(url string, maxPages int) attache.Feed {
	return attache.Feed{Name: "chan", URL: url, Telegram: &attache.TelegramSpec{MaxPages: maxPages}}
}

func TestAFirstPollPagesBackThroughAChannelToTheStartOfItsWindow(t *testing.T) {
	tests := []struct {
		name      string
		window    time.Duration
		maxPages  int
		wantFirst int   // the oldest message read
		wantAsks  []int // before= of each request
	}{
		{"no window reads the latest page only", 0, 5, 81, []int{0}},
		{"a window the latest page covers reads it only", 10 * time.Hour, 5, 81, []int{0}},
		{"a 30-hour window reads a second page", 30 * time.Hour, 5, 61, []int{0, 81}},
		{"a week's window reads back to the channel's first message", 7 * 24 * time.Hour, 5, 1, []int{0, 81, 61, 41, 21}},
		{"max_pages bounds the paging", 7 * 24 * time.Hour, 2, 61, []int{0, 81}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ch := &channelServer{last: 100}
			srv := serve(t, ch.ServeHTTP)
			var since time.Time
			if tt.window > 0 {
				since = testNow.Add(-tt.window)
			}
			src := telegramSource(srv.URL+"/s/chan", tt.maxPages)
			res, err := newTestFetcher(Options{}).ItemsSince(context.Background(), src, TelegramReader, Conditional{}, testNow, since)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Items) != 100-tt.wantFirst+1 {
				t.Errorf("%d items, want messages %d to 100", len(res.Items), tt.wantFirst)
			}
			seen := map[string]bool{}
			for i, it := range res.Items {
				if seen[it.Key] {
					t.Errorf("item %s twice", it.Key)
				}
				seen[it.Key] = true
				if want := fmt.Sprintf("Statement number %d", tt.wantFirst+i); it.Title != want {
					t.Fatalf("item %d is %q, want %q (oldest first)", i, it.Title, want)
				}
			}
			if fmt.Sprint(ch.asks) != fmt.Sprint(tt.wantAsks) {
				t.Errorf("requests before=%v, want %v", ch.asks, tt.wantAsks)
			}
		})
	}
}

func TestAnOlderPageThatFailsFailsTheFirstPoll(t *testing.T) {
	ch := &channelServer{last: 100, fail: map[int]bool{81: true}}
	srv := serve(t, ch.ServeHTTP)
	src := telegramSource(srv.URL+"/s/chan", 5)
	_, err := newTestFetcher(Options{}).ItemsSince(context.Background(), src, TelegramReader, Conditional{}, testNow, testNow.Add(-72*time.Hour))
	if err == nil || !strings.Contains(err.Error(), "older messages") || Classify(err) != attache.PollHTTPError {
		t.Fatalf("got %v (%s), want the older page's HTTP error", err, Classify(err))
	}
}
