package watcher

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attache-dev/attache"

	"github.com/attache-dev/attache/rules"
)

// statementSite serves a ministry-style list page of statements and a page
// per statement, and counts the requests for each statement page.
type statementSite struct {
	mu        sync.Mutex
	list      []statementEntry
	layout    string // "" the usual one; "new" a redesign
	requests  map[string]int
	failPages map[string]bool
}

type statementEntry struct {
	id, title, text, date string
}

func newStatementSite(t *testing.T) (*statementSite, string) {
	s := &statementSite{requests: map[string]int{}, failPages: map[string]bool{}}
	srv := serve(t, s.handler)
	return s, srv.URL + "/en/press/statements/"
}

func (s *statementSite) set(es ...statementEntry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.list = es
}

func (s *statementSite) pageRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.requests {
		n += c
	}
	return n
}

func (s *statementSite) handler(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w.Header().Set("Content-Type", "text/html; charset=windows-1251") // and every page is UTF-8
	if r.URL.Path == "/en/press/statements/" {
		var b strings.Builder
		b.WriteString(`<html><head><meta charset="windows-1251"><title>Statements</title></head><body><div class="tabs">`)
		for _, e := range s.list {
			if s.layout == "new" {
				fmt.Fprintf(&b, `<article class="news-card"><a href="%s.html">%s</a></article>`, e.id, e.title)
				continue
			}
			fmt.Fprintf(&b, `<a href="%s.html" class="tabs-content__item"><h2>%s</h2><span class="date _small">%s</span></a>`, e.id, e.title, e.date)
		}
		b.WriteString(`</div></body></html>`)
		fmt.Fprint(w, b.String())
		return
	}
	id := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/en/press/statements/"), ".html")
	s.requests[id]++
	if s.failPages[id] {
		http.Error(w, "unavailable", http.StatusBadGateway)
		return
	}
	for _, e := range s.list {
		if e.id == id {
			fmt.Fprintf(w, `<html><body><section class="content-page"><h1>%s</h1><p>%s</p></section></body></html>`, e.title, e.text)
			return
		}
	}
	http.NotFound(w, r)
}

func TestPollingAListPageReadsOnlyNewItemsPagesAndMatchesTheirText(t *testing.T) {
	ctx := context.Background()
	fx := newPollFixture(t, 0, rules.Rule{Name: "nato", Query: "NATO"})
	site, url := newStatementSite(t)
	feed := attache.Feed{Name: "mfa-by", URL: url, Lang: "en", HTML: statementsSpec(t, true)}

	site.set(statementEntry{"a", "Statement A", "About NATO.", ""}, statementEntry{"b", "Statement B", "About trade.", ""})
	if out := fx.p.Poll(ctx, feed); out.Class != attache.PollOK || !out.First || out.New != 2 || out.Queued != 0 {
		t.Fatalf("first poll = %+v, want a silent baseline of 2", out)
	}
	if n := site.pageRequests(); n != 0 {
		t.Errorf("the baseline read %d item pages: without backfill none can be alerted", n)
	}

	site.set(
		statementEntry{"c", "Statement on security", "The alliance, NATO, moves closer to the western borders.", ""},
		statementEntry{"d", "Statement on NATO drills", "never served", ""},
		statementEntry{"e", "Statement on the weather", "Sunny in Minsk.", ""},
		statementEntry{"a", "Statement A", "About NATO.", ""},
		statementEntry{"b", "Statement B", "About trade.", ""},
	)
	site.mu.Lock()
	site.failPages["d"] = true
	site.mu.Unlock()
	fx.now = fx.now.Add(10 * time.Minute)
	out := fx.p.Poll(ctx, feed)
	if out.Class != attache.PollOK || out.New != 3 {
		t.Fatalf("second poll = %+v, want 3 new items", out)
	}
	site.mu.Lock()
	got := fmt.Sprint(site.requests)
	site.mu.Unlock()
	if got != "map[c:1 d:1 e:1]" {
		t.Errorf("item pages requested %s, want each new item's page once and no other", got)
	}

	alerts := fx.queued(t)
	byTitle := map[string]string{}
	for _, a := range alerts {
		byTitle[a.Item.Title] = a.Item.Content
	}
	if len(alerts) != 2 {
		t.Fatalf("%d alerts (%v), want 2", len(alerts), byTitle)
	}
	if c, ok := byTitle["Statement on security"]; !ok || !strings.Contains(c, "moves closer to the western borders") {
		t.Errorf("the statement that names NATO only on its page: alerted %v, content %q", ok, c)
	}
	if c, ok := byTitle["Statement on NATO drills"]; !ok || c != "" {
		t.Errorf("the statement whose page failed: alerted %v with content %q, want alerted on its list text", ok, c)
	}

	fx.now = fx.now.Add(10 * time.Minute)
	before := site.pageRequests()
	if out := fx.p.Poll(ctx, feed); out.Class != attache.PollOK || out.New != 0 {
		t.Fatalf("third poll = %+v, want nothing new", out)
	}
	if n := site.pageRequests() - before; n != 0 {
		t.Errorf("an unchanged list read %d item pages again", n)
	}
}

func TestAFirstPollReadsThePagesOfItemsWithinBackfillOnly(t *testing.T) {
	fx := newPollFixture(t, 48*time.Hour, rules.Rule{Name: "nato", Query: "NATO"})
	site, url := newStatementSite(t)
	site.set(
		statementEntry{"fresh", "Statement of yesterday", "NATO at the borders.", testNow.Add(-24 * time.Hour).Format("02.01.2006")},
		statementEntry{"old", "Statement of last year", "NATO at the borders.", "02.11.2025"},
		statementEntry{"undated", "Statement without a date", "NATO at the borders.", ""},
	)
	out := fx.p.Poll(context.Background(), attache.Feed{Name: "mfa-by", URL: url, HTML: statementsSpec(t, true)})
	site.mu.Lock()
	got := fmt.Sprint(site.requests)
	site.mu.Unlock()
	if got != "map[fresh:1]" {
		t.Errorf("the first poll read pages %s: want only the one inside backfill, which can be alerted", got)
	}
	if out.Class != attache.PollOK || out.Queued != 1 {
		t.Errorf("first poll = %+v, want the item inside backfill alerted on its page's text", out)
	}
}

func TestALayoutChangeRaisesOneHealthAlertAtOnceAndOneOnRecovery(t *testing.T) {
	ctx := context.Background()
	fx := newPollFixture(t, 0)
	site, url := newStatementSite(t)
	feed := attache.Feed{Name: "mfa-by", URL: url, HTML: statementsSpec(t, false)}
	site.set(statementEntry{"a", "Statement A", "", ""})
	fx.p.Poll(ctx, feed)

	site.mu.Lock()
	site.layout = "new"
	site.mu.Unlock()
	for i := range 3 {
		fx.now = fx.now.Add(10 * time.Minute)
		out := fx.p.Poll(ctx, feed)
		if out.Class != attache.PollSelectorsMatchedNothing && out.Class != attache.PollBackoff {
			t.Fatalf("poll %d after the redesign = %+v, want selectors_matched_nothing", i, out)
		}
	}
	got := fx.healthAlerts(t)
	if len(got) != 1 || !strings.Contains(got[0].Item.Title, "Feed mfa-by is failing: selectors_matched_nothing") ||
		!strings.Contains(got[0].Item.Summary, "matched no element") {
		t.Fatalf("health alerts = %+v, want one at once, saying the selectors match nothing", got)
	}
	if got := fx.queued(t); len(got) != 0 {
		t.Errorf("a layout change queued %d item alerts", len(got))
	}

	site.mu.Lock()
	site.layout = ""
	site.mu.Unlock()
	fx.now = fx.now.Add(7 * time.Hour)
	if out := fx.p.Poll(ctx, feed); out.Class != attache.PollOK {
		t.Fatalf("recovery poll = %+v", out)
	}
	if got := fx.healthAlerts(t); len(got) != 2 || !strings.Contains(got[1].Item.Title, "recovered") {
		t.Errorf("health alerts after recovery = %d, want the failure and one recovery", len(got))
	}
}
