// Package sockettest is a fake of Slack's Socket Mode for tests: it answers
// apps.connections.open with the ws:// URL of its own WebSocket endpoint,
// greets each connection with "hello", pings it, delivers slash commands,
// block actions and any other request in Slack's envelopes, and checks each
// acknowledgement: the envelope id echoed, within AckTimeout (Slack's 3
// seconds), under Slack's 20 KB. It can refuse connections, ask the client
// to reconnect ("disconnect") and drop the socket without a word.
//
// Mount it on slack-go's slacktest server (Bind), whose Web API methods the
// app calls on the same base URL, or run it alone (Start).
package sockettest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack/slacktest"
)

// Slack's limits on acknowledgements.
const (
	// MaxAckBytes is the size from which Slack drops an acknowledgement.
	MaxAckBytes = 20 * 1024
	// DefaultAckTimeout is how long Slack waits for one.
	DefaultAckTimeout = 3 * time.Second
)

// Paths the server answers on.
const (
	OpenPath   = "/apps.connections.open"
	SocketPath = "/socket-mode"
)

// Ack is an acknowledgement as the server received it.
type Ack struct {
	EnvelopeID string
	// Payload is the answer the app gave, if any (a command's reply).
	Payload json.RawMessage
	// Size is the message's size on the wire, in bytes.
	Size int
	// Latency is the time from sending the request to receiving this.
	Latency time.Duration
}

// Server is a fake Socket Mode endpoint. Its methods are safe for
// concurrent use.
type Server struct {
	// AckTimeout is how long Deliver waits; DefaultAckTimeout when zero.
	AckTimeout time.Duration
	// PingInterval is how often each connection is pinged; 500 ms when
	// zero. Slack's client takes a connection that is not pinged for dead.
	PingInterval time.Duration

	mu       sync.Mutex
	opens    int
	refuse   []string
	live     []*conn
	accepted int
	pending  map[string]chan Ack
	sent     map[string]time.Time
	problems []string
	changed  chan struct{} // closed and replaced whenever connections change
	nextID   int
	httpSrv  *httptest.Server
}

// New returns a Server; Bind or Start puts it on a network.
func New() *Server {
	return &Server{pending: map[string]chan Ack{}, sent: map[string]time.Time{}, changed: make(chan struct{})}
}

// Bind mounts the server's two endpoints on a slacktest server:
// slacktest.NewTestServer(fake.Bind).
func (s *Server) Bind(c slacktest.Customize) {
	c.Handle(OpenPath, s.open)
	c.Handle(SocketPath, s.socket)
}

// Start serves the two endpoints alone, on a random local port, and returns
// the Web API base URL to give the client.
func (s *Server) Start() string {
	mux := http.NewServeMux()
	mux.HandleFunc(OpenPath, s.open)
	mux.HandleFunc(SocketPath, s.socket)
	srv := httptest.NewServer(mux)
	s.mu.Lock()
	s.httpSrv = srv
	s.mu.Unlock()
	return srv.URL + "/"
}

// Close drops every connection, and stops the server that Start started.
func (s *Server) Close() {
	s.Drop()
	s.mu.Lock()
	srv := s.httpSrv
	s.mu.Unlock()
	if srv != nil {
		srv.Close()
	}
}

// Refuse makes the next opens fail, one per code given: "invalid_auth" is
// what Slack says to a revoked token, "internal_error" a passing failure.
func (s *Server) Refuse(codes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse = append(s.refuse, codes...)
}

// Opens counts the calls of apps.connections.open; Accepted counts the
// WebSocket connections made.
func (s *Server) Opens() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opens
}

// Accepted counts the WebSocket connections made so far.
func (s *Server) Accepted() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accepted
}

// Problems lists what the client did wrong: an acknowledgement of an
// unknown envelope, one too large, one too late, a message that is not
// JSON.
func (s *Server) Problems() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.problems...)
}

func (s *Server) problem(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.problems = append(s.problems, fmt.Sprintf(format, args...))
}

// WaitConnected waits until at least n connections have been accepted and
// one is live.
func (s *Server) WaitConnected(ctx context.Context, n int) error {
	for {
		s.mu.Lock()
		ok := s.accepted >= n && len(s.live) > 0
		ch := s.changed
		s.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("waiting for connection %d: %w", n, ctx.Err())
		}
	}
}

// notify wakes the waiters; s.mu must be held.
func (s *Server) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// open answers apps.connections.open: an app-level token gets the socket's
// URL, anything else Slack's error.
func (s *Server) open(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	s.mu.Lock()
	s.opens++
	var code string
	if len(s.refuse) > 0 {
		code, s.refuse = s.refuse[0], s.refuse[1:]
	}
	n := s.opens
	s.mu.Unlock()
	token := strings.TrimSpace(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer"))
	switch {
	case r.Method != http.MethodPost:
		code = "invalid_request"
	case token == "":
		code = "not_authed"
	case !strings.HasPrefix(token, "xapp-"):
		code = "not_allowed_token_type"
	}
	if code != "" {
		_ = json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": code})
		return
	}
	url := "ws://" + r.Host + SocketPath + "?ticket=" + strconv.Itoa(n)
	_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "url": url})
}
