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
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
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
	token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
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

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

// socket takes a WebSocket connection: hello, pings, and the reading of
// acknowledgements until it closes.
func (s *Server) socket(w http.ResponseWriter, r *http.Request) {
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		s.problem("upgrade: %v", err)
		return
	}
	c := &conn{ws: ws, done: make(chan struct{})}
	hello := `{"type":"hello","num_connections":1,"debug_info":{"host":"sockettest","build_number":1,"approximate_connection_time":18060},"connection_info":{"app_id":"A0SOCKTEST"}}`
	if err := c.write([]byte(hello)); err != nil {
		_ = ws.Close()
		return
	}
	s.mu.Lock()
	s.live = append(s.live, c)
	s.accepted++
	s.notify()
	s.mu.Unlock()
	go s.ping(c)
	s.read(c)
	close(c.done)
	_ = ws.Close()
	s.mu.Lock()
	for i, x := range s.live {
		if x == c {
			s.live = append(s.live[:i], s.live[i+1:]...)
			break
		}
	}
	s.notify()
	s.mu.Unlock()
}

func (s *Server) ping(c *conn) {
	every := s.PingInterval
	if every <= 0 {
		every = 500 * time.Millisecond
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-c.done:
			return
		case <-t.C:
			if c.ws.WriteControl(websocket.PingMessage, []byte("ping"), time.Now().Add(time.Second)) != nil {
				return
			}
		}
	}
}

// read takes acknowledgements until the connection fails.
func (s *Server) read(c *conn) {
	for {
		_, msg, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		at := time.Now()
		var ack struct {
			EnvelopeID string          `json:"envelope_id"`
			Payload    json.RawMessage `json:"payload"`
		}
		if err := json.Unmarshal(msg, &ack); err != nil || ack.EnvelopeID == "" {
			s.problem("not an acknowledgement: %.200q", msg)
			continue
		}
		s.mu.Lock()
		ch, ok := s.pending[ack.EnvelopeID]
		sent, known := s.sent[ack.EnvelopeID]
		delete(s.pending, ack.EnvelopeID)
		s.mu.Unlock()
		if !known {
			s.problem("acknowledgement of unknown envelope %q", ack.EnvelopeID)
			continue
		}
		if !ok {
			s.problem("acknowledgement of envelope %q after %v, or twice", ack.EnvelopeID, at.Sub(sent))
			continue
		}
		ch <- Ack{EnvelopeID: ack.EnvelopeID, Payload: ack.Payload, Size: len(msg), Latency: at.Sub(sent)}
	}
}

// conn is one WebSocket connection; writes are serialised, as gorilla
// requires.
type conn struct {
	mu   sync.Mutex
	ws   *websocket.Conn
	done chan struct{}
}

func (c *conn) write(msg []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return c.ws.WriteMessage(websocket.TextMessage, msg)
}

// current is the connection requests go to: the newest live one.
func (s *Server) current() (*conn, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.live) == 0 {
		return nil, errors.New("sockettest: no live connection")
	}
	return s.live[len(s.live)-1], nil
}
