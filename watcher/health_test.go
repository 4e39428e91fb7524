package watcher

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/attache-dev/attache"
)

func (fx *pollFixture) healthAlerts(t *testing.T) []attache.Alert {
	t.Helper()
	due, err := fx.store.Due(context.Background(), "ops", fx.now.Add(time.Hour), 100)
	if err != nil {
		t.Fatal(err)
	}
	return due
}

func TestAFeedFailingLongerThanStaleAfterRaisesOneAlertAndOneRecovery(t *testing.T) {
	ctx := context.Background()
	fx := newPollFixture(t, 0)
	srv := &feedServer{}
	srv.set(rss(old(1)))
	ts := serve(t, srv.handler)
	feed := attache.Feed{Name: "f", URL: ts.URL, StaleAfter: 2 * time.Hour}
	fx.p.Poll(ctx, feed)

	srv.mu.Lock()
	srv.status = http.StatusServiceUnavailable
	srv.mu.Unlock()
	// Fail every 20 minutes for 5 hours: past the backoff, past stale_after.
	for range 15 {
		fx.now = fx.now.Add(20 * time.Minute)
		fx.p.Poll(ctx, feed)
		fx.now = fx.now.Add(time.Second)
	}
	got := fx.healthAlerts(t)
	if len(got) != 1 || !strings.Contains(got[0].Item.Title, "Feed f is failing: http_error") || got[0].Matches[0].Rule != HealthRule {
		t.Fatalf("health alerts = %+v, want one saying the feed fails", got)
	}

	srv.mu.Lock()
	srv.status = 0
	srv.mu.Unlock()
	fx.now = fx.now.Add(7 * time.Hour) // past the longest backoff
	if out := fx.p.Poll(ctx, feed); out.Class != attache.PollOK && out.Class != attache.PollNotModified {
		t.Fatalf("recovery poll = %+v", out)
	}
	fx.p.Poll(ctx, feed)
	got = fx.healthAlerts(t)
	if len(got) != 2 || !strings.Contains(got[1].Item.Title, "Feed f has recovered") {
		t.Fatalf("health alerts = %d, want the failure and one recovery", len(got))
	}
	st, _ := fx.store.FeedState(ctx, "f")
	if !st.FailingSince.IsZero() || st.HealthAlerted {
		t.Fatalf("state after recovery = %+v", st)
	}
}

func TestAFeedFailingBrieflyRaisesNoAlert(t *testing.T) {
	ctx := context.Background()
	fx := newPollFixture(t, 0)
	srv := &feedServer{status: http.StatusBadGateway}
	ts := serve(t, srv.handler)
	feed := attache.Feed{Name: "f", URL: ts.URL, StaleAfter: 24 * time.Hour}
	fx.p.Poll(ctx, feed)
	fx.now = fx.now.Add(time.Hour)
	fx.p.Poll(ctx, feed)
	srv.mu.Lock()
	srv.status, srv.body = 0, rss(old(1))
	srv.mu.Unlock()
	fx.now = fx.now.Add(time.Hour)
	fx.p.Poll(ctx, feed)
	if got := fx.healthAlerts(t); len(got) != 0 {
		t.Fatalf("health alerts = %+v, want none for a short failure", got)
	}
}

func TestAPageThatIsNotAFeedIsAlertedAtOnce(t *testing.T) {
	ctx := context.Background()
	fx := newPollFixture(t, 0)
	page := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write(readTestdata(t, "botcheck-f5.html"))
	})
	feed := attache.Feed{Name: "mid-ru", URL: page.URL}
	fx.p.Poll(ctx, feed)
	fx.now = fx.now.Add(time.Minute)
	fx.p.Poll(ctx, feed)
	got := fx.healthAlerts(t)
	if len(got) != 1 || !strings.Contains(got[0].Item.Title, "not_a_feed") || !strings.Contains(got[0].Item.Summary, "bot check") {
		t.Fatalf("health alerts = %+v, want one naming the bot check", got)
	}
}
