package sockettest

import (
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

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
