package e2e

import (
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// answer is how the fake Slack treats one request.
type answer struct {
	status     int    // HTTP status; 0 means 200
	code       string // Slack error code for ok:false
	retryAfter string // Retry-After header of a 429
	delay      time.Duration
	drop       bool // accept the message, then close the connection unanswered
}

// fakeSlack answers chat.postMessage. Each request takes the next scripted
// answer, then the default one. It records the messages it accepted, and
// can hold requests until released. It is the one Slack of the suite.
type fakeSlack struct {
	mu       sync.Mutex
	held     chan struct{} // while set, requests wait for it to close
	holding  chan struct{} // closed when a request is held
	script   []answer
	fallback answer
	accepted []message
	updates  []string // blocks of each chat.update
	requests int
	ln       net.Listener
	srv      *http.Server
	addr     string
}

// message is one message Slack accepted: its fallback text and its blocks.
type message struct {
	Text, Blocks string
	At           time.Time
	ThreadTS     string // the message it replies to, if any
}

func newFakeSlack(t *testing.T) *fakeSlack {
	t.Helper()
	s := &fakeSlack{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	s.serve(ln)
	t.Cleanup(s.down)
	return s
}

func (s *fakeSlack) serve(ln net.Listener) {
	s.ln = ln
	s.srv = &http.Server{Handler: s}
	go s.srv.Serve(ln)
}

// url is the api_url of the fake.
func (s *fakeSlack) url() string { return "http://" + s.addr + "/api/" }

// down stops listening: connections are refused until up.
func (s *fakeSlack) down() {
	s.mu.Lock()
	srv := s.srv
	s.mu.Unlock()
	if srv != nil {
		srv.Close()
	}
}

// up listens again on the same address.
func (s *fakeSlack) up(t *testing.T) {
	t.Helper()
	var ln net.Listener
	var err error
	for range 50 {
		if ln, err = net.Listen("tcp", s.addr); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	s.serve(ln)
	s.mu.Unlock()
}

func (s *fakeSlack) then(as ...answer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script = append(s.script, as...)
}

func (s *fakeSlack) always(a answer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fallback = a
}

func (s *fakeSlack) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	if strings.HasSuffix(r.URL.Path, "/chat.update") {
		s.mu.Lock()
		s.updates = append(s.updates, r.PostForm.Get("blocks"))
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":%q}`, r.PostForm.Get("channel"), r.PostForm.Get("ts"))
		return
	}
	if strings.HasSuffix(r.URL.Path, "/conversations.history") {
		// A history without attaché's messages: what is looked for there
		// is not found, and the daemon acts as when it cannot be found.
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"ok":true,"messages":[],"has_more":false}`)
		return
	}
	s.mu.Lock()
	s.requests++
	a := s.fallback
	if len(s.script) > 0 {
		a, s.script = s.script[0], s.script[1:]
	}
	held, holding := s.held, s.holding
	if holding != nil {
		close(holding)
		s.holding = nil
	}
	s.mu.Unlock()
	if held != nil {
		select {
		case <-held:
		case <-r.Context().Done():
			return
		}
	}
	if a.delay > 0 {
		select {
		case <-time.After(a.delay):
		case <-r.Context().Done():
			return
		}
	}
	msg := message{Text: r.PostForm.Get("text"), Blocks: r.PostForm.Get("blocks"), At: time.Now(), ThreadTS: r.PostForm.Get("thread_ts")}
	switch {
	case a.drop:
		s.record(msg)
		if hj, ok := w.(http.Hijacker); ok {
			conn, _, err := hj.Hijack()
			if err == nil {
				conn.Close()
			}
		}
	case a.status == http.StatusTooManyRequests:
		if a.retryAfter != "" {
			w.Header().Set("Retry-After", a.retryAfter)
		}
		w.WriteHeader(a.status)
		fmt.Fprint(w, `{"ok":false,"error":"ratelimited"}`)
	case a.status != 0:
		w.WriteHeader(a.status)
		fmt.Fprint(w, "upstream trouble")
	case a.code != "":
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"ok":false,"error":%q}`, a.code)
	default:
		s.record(msg)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"ok":true,"channel":"C1","ts":"1.000"}`)
	}
}

func (s *fakeSlack) record(m message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.accepted = append(s.accepted, m)
}

// received counts, for each id, the accepted messages that name its item,
// in their text or their blocks (summaries list titles in blocks only).
func (s *fakeSlack) received(ids ...string) map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	got := map[string]int{}
	for _, m := range s.accepted {
		for _, id := range ids {
			if strings.Contains(m.Text, title(id)) || strings.Contains(m.Blocks, title(id)) {
				got[id]++
			}
		}
	}
	return got
}

// hold makes requests wait until release; the channel it returns is
// closed when the first of them arrives.
func (s *fakeSlack) hold() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.held, s.holding = make(chan struct{}), make(chan struct{})
	return s.holding
}

// release lets the held requests go on.
func (s *fakeSlack) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.held != nil {
		close(s.held)
		s.held = nil
	}
}

// messages returns the text of every accepted message.
func (s *fakeSlack) messages() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, len(s.accepted))
	for i, m := range s.accepted {
		out[i] = m.Text
	}
	return out
}

// all returns every accepted message.
func (s *fakeSlack) all() []message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]message(nil), s.accepted...)
}

// times returns when each accepted message arrived, in order.
func (s *fakeSlack) times() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]time.Time, len(s.accepted))
	for i, m := range s.accepted {
		out[i] = m.At
	}
	return out
}

func (s *fakeSlack) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.accepted)
}
