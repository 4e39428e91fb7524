package watcher

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/attache-dev/attache"
)

// TestFloodGuardRecordsAChangeOfIdentifiersWithOneSummary: a feed with a
// baseline whose 250 items all come back with new GUIDs and links is
// recorded, and one summary goes to the health destinations instead of 250
// alerts; a poll within the limit is alerted as usual.
func TestFloodGuardRecordsAChangeOfIdentifiersWithOneSummary(t *testing.T) {
	ctx := context.Background()
	fx := newPollFixture(t, 0)
	srv := &feedServer{}
	ts := serve(t, srv.handler)
	feed := attache.Feed{Name: "f", URL: ts.URL}
	var first, renamed []feedItem
	for i := range 250 {
		it := old(i)
		first = append(first, it)
		it.guid, it.link = "new-"+it.guid, strings.Replace(it.link, "example.org/", "example.org/v2/", 1)+"?new"
		it.title += " (moved)"
		renamed = append(renamed, it)
	}
	srv.set(rss(first...))
	fx.p.Poll(ctx, feed)

	srv.set(rss(renamed...))
	out := fx.p.Poll(ctx, feed)
	if out.New != 250 || out.Flooded != 250 || out.Queued != 1 {
		t.Fatalf("poll = %+v, want 250 new items recorded and flooded, one summary queued", out)
	}
	q, err := fx.store.Due(ctx, "ops", fx.now.Add(time.Hour), 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(q) != 1 || !strings.Contains(q[0].Item.Title, "brought 250 new items at once") {
		t.Fatalf("queued %+v, want one summary to the health destination", q)
	}
	if again := fx.p.Poll(ctx, feed); again.New != 0 || again.Queued != 0 {
		t.Errorf("the next poll = %+v, want nothing new", again)
	}

	srv.set(rss(append([]feedItem{{guid: "fresh", title: "NATO fresh", link: "https://example.org/fresh"}}, renamed...)...))
	if out := fx.p.Poll(ctx, feed); out.Flooded != 0 || out.Queued != 1 {
		t.Errorf("a poll within the limit = %+v, want its one alert", out)
	}
}

// TestFloodGuardHonoursTheFeedsLimit: max_new_items per feed.
func TestFloodGuardHonoursTheFeedsLimit(t *testing.T) {
	ctx := context.Background()
	fx := newPollFixture(t, 0)
	srv := &feedServer{}
	ts := serve(t, srv.handler)
	feed := attache.Feed{Name: "f", URL: ts.URL, MaxNewItems: 2}
	srv.set(rss())
	fx.p.Poll(ctx, feed)
	srv.set(rss(old(1), old(2), old(3)))
	if out := fx.p.Poll(ctx, feed); out.Flooded != 3 || out.Queued != 1 {
		t.Errorf("3 new items over a limit of 2: %+v, want flooded and one summary", out)
	}
}

// TestAHealthAlertCountsAsQueued: the health alert of a feed that answers
// with a bot check is in the poll's queued counts, which the metrics read
// (attache_alerts_queued_total counted it nowhere, while delivered did).
func TestAHealthAlertCountsAsQueued(t *testing.T) {
	fx := newPollFixture(t, 0)
	ts := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html><head><title>Just a moment...</title></head><body>checking your browser</body></html>"))
	})
	out := fx.p.Poll(context.Background(), attache.Feed{Name: "f", URL: ts.URL})
	if out.Err == nil || out.Queued != 1 || out.QueuedTo["ops"] != 1 {
		t.Errorf("poll = %+v, want a failure with its health alert counted as queued to ops", out)
	}
}
