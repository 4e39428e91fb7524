package websub

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// testHub is a WebSub hub run in the test, over TLS: it takes subscription
// requests, verifies intent when the test says so, and publishes signed
// (or badly signed) content to its subscribers.
type testHub struct {
	srv  *httptest.Server
	mu   sync.Mutex
	reqs []url.Values // subscription requests, in order
	down bool         // answer 503 to every request
}

func newTestHub(t *testing.T) *testHub {
	h := &testHub{}
	h.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.down {
			http.Error(w, "hub down", http.StatusServiceUnavailable)
			return
		}
		if err := r.ParseForm(); err != nil || r.PostForm.Get("hub.callback") == "" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		h.reqs = append(h.reqs, r.PostForm)
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *testHub) last(t *testing.T) url.Values {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.reqs) == 0 {
		t.Fatal("the hub got no request")
	}
	return h.reqs[len(h.reqs)-1]
}

func (h *testHub) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.reqs)
}

// verify does what a hub does to verify a request: a GET to its callback
// with a challenge. It returns the status and whether the challenge came
// back.
func (h *testHub) verify(t *testing.T, req url.Values, mode, topic string, lease int) (int, bool) {
	t.Helper()
	q := url.Values{"hub.mode": {mode}, "hub.topic": {topic}, "hub.challenge": {"c-" + mode + "-42"}}
	if lease > 0 {
		q.Set("hub.lease_seconds", strconv.Itoa(lease))
	}
	resp, err := http.Get(req.Get("hub.callback") + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b) == "c-"+mode+"-42"
}

// deny tells the subscriber its request was refused.
func (h *testHub) deny(t *testing.T, req url.Values, reason string) int {
	t.Helper()
	q := url.Values{"hub.mode": {"denied"}, "hub.topic": {req.Get("hub.topic")}, "hub.reason": {reason}}
	resp, err := http.Get(req.Get("hub.callback") + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// publish posts body to a subscriber's callback with the given signature
// header (none when empty), and returns the status.
func publish(t *testing.T, callback, signature string, body []byte) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, callback, strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/atom+xml")
	if signature != "" {
		req.Header.Set("X-Hub-Signature", signature)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// clock is a test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fixture is a subscriber behind a real callback server, a hub, and what
// was delivered.
type fixture struct {
	hub       *testHub
	sub       *Subscriber
	clock     *clock
	mu        sync.Mutex
	delivered []Notification
	failWith  error
}

func newFixture(t *testing.T) *fixture {
	fx := &fixture{hub: newTestHub(t), clock: &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}}
	mux := http.NewServeMux()
	cb := httptest.NewServer(mux)
	t.Cleanup(cb.Close)
	sub, err := New(Options{
		CallbackURL: cb.URL + "/websub",
		Client:      fx.hub.srv.Client(),
		Lease:       10 * 24 * time.Hour,
		Now:         fx.clock.Now,
		Deliver: func(_ context.Context, n Notification) error {
			fx.mu.Lock()
			defer fx.mu.Unlock()
			if fx.failWith != nil {
				return fx.failWith
			}
			fx.delivered = append(fx.delivered, n)
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("/websub/", sub)
	fx.sub = sub
	return fx
}

func (fx *fixture) got() []Notification {
	fx.mu.Lock()
	defer fx.mu.Unlock()
	return append([]Notification(nil), fx.delivered...)
}

// subscribed subscribes feed and has the hub verify it with lease seconds.
func (fx *fixture) subscribed(t *testing.T, feed, topic string, lease int) url.Values {
	t.Helper()
	if err := fx.sub.Subscribe(context.Background(), feed, topic, fx.hub.srv.URL); err != nil {
		t.Fatal(err)
	}
	req := fx.hub.last(t)
	if code, echoed := fx.hub.verify(t, req, "subscribe", topic, lease); code != http.StatusOK || !echoed {
		t.Fatalf("verification of %q: status %d, challenge echoed %v", feed, code, echoed)
	}
	return req
}

var errStore = errors.New("store unavailable")
