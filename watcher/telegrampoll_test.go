package watcher

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/attache-dev/attache"
)

// TestAFirstPollOfAChannelAlertsItsWholeBackfillWindow: the preview shows
// the last 20 messages; a first poll with a 30-hour window pages back once
// and alerts every message of the window, the older ones recorded silently;
// later polls read the latest page only.
func TestAFirstPollOfAChannelAlertsItsWholeBackfillWindow(t *testing.T) {
	fx := newPollFixture(t, 30*time.Hour)
	var mu sync.Mutex
	var asks []string
	ts := serve(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		asks = append(asks, r.URL.Query().Get("before"))
		mu.Unlock()
		before := 41
		if b := r.URL.Query().Get("before"); b != "" {
			before, _ = strconv.Atoi(b)
		}
		from := max(1, before-20)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<html><body>`)
		if from > 1 {
			fmt.Fprintf(w, `<div class="tme_messages_more" data-before="%d"></div>`, from)
		}
		for id := from; id < before; id++ {
			date := testNow.Add(-time.Duration(40-id) * time.Hour).Format(time.RFC3339)
			fmt.Fprintf(w, `<div class="tgme_widget_message" data-post="chan/%d"><div class="tgme_widget_message_bubble">
<div class="tgme_widget_message_text">NATO statement %d</div>
<a class="tgme_widget_message_date" href="https://t.me/chan/%d"><time datetime="%s">x</time></a></div></div>`, id, id, id, date)
		}
		fmt.Fprint(w, `</body></html>`)
	})
	feed := attache.Feed{Name: "chan", URL: ts.URL + "/s/chan", Telegram: &attache.TelegramSpec{}}

	out := fx.p.Poll(context.Background(), feed)
	if out.Class != attache.PollOK || out.New != 40 || out.Queued != 31 {
		t.Fatalf("first poll = %+v, want 40 messages recorded and the 31 of the last 30 hours alerted", out)
	}
	fx.now = fx.now.Add(time.Minute)
	if out := fx.p.Poll(context.Background(), feed); out.New != 0 || out.Queued != 0 {
		t.Fatalf("second poll = %+v, want nothing new", out)
	}
	mu.Lock()
	defer mu.Unlock()
	if fmt.Sprint(asks) != "[ 21 ]" {
		t.Errorf("requests with before=%q, want the latest page, one older page, then the latest page only", asks)
	}
}
