package e2e

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attache-dev/attache/source/websub"
)

// hubFeed serves an Atom feed that names its hub and itself, with entries
// the test sets.
type hubFeed struct {
	mu      sync.Mutex
	hub     string
	entries []string // ids
}

func (f *hubFeed) atom(self string, ids []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>MFA</title><id>urn:mfa</id><updated>2026-12-03T10:00:00Z</updated>`+
		`<link rel="hub" href="%s"/><link rel="self" href="%s"/>`, f.hub, self)
	for _, id := range ids {
		fmt.Fprintf(&b, `<entry><id>urn:%s</id><title>%s</title><link href="https://example.org/%s"/><updated>2026-12-03T10:00:00Z</updated><summary>NATO at the borders.</summary></entry>`, id, title(id), id)
	}
	b.WriteString(`</feed>`)
	return b.String()
}

func (f *hubFeed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/atom+xml")
	fmt.Fprint(w, f.atom("http://"+r.Host+r.URL.Path, f.entries))
}

// hub is a WebSub hub run in the test: it records subscription requests
// and verifies each at once, as a hub does.
type hub struct {
	mu       sync.Mutex
	requests []url.Values
	verified chan url.Values
}

func (h *hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad", 400)
		return
	}
	req := r.PostForm
	h.mu.Lock()
	h.requests = append(h.requests, req)
	h.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
	go func() {
		q := url.Values{"hub.mode": {"subscribe"}, "hub.topic": {req.Get("hub.topic")}, "hub.challenge": {"challenge-7"}, "hub.lease_seconds": {"864000"}}
		resp, err := http.Get(req.Get("hub.callback") + "?" + q.Encode())
		if err != nil {
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == 200 && string(b) == "challenge-7" {
			h.verified <- req
		}
	}()
}

// push posts content to a subscriber as the hub does, signed with secret
// (unsigned when secret is empty), and returns the status.
func push(t *testing.T, callback, secret string, body string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, callback, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/atom+xml")
	if secret != "" {
		req.Header.Set("X-Hub-Signature", websub.Sign("sha256", secret, []byte(body)))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// freePort returns a loopback address nothing listens on, for a daemon
// whose callback URL must be known before it starts.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestAHubPushesAStatementWithinSeconds: a feed polled only hourly names a
// hub; the daemon subscribes with a secret and answers the hub's
// challenge; a signed push of a new statement is alerted at once, an
// unsigned or wrongly signed one is refused and alerts nothing, and a push
// of what was already recorded alerts nothing again.
func TestAHubPushesAStatementWithinSeconds(t *testing.T) {
	t.Parallel()
	s := newSite(t, 20)
	h := &hub{verified: make(chan url.Values, 4)}
	hubSrv := httptest.NewServer(h)
	t.Cleanup(hubSrv.Close)
	feed := &hubFeed{hub: hubSrv.URL, entries: []string{"old"}}
	feedSrv := httptest.NewServer(feed)
	t.Cleanup(feedSrv.Close)
	listen := freePort(t)

	cfg := configText(s.url, s.slack.url(), 20, nil)
	cfg = strings.Replace(cfg, `schedule: "@every 1s"`, `schedule: "@every 1h"`, 1)
	cfg = strings.Replace(cfg, "feeds:\n  - {name: news, url: \""+s.url+"/news\"}\n",
		fmt.Sprintf("websub: {callback_url: \"http://%s/websub\", allow_insecure_hub: true}\nfeeds:\n  - {name: mfa, url: \"%s/atom\"}\n", listen, feedSrv.URL), 1)
	s.writeConfig(cfg)
	d := s.start("--listen", listen)
	var sub url.Values
	select {
	case sub = <-h.verified:
	case <-time.After(20 * time.Second):
		t.Fatalf("the hub's challenge was never answered:\n%s", d.stderr.String())
	}
	if sub.Get("hub.topic") != feedSrv.URL+"/atom" || sub.Get("hub.secret") == "" || sub.Get("hub.mode") != "subscribe" {
		t.Fatalf("subscription request %v: want the feed's self URL as topic and a secret", sub)
	}
	waitFor(t, d.stderr, `msg="first poll`)
	callback, secret := sub.Get("hub.callback"), sub.Get("hub.secret")

	forged := feed.atom(feedSrv.URL+"/atom", []string{"forged", "old"})
	if code := push(t, callback, "", forged); code != http.StatusForbidden {
		t.Errorf("an unsigned push got %d, want 403", code)
	}
	if code := push(t, callback, "not-the-secret", forged); code != http.StatusForbidden {
		t.Errorf("a push signed with another secret got %d, want 403", code)
	}
	pushed := time.Now()
	if code := push(t, callback, secret, feed.atom(feedSrv.URL+"/atom", []string{"pushed"})); code != http.StatusNoContent {
		t.Fatalf("a signed push got %d, want 204:\n%s", code, d.stderr.String())
	}
	eventually(t, 10*time.Second, "the pushed statement's alert", func() bool { return s.slack.received("pushed")["pushed"] == 1 })
	t.Logf("alerted %v after the push", time.Since(pushed).Round(10*time.Millisecond))
	if code := push(t, callback, secret, feed.atom(feedSrv.URL+"/atom", []string{"pushed"})); code != http.StatusNoContent {
		t.Errorf("a repeated push got %d", code)
	}
	d.stop(t)
	if got := s.slack.received("pushed", "forged"); got["pushed"] != 1 || got["forged"] != 0 {
		t.Errorf("Slack got %v: want the pushed statement once and the forged one never", got)
	}
}
