package watcher

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/rules"
	"github.com/attache-dev/attache/source"
	"github.com/attache-dev/attache/store/sqlite"
)

// feedItem is one entry of a generated RSS feed.
type feedItem struct {
	guid, title, link string
	date              time.Time
}

func rss(items ...feedItem) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title><link>https://example.org/</link>`)
	for _, it := range items {
		fmt.Fprintf(&b, "<item><title>%s</title><link>%s</link>", it.title, it.link)
		if it.guid != "" {
			fmt.Fprintf(&b, "<guid>%s</guid>", it.guid)
		}
		if !it.date.IsZero() {
			fmt.Fprintf(&b, "<pubDate>%s</pubDate>", it.date.Format(time.RFC1123Z))
		}
		b.WriteString("</item>")
	}
	b.WriteString("</channel></rss>")
	return b.String()
}

// feedServer serves a feed whose body the test changes, with an ETag, and
// counts the 200 answers.
type feedServer struct {
	mu     sync.Mutex
	body   string
	status int
	full   atomic.Int32 // 200 answers
}

func (s *feedServer) set(body string) { s.mu.Lock(); s.body = body; s.mu.Unlock() }

func (s *feedServer) handler(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	body, status := s.body, s.status
	s.mu.Unlock()
	if status != 0 {
		http.Error(w, "broken", status)
		return
	}
	etag := fmt.Sprintf(`"%x"`, sha256.Sum256([]byte(body)))
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	s.full.Add(1)
	w.Header().Set("ETag", etag)
	w.Header().Set("Content-Type", "application/rss+xml")
	fmt.Fprint(w, body)
}

type pollFixture struct {
	store *sqlite.Store
	p     *Poller
	now   time.Time
}

func newPollFixture(t *testing.T, backfill time.Duration, rs ...rules.Rule) *pollFixture {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if rs == nil {
		rs = []rules.Rule{{Name: "nato", Query: "NATO"}}
	}
	m, err := rules.Compile(rs, nil)
	if err != nil {
		t.Fatal(err)
	}
	info := map[string]attache.Rule{}
	for _, r := range rs {
		info[r.Name] = attache.Rule{Severity: attache.SeverityHigh, Notify: []string{"log"}}
	}
	fx := &pollFixture{store: st, now: testNow}
	fx.p = NewPoller(source.NewFetcher(source.Options{Timeout: 2 * time.Second}), st, &Ruleset{Matcher: m, Rules: info},
		PollerOptions{Backfill: backfill, Now: func() time.Time { return fx.now }, HealthNotify: []string{"ops"}})
	return fx
}

func (fx *pollFixture) queued(t *testing.T) []attache.Alert {
	t.Helper()
	due, err := fx.store.Due(context.Background(), "log", fx.now.Add(time.Hour), 1000)
	if err != nil {
		t.Fatal(err)
	}
	return due
}

func old(i int) feedItem {
	return feedItem{guid: fmt.Sprintf("g%d", i), title: fmt.Sprintf("NATO item %d", i),
		link: fmt.Sprintf("https://example.org/%d", i), date: testNow.Add(-time.Duration(i) * time.Hour)}
}

func TestPollerAlertsOnlyTrulyNewItems(t *testing.T) {
	ctx := context.Background()
	fx := newPollFixture(t, 0)
	srv := &feedServer{}
	ts := serve(t, srv.handler)
	feed := attache.Feed{Name: "f", URL: ts.URL}

	srv.set(rss(old(1), old(2), old(3)))
	if out := fx.p.Poll(ctx, feed); out.Class != attache.PollOK || !out.First || out.New != 3 || out.Queued != 0 {
		t.Fatalf("first poll = %+v, want a silent baseline of 3 items", out)
	}

	t.Run("an unchanged feed answers 304 and costs no parsing", func(t *testing.T) {
		before := srv.full.Load()
		if out := fx.p.Poll(ctx, feed); out.Class != attache.PollNotModified {
			t.Fatalf("poll = %+v, want not_modified", out)
		}
		if srv.full.Load() != before {
			t.Fatal("the server sent the body again")
		}
	})
	t.Run("a reordered and re-dated feed alerts nothing", func(t *testing.T) {
		a, b, c := old(3), old(1), old(2)
		a.date, b.date = testNow, testNow.Add(time.Minute)
		srv.set(rss(a, b, c))
		if out := fx.p.Poll(ctx, feed); out.Class != attache.PollOK || out.New != 0 || out.Queued != 0 {
			t.Fatalf("poll = %+v, want nothing new", out)
		}
	})
	t.Run("a new matching item is alerted exactly once", func(t *testing.T) {
		fresh := feedItem{guid: "g9", title: "NATO moves west", link: "https://example.org/9", date: testNow.Add(-48 * time.Hour)}
		srv.set(rss(fresh, old(1), old(2), old(3)))
		if out := fx.p.Poll(ctx, feed); out.New != 1 || out.Queued != 1 {
			t.Fatalf("poll = %+v, want 1 new item and 1 alert (an old date is no watermark)", out)
		}
		srv.set(rss(fresh, old(1), old(2), old(3), feedItem{guid: "g10", title: "weather", link: "https://example.org/10"}))
		if out := fx.p.Poll(ctx, feed); out.New != 1 || out.Queued != 0 {
			t.Fatalf("second poll = %+v, want one new unmatched item and no alert", out)
		}
		got := fx.queued(t)
		if len(got) != 1 || got[0].Item.Title != "NATO moves west" || got[0].Matches[0].Rule != "nato" || got[0].Matches[0].Severity != attache.SeverityHigh {
			t.Fatalf("queue = %+v, want the one alert", got)
		}
	})
}

func TestPollerBackfillAlertsRecentItemsOnFirstPoll(t *testing.T) {
	fx := newPollFixture(t, 3*time.Hour)
	var logs bytes.Buffer
	fx.p.log = slog.New(slog.NewTextHandler(&logs, nil))
	srv := &feedServer{}
	srv.set(rss(old(1), old(2), old(5), feedItem{guid: "nodate", title: "NATO undated", link: "https://example.org/u"}))
	ts := serve(t, srv.handler)
	out := fx.p.Poll(context.Background(), attache.Feed{Name: "f", URL: ts.URL})
	if out.Queued != 2 {
		t.Fatalf("poll = %+v, want the 2 items of the last 3 hours alerted (not the old one, not the undated one)", out)
	}
	// The log line says what happened, not "recorded without alerts ... queued=2".
	if !strings.Contains(logs.String(), `msg="first poll: items recorded; alerts only for those published within backfill"`) ||
		!strings.Contains(logs.String(), "backfill=3h0m0s queued=2") {
		t.Errorf("baseline log:\n%s", logs.String())
	}
}

func TestPollerAlertsTheSameStoryOnceAcrossFeeds(t *testing.T) {
	ctx := context.Background()
	fx := newPollFixture(t, 0)
	a, b := &feedServer{}, &feedServer{}
	a.set(rss())
	b.set(rss())
	ta, tb := serve(t, a.handler), serve(t, b.handler)
	feeds := []attache.Feed{{Name: "a", URL: ta.URL}, {Name: "b", URL: tb.URL}}
	fx.p.PollAll(ctx, feeds, 2)
	story := feedItem{title: "NATO summit", link: "https://EXAMPLE.org/story?utm_source=rss#top"}
	a.set(rss(feedItem{guid: "a-1", title: story.title, link: story.link}))
	b.set(rss(feedItem{guid: "b-77", title: story.title + " (update)", link: "https://example.org/story"}))
	res := fx.p.PollAll(ctx, feeds, 2)
	if res[0].Queued+res[1].Queued != 1 {
		t.Fatalf("polls = %+v, want one alert for the story", res)
	}
}

func TestPollerFailingFeedFailsAlone(t *testing.T) {
	ctx := context.Background()
	fx := newPollFixture(t, 0)
	bad, good := &feedServer{status: 500}, &feedServer{}
	good.set(rss(old(1)))
	tb, tg := serve(t, bad.handler), serve(t, good.handler)
	hang := serve(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	})
	feeds := []attache.Feed{{Name: "bad", URL: tb.URL}, {Name: "hang", URL: hang.URL}, {Name: "good", URL: tg.URL}}
	fx.p.PollAll(ctx, feeds, 3)
	good.set(rss(old(1), feedItem{guid: "n", title: "NATO news", link: "https://example.org/n"}))
	start := time.Now()
	res := fx.p.PollAll(ctx, feeds, 3)
	if time.Since(start) > 8*time.Second { // the hanging feed's 2 s timeout, with room for a busy machine
		t.Fatalf("a hanging feed held the cycle for %v", time.Since(start))
	}
	if res[0].Class != attache.PollHTTPError || res[1].Class != attache.PollTimeout || res[2].Queued != 1 {
		t.Fatalf("results = %+v, want http_error, timeout, and the good feed alerted", res)
	}
	st, err := fx.store.FeedState(ctx, "bad")
	if err != nil || st.ConsecutiveErrors != 2 || !strings.Contains(st.LastError, "500") {
		t.Fatalf("bad feed state = %+v, %v", st, err)
	}
	t.Run("a feed that failed three times waits before its next poll", func(t *testing.T) {
		fx.p.Poll(ctx, feeds[0])
		if out := fx.p.Poll(ctx, feeds[0]); out.Class != attache.PollBackoff {
			t.Fatalf("fourth poll = %+v, want backoff", out)
		}
		fx.now = fx.now.Add(6 * time.Minute)
		bad.mu.Lock()
		bad.status = 0
		bad.body = rss(old(1))
		bad.mu.Unlock()
		if out := fx.p.Poll(ctx, feeds[0]); out.Class != attache.PollOK {
			t.Fatalf("poll after the wait = %+v, want ok", out)
		}
	})
}

func TestPollerSendsOneAlertPerDestinationNamingEveryRule(t *testing.T) {
	ctx := context.Background()
	fx := newPollFixture(t, 0, rules.Rule{Name: "nato", Query: "NATO"}, rules.Rule{Name: "summit", Query: "summit"})
	rs := fx.p.conf.Load().rules
	rs.Rules["summit"] = attache.Rule{Severity: attache.SeverityInfo, Notify: []string{"log", "oncall"}}
	srv := &feedServer{}
	srv.set(rss())
	ts := serve(t, srv.handler)
	feed := attache.Feed{Name: "f", URL: ts.URL}
	fx.p.Poll(ctx, feed)
	srv.set(rss(feedItem{guid: "x", title: "NATO summit", link: "https://example.org/x"}))
	if out := fx.p.Poll(ctx, feed); out.Queued != 2 {
		t.Fatalf("poll = %+v, want 2 alerts (log, oncall)", out)
	}
	got := fx.queued(t)
	if len(got) != 1 || len(got[0].Matches) != 2 || got[0].Severity() != attache.SeverityHigh {
		t.Fatalf("log alert = %+v, want one alert naming both rules", got)
	}
}
