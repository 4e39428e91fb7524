package sockettest

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// open calls apps.connections.open with token and returns Slack's answer.
func open(t *testing.T, api, token string) (ok bool, url, code string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, api+"apps.connections.open", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var v struct {
		OK    bool   `json:"ok"`
		URL   string `json:"url"`
		Error string `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v.OK, v.URL, v.Error
}

// client is a hand-written Socket Mode client that acknowledges as a test
// tells it to.
func client(t *testing.T, s *Server, api string, ack func(c *websocket.Conn, envelopeID string)) {
	t.Helper()
	ok, url, code := open(t, api, "xapp-1-A0-1-x")
	if !ok {
		t.Fatalf("open: %s", code)
	}
	c, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	var hello struct{ Type string }
	if err := c.ReadJSON(&hello); err != nil || hello.Type != "hello" {
		t.Fatalf("first message %+v, %v", hello, err)
	}
	go func() {
		for {
			var env struct {
				EnvelopeID string `json:"envelope_id"`
				Type       string `json:"type"`
			}
			if c.ReadJSON(&env) != nil {
				return
			}
			ack(c, env.EnvelopeID)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.WaitConnected(ctx, 1); err != nil {
		t.Fatal(err)
	}
}

func TestOpenChecksTheToken(t *testing.T) {
	s := New()
	api := s.Start()
	defer s.Close()
	cases := map[string]string{"": "not_authed", "xoxb-1-2": "not_allowed_token_type"}
	for token, want := range cases {
		if ok, _, code := open(t, api, token); ok || code != want {
			t.Errorf("token %q: ok %v, code %q, want %q", token, ok, code, want)
		}
	}
	s.Refuse("invalid_auth")
	if ok, _, code := open(t, api, "xapp-1"); ok || code != "invalid_auth" {
		t.Errorf("refused: ok %v, code %q", ok, code)
	}
	if ok, url, _ := open(t, api, "xapp-1"); !ok || !strings.HasPrefix(url, "ws://") {
		t.Errorf("accepted: ok %v, url %q", ok, url)
	}
	if s.Opens() != 4 {
		t.Errorf("%d opens counted", s.Opens())
	}
}

func TestDeliverChecksTheAck(t *testing.T) {
	cases := []struct {
		name    string
		ack     func(c *websocket.Conn, id string)
		fails   string
		problem string
	}{
		{"a prompt acknowledgement passes", func(c *websocket.Conn, id string) {
			_ = c.WriteJSON(map[string]any{"envelope_id": id, "payload": map[string]string{"text": "hi"}})
		}, "", ""},
		{"no acknowledgement fails", func(*websocket.Conn, string) {}, "no acknowledgement", ""},
		{"a late acknowledgement fails and is reported", func(c *websocket.Conn, id string) {
			time.Sleep(400 * time.Millisecond)
			_ = c.WriteJSON(map[string]any{"envelope_id": id})
		}, "no acknowledgement", "after"},
		{"an acknowledgement of 20 KB fails", func(c *websocket.Conn, id string) {
			_ = c.WriteJSON(map[string]any{"envelope_id": id, "payload": map[string]string{"text": strings.Repeat("x", MaxAckBytes)}})
		}, "which Slack drops", ""},
		{"another envelope's id is reported", func(c *websocket.Conn, id string) {
			_ = c.WriteJSON(map[string]any{"envelope_id": id + "x"})
		}, "no acknowledgement", "unknown envelope"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := New()
			s.AckTimeout = 200 * time.Millisecond
			api := s.Start()
			defer s.Close()
			client(t, s, api, c.ack)
			ack, err := s.Deliver(context.Background(), "slash_commands", map[string]string{"text": "status"})
			if c.fails == "" && (err != nil || !strings.Contains(string(ack.Payload), `"hi"`)) {
				t.Errorf("got %+v, %v", ack, err)
			}
			if c.fails != "" && (err == nil || !strings.Contains(err.Error(), c.fails)) {
				t.Errorf("got %v, want an error saying %q", err, c.fails)
			}
			time.Sleep(400 * time.Millisecond) // for a late acknowledgement to come in
			p := strings.Join(s.Problems(), "\n")
			if (c.problem == "") != (p == "") || !strings.Contains(p, c.problem) {
				t.Errorf("problems %q, want %q", p, c.problem)
			}
		})
	}
}
