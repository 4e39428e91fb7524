package web_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/store"
	"github.com/attache-dev/attache/store/sqlite"
	"github.com/attache-dev/attache/web"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/net/html"
)

const (
	hostileTitle = `<img src=x onerror=alert(1)>`
	hostileError = `parse: unexpected <script>alert(1)</script> & more`
	deadError    = `slack: channel_not_found <b>"bold"</b> & co`
	goodLink     = "https://en.kremlin.ru/events/president/news/1?a=1&b=2"
)

// fillStore gives s feeds in every state and alerts in every status.
func fillStore(t *testing.T, s *sqlite.Store) {
	t.Helper()
	ctx := t.Context()
	good := newItem("kremlin-en", "1", "NATO exercises near the western borders", goodLink)
	hostile := newItem("kremlin-en", "2", hostileTitle, "javascript:alert(1)")
	retry := newItem("kremlin-en", "3", "CSTO summit", "http://en.kremlin.ru/3")
	flying := newItem("kremlin-en", "4", "Old rule's item", "https://en.kremlin.ru/4")
	dead := newItem("kremlin-en", "5", "Dead letter", "data:text/html,<script>alert(1)</script>")

	at := now.Add(-50 * time.Minute)
	for _, step := range []struct {
		it    attache.Item
		alert attache.Alert
	}{
		{good, newAlert(good, "analysts", attache.SeverityHigh, "nato-west")},
		{hostile, newAlert(hostile, "analysts", attache.SeverityCritical, "nato-west")},
		{retry, newAlert(retry, "oncall", attache.SeverityWarning, "csto-watch")},
		{flying, newAlert(flying, "log", attache.SeverityInfo, "old-rule")},
		{dead, newAlert(dead, "analysts", attache.SeverityHigh, "nato-west")},
	} {
		record(t, s, "kremlin-en", at, []attache.Item{step.it}, step.alert)
		at = at.Add(time.Minute)
	}
	must(t, s.MarkInFlight(ctx, good.Feed+"/1/analysts", now.Add(-40*time.Minute)))
	must(t, s.MarkDelivered(ctx, good.Feed+"/1/analysts", now.Add(-40*time.Minute)))
	must(t, s.MarkInFlight(ctx, retry.Feed+"/3/oncall", now.Add(-30*time.Minute)))
	must(t, s.MarkRetry(ctx, retry.Feed+"/3/oncall", now.Add(5*time.Minute), "slack: 503 Service Unavailable"))
	must(t, s.MarkInFlight(ctx, flying.Feed+"/4/log", now.Add(-time.Minute)))
	must(t, s.MarkInFlight(ctx, dead.Feed+"/5/analysts", now.Add(-20*time.Minute)))
	must(t, s.MarkDead(ctx, dead.Feed+"/5/analysts", deadError))

	for _, st := range []store.FeedState{
		{Feed: "mid-ru", Baselined: true, LastPoll: now.Add(-5 * time.Minute), LastSuccess: now.Add(-2 * time.Hour),
			ConsecutiveErrors: 3, LastError: hostileError},
		{Feed: "first-fails", LastPoll: now.Add(-5 * time.Minute), ConsecutiveErrors: 1, LastError: "not a feed"},
		{Feed: "gone-feed", Baselined: true, LastPoll: now.Add(-30 * 24 * time.Hour), LastSuccess: now.Add(-30 * 24 * time.Hour)},
	} {
		must(t, s.SaveFeedState(ctx, st))
	}
}

func statusHandler(s *sqlite.Store) http.Handler {
	return web.New(s, web.Options{
		Now:      func() time.Time { return now },
		Registry: prometheus.NewRegistry(),
		Title:    "attaché <test>",
		Location: time.FixedZone("MSK", 3*60*60),
		Feeds:    func() []string { return []string{"kremlin-en", "mid-ru", "never-polled", "first-fails"} },
		Rules:    func() []string { return []string{"nato-west", "csto-watch", "quiet-rule"} },
	})
}

func TestStatusPage(t *testing.T) {
	s := openStore(t)
	fillStore(t, s)
	resp := get(t, statusHandler(s), http.MethodGet, "/")
	page := body(t, resp)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d, body:\n%s", resp.StatusCode, page)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("Content-Security-Policy %q lets scripts run", csp)
	}
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatalf("the page does not parse as HTML: %v", err)
	}

	t.Run("feed text is escaped, never markup", func(t *testing.T) {
		for _, raw := range []string{"<script", "<img", "<b>", `href="javascript:`, `href="data:`, "onerror=alert(1)>"} {
			if strings.Contains(page, raw) {
				t.Errorf("the page holds %q raw", raw)
			}
		}
		for _, escaped := range []string{"&lt;script&gt;alert(1)&lt;/script&gt; &amp; more", "&lt;img src=x onerror=alert(1)&gt;"} {
			if !strings.Contains(page, escaped) {
				t.Errorf("the page lacks the escaped text %q", escaped)
			}
		}
	})

	t.Run("only expected elements exist, and links are http(s) or local", func(t *testing.T) {
		allowed := []string{"html", "head", "body", "meta", "title", "style", "header", "main", "section",
			"h1", "h2", "p", "div", "span", "small", "br", "time", "a", "table", "thead", "tbody", "tr", "th", "td"}
		for n := range doc.Descendants() {
			if n.Type != html.ElementNode {
				continue
			}
			if !slices.Contains(allowed, n.Data) {
				t.Errorf("unexpected element <%s>", n.Data)
			}
			for _, a := range n.Attr {
				if strings.HasPrefix(a.Key, "on") {
					t.Errorf("<%s> has an event handler %s=%q", n.Data, a.Key, a.Val)
				}
				if a.Key == "href" && a.Val != "/metrics" && a.Val != "/#alerts" && !strings.HasPrefix(a.Val, "/?status=") &&
					!strings.HasPrefix(a.Val, "https://") && !strings.HasPrefix(a.Val, "http://") {
					t.Errorf("<%s href=%q> is neither http(s) nor local", n.Data, a.Val)
				}
			}
		}
		if got := links(doc); !slices.Contains(got, goodLink) || !slices.Contains(got, "/metrics") {
			t.Errorf("links %q lack the item's or /metrics", got)
		}
	})

	t.Run("the page fits a phone", func(t *testing.T) {
		if !strings.Contains(page, `<meta name="viewport" content="width=device-width, initial-scale=1">`) {
			t.Error("no viewport meta tag")
		}
		if !strings.Contains(page, `<div class="scroll"><table>`) || !strings.Contains(page, "overflow-x: auto") {
			t.Error("tables do not scroll on their own")
		}
	})

	t.Run("every feed is listed with its state", func(t *testing.T) {
		feeds := rowsOf(t, doc, "feeds")
		want := [][]string{
			{"kremlin-en", "ok", "2025-03-01 14:14:00 MSK 46m ago", "2025-03-01 14:14:00 MSK 46m ago", "5", ""},
			{"mid-ru", "failing 3 times", "2025-03-01 14:55:00 MSK 5m ago", "2025-03-01 13:00:00 MSK 2h 0m ago", "0", hostileError},
			{"never-polled", "not polled yet", "never", "never", "0", ""},
			{"first-fails no baseline yet", "failing 1 time", "2025-03-01 14:55:00 MSK 5m ago", "never", "0", "not a feed"},
			{"gone-feed not in the configuration", "ok", "2025-01-30 15:00:00 MSK 30d ago", "2025-01-30 15:00:00 MSK 30d ago", "0", ""},
		}
		compareRows(t, feeds, want)
		if !strings.Contains(text(doc), "4 feeds: 1 ok, 2 failing, 1 not polled yet (and 1 no longer configured)") {
			t.Errorf("summary missing or wrong in:\n%s", text(doc))
		}
	})

	t.Run("the latest alerts show their delivery state", func(t *testing.T) {
		alerts := rowsOf(t, doc, "alerts")
		want := [][]string{
			{"2025-03-01 14:14:00 MSK 46m ago", "high", "Dead letter kremlin-en", "nato-west", "analysts",
				"dead after 1 attempt " + deadError},
			{"2025-03-01 14:13:00 MSK 47m ago", "info", "Old rule's item kremlin-en", "old-rule", "log", "in flight attempt 1"},
			{"2025-03-01 14:12:00 MSK 48m ago", "warning", "CSTO summit kremlin-en", "csto-watch", "oncall",
				"queued 1 failed attempt, next 2025-03-01 15:05:00 MSK slack: 503 Service Unavailable"},
			{"2025-03-01 14:11:00 MSK 49m ago", "critical", hostileTitle + " kremlin-en", "nato-west", "analysts", "queued"},
			{"2025-03-01 14:10:00 MSK 50m ago", "high", "NATO exercises near the western borders kremlin-en", "nato-west", "analysts",
				"delivered 2025-03-01 14:20:00 MSK"},
		}
		compareRows(t, alerts, want)
	})

	t.Run("rules are listed with their alert counts", func(t *testing.T) {
		compareRows(t, rowsOf(t, doc, "rules"), [][]string{
			{"nato-west", "3"},
			{"csto-watch", "1"},
			{"quiet-rule", "0"},
			{"old-rule not in the configuration", "1"},
		})
	})

	t.Run("the page says when it was made, in its time zone", func(t *testing.T) {
		if !strings.Contains(text(doc), "Generated 2025-03-01 15:00:00 MSK") {
			t.Errorf("no generation time in:\n%s", text(doc))
		}
		if !strings.Contains(page, "<title>attaché &lt;test&gt; · status</title>") {
			t.Error("the title is not escaped")
		}
	})

	t.Run("HEAD answers without a body", func(t *testing.T) {
		srv := newServer(t, statusHandler(s))
		req, _ := http.NewRequest(http.MethodHead, srv+"/", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("status %d", resp.StatusCode)
		}
		if b := body(t, resp); b != "" {
			t.Errorf("HEAD sent a body of %d bytes", len(b))
		}
	})
}

func TestStatusPageWithoutConfiguration(t *testing.T) {
	s := openStore(t)
	fillStore(t, s)
	resp := get(t, web.New(s, web.Options{Now: func() time.Time { return now }}), http.MethodGet, "/")
	page := body(t, resp)
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, row := range rowsOf(t, doc, "feeds") {
		names = append(names, row[0])
	}
	want := []string{"first-fails no baseline yet", "gone-feed", "kremlin-en", "mid-ru"}
	if !slices.Equal(names, want) {
		t.Errorf("feeds %q, want the store's %q", names, want)
	}
	if strings.Contains(page, "/metrics") {
		t.Error("the page links to /metrics, which is not served")
	}
	if !strings.Contains(text(doc), "4 feeds: 2 ok, 2 failing, 0 not polled yet") {
		t.Errorf("summary missing or wrong in:\n%s", text(doc))
	}
}

// TestStatusPageShowsNoErrorOfARecoveredFeed: the store keeps a feed's
// last error after it answers again, the page does not show it as current.
// TestStatusPageFiltersAlertsByStatus: ?status=dead shows the dead alerts
// only, as `attache alerts list --status dead` does.
func TestStatusPageFiltersAlertsByStatus(t *testing.T) {
	s := openStore(t)
	fillStore(t, s)
	page := body(t, get(t, statusHandler(s), http.MethodGet, "/?status=dead"))
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	rows := rowsOf(t, doc, "alerts")
	if len(rows) != 1 || !strings.HasPrefix(rows[0][5], "dead") {
		t.Errorf("?status=dead shows %v, want the one dead alert", rows)
	}
}

func TestStatusPageShowsNoErrorOfARecoveredFeed(t *testing.T) {
	s := openStore(t)
	must(t, s.SaveFeedState(t.Context(), store.FeedState{Feed: "kremlin-en", Baselined: true,
		LastPoll: now.Add(-time.Minute), LastSuccess: now.Add(-time.Minute), LastError: "timed out an hour ago"}))
	page := body(t, get(t, statusHandler(s), http.MethodGet, "/"))
	if strings.Contains(page, "timed out an hour ago") {
		t.Errorf("the page shows the error of a feed that has recovered:\n%s", page)
	}
}

func TestStatusPageOfAnEmptyStore(t *testing.T) {
	s := openStore(t)
	resp := get(t, statusHandler(s), http.MethodGet, "/")
	page := body(t, resp)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "No alerts yet.") ||
		!strings.Contains(page, "not polled yet") {
		t.Errorf("status %d, body:\n%s", resp.StatusCode, page)
	}
}

func TestStatusPageWithTheStoreClosed(t *testing.T) {
	s := openStore(t)
	fillStore(t, s)
	s.Close()
	resp := get(t, statusHandler(s), http.MethodGet, "/")
	page := body(t, resp)
	if resp.StatusCode != http.StatusInternalServerError {
		t.Errorf("status %d, want 500", resp.StatusCode)
	}
	for _, what := range []string{"Could not read the feeds", "Could not read the alerts", "Could not read the rule counts"} {
		if !strings.Contains(page, what) {
			t.Errorf("the page does not say %q:\n%s", what, page)
		}
	}
	if _, err := html.Parse(strings.NewReader(page)); err != nil {
		t.Error(err)
	}
}
