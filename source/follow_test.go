package source

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/attache-dev/attache"
)

// inFlight counts the requests a server is answering, and the most at once.
type inFlight struct {
	mu         sync.Mutex
	now, most  int
	requests   map[string]int
	totalNow   *atomic.Int32
	totalMost  *atomic.Int32
	delay      time.Duration
	statusCode map[string]int // by path; 0 is a statement page
}

func (f *inFlight) handler(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.now++
	f.most = max(f.most, f.now)
	f.requests[r.URL.Path]++
	code := f.statusCode[r.URL.Path]
	f.mu.Unlock()
	n := f.totalNow.Add(1)
	for {
		m := f.totalMost.Load()
		if n <= m || f.totalMost.CompareAndSwap(m, n) {
			break
		}
	}
	time.Sleep(f.delay)
	f.totalNow.Add(-1)
	f.mu.Lock()
	f.now--
	f.mu.Unlock()
	if code != 0 {
		http.Error(w, "gone", code)
		return
	}
	fmt.Fprintf(w, `<html><body><section class="content-page"><p>Text of %s about NATO.</p></section></body></html>`, r.URL.Path)
}

func TestFollowReadsEachPageOnceWithinItsBounds(t *testing.T) {
	var totalNow, totalMost atomic.Int32
	var servers []*inFlight
	var items []attache.Item
	for h := range 3 {
		s := &inFlight{requests: map[string]int{}, totalNow: &totalNow, totalMost: &totalMost, delay: 40 * time.Millisecond}
		srv := serve(t, s.handler)
		servers = append(servers, s)
		for i := range 4 {
			items = append(items, attache.Item{Title: "t", Link: fmt.Sprintf("%s/item/%d-%d.html", srv.URL, h, i)})
		}
	}
	f := newTestFetcher(Options{})
	errs := f.Follow(context.Background(), attache.Feed{Name: "by", URL: "https://list.example/", HTML: statementsSpec(t, true)}, items)
	for i, err := range errs {
		if err != nil {
			t.Errorf("item %d: %v", i, err)
		}
		if want := "Text of /item/"; !strings.HasPrefix(items[i].Content, want) {
			t.Errorf("item %d content %q", i, items[i].Content)
		}
	}
	for h, s := range servers {
		for path, n := range s.requests {
			if n != 1 {
				t.Errorf("host %d: %s requested %d times", h, path, n)
			}
		}
		if len(s.requests) != 4 {
			t.Errorf("host %d: %d pages requested, want 4", h, len(s.requests))
		}
		if s.most > FollowPerHost {
			t.Errorf("host %d: %d requests at once, want at most %d", h, s.most, FollowPerHost)
		}
	}
	if most := int(totalMost.Load()); most > FollowConcurrency || most < 2 {
		t.Errorf("%d item pages at once in all, want between 2 and %d", most, FollowConcurrency)
	}
}

func TestAnItemPageThatFailsLeavesItsItemAsItWas(t *testing.T) {
	statement := readTestdata(t, "pages/statement-windows-1251.html")
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok.html":
			w.Header().Set("Content-Type", "text/html") // the page's <meta> says windows-1251
			w.Write(statement)
		case "/broken.html":
			http.Error(w, "oops", http.StatusInternalServerError)
		case "/other-layout.html":
			fmt.Fprint(w, `<html><body><article class="news">NATO</article></body></html>`)
		case "/bot.html":
			w.Write(readTestdata(t, "botcheck-cloudflare.html"))
		default:
			http.NotFound(w, r)
		}
	})
	items := []attache.Item{
		{Title: "ok", Link: srv.URL + "/ok.html"},
		{Title: "broken", Link: srv.URL + "/broken.html"},
		{Title: "missing", Link: srv.URL + "/missing.html"},
		{Title: "other layout", Link: srv.URL + "/other-layout.html"},
		{Title: "bot", Link: srv.URL + "/bot.html"},
		{Title: "a local file", Link: "file:///etc/passwd"},
		{Title: "no link"},
	}
	errs := newTestFetcher(Options{}).Follow(context.Background(), attache.Feed{Name: "by", URL: srv.URL + "/list/", HTML: statementsSpec(t, true)}, items)
	if errs[0] != nil {
		t.Fatalf("the good page: %v", errs[0])
	}
	c := items[0].Content
	for _, want := range []string{"Североатлантического альянса в Польше и Литве.", "Государства — члены ОДКБ", "2 ноября 2024 г., Минск"} {
		if !strings.Contains(c, want) {
			t.Errorf("content does not hold %q:\n%s", want, c)
		}
	}
	if strings.Contains(c, "счётчике") || strings.Contains(c, "Дипломатические миссии") {
		t.Errorf("content holds a script or text outside the selector:\n%s", c)
	}
	wants := []string{"", "500", "404", `content selector "section.content-page" matched nothing`, "bot check (Cloudflare)", "not a web page", "no page to follow"}
	for i := 1; i < len(items); i++ {
		if errs[i] == nil || !strings.Contains(errs[i].Error(), wants[i]) {
			t.Errorf("item %q: error %v, want one saying %q", items[i].Title, errs[i], wants[i])
		}
		if items[i].Content != "" {
			t.Errorf("item %q got content %q from a page that failed", items[i].Title, items[i].Content)
		}
	}
	if !errors.Is(errs[5], ErrNoPage) || !errors.Is(errs[6], ErrNoPage) {
		t.Errorf("unfollowable links: %v, %v; want ErrNoPage", errs[5], errs[6])
	}
}

func TestFollowStopsWhenCancelled(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	items := make([]attache.Item, 6)
	for i := range items {
		items[i].Link = fmt.Sprintf("%s/%d.html", srv.URL, i)
	}
	start := time.Now()
	errs := newTestFetcher(Options{}).Follow(ctx, attache.Feed{URL: srv.URL, HTML: statementsSpec(t, true)}, items)
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("a cancelled follow took %v", took)
	}
	for i, err := range errs {
		if err == nil {
			t.Errorf("item %d read although cancelled", i)
		}
	}
}
