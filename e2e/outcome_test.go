package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// slowSlack is a Slack that takes every message into its channel's history
// and answers the post only after delay: longer than attaché's send
// timeout (30 s), it is a Slack that accepts a message and answers after
// the sender gave up. It serves conversations.history with the messages'
// metadata, as Slack does for a token with channels:history.
type slowSlack struct {
	delay time.Duration

	mu      sync.Mutex
	history []slowMessage
	reads   int
}

type slowMessage struct {
	TS       string          `json:"ts"`
	Type     string          `json:"type"`
	Text     string          `json:"text"`
	Blocks   string          `json:"-"`
	Metadata json.RawMessage `json:"metadata,omitempty"`
}

func newSlowSlack(t *testing.T, delay time.Duration) (*slowSlack, string) {
	t.Helper()
	s := &slowSlack{delay: delay}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv.URL + "/api/"
}

func (s *slowSlack) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	switch r.URL.Path {
	case "/api/chat.postMessage":
		s.mu.Lock()
		now := time.Now()
		m := slowMessage{TS: fmt.Sprintf("%d.%06d", now.Unix(), len(s.history)), Type: "message",
			Text: r.PostForm.Get("text"), Blocks: r.PostForm.Get("blocks")}
		if md := r.PostForm.Get("metadata"); md != "" {
			m.Metadata = json.RawMessage(md)
		}
		s.history = append(s.history, m)
		s.mu.Unlock()
		select {
		case <-time.After(s.delay):
		case <-r.Context().Done(): // the sender gave up; the message stays
			return
		}
		fmt.Fprintf(w, `{"ok":true,"channel":"C0123456789","ts":%q}`, m.TS)
	case "/api/conversations.history":
		s.mu.Lock()
		defer s.mu.Unlock()
		s.reads++
		msgs := slices.Clone(s.history)
		slices.Reverse(msgs) // newest first
		out, _ := json.Marshal(map[string]any{"ok": true, "messages": msgs, "has_more": false})
		w.Write(out)
	default:
		http.NotFound(w, r)
	}
}

// posted counts the messages that name item id.
func (s *slowSlack) posted(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, m := range s.history {
		if strings.Contains(m.Text, title(id)) || strings.Contains(m.Blocks, title(id)) {
			n++
		}
	}
	return n
}

// TestASlackThatAnswersAfterTheTimeoutGetsOneMessage: the message arrives,
// the answer comes after the send timeout. Sending again on every timeout
// made a message every half minute; attaché must look for it in the
// channel and find it there.
func TestASlackThatAnswersAfterTheTimeoutGetsOneMessage(t *testing.T) {
	t.Parallel()
	s := newSite(t, 20)
	slow, url := newSlowSlack(t, 35*time.Second)
	s.writeConfig(configText(s.url, url, 20, nil))
	s.baseline()
	s.feeds.set("news", news("late"))
	d := s.start()
	eventually(t, 3*time.Minute, "the alert found in the channel, or sent again", func() bool {
		return strings.Contains(d.stderr.String(), "alert found at the destination") || slow.posted("late") > 1
	})
	time.Sleep(3 * time.Second) // room for a wrong extra send
	d.stop(t)
	if n := slow.posted("late"); n != 1 {
		t.Fatalf("Slack got %d messages of the alert, want 1\n%s", n, d.stderr.String())
	}
	slow.mu.Lock()
	defer slow.mu.Unlock()
	if slow.reads == 0 {
		t.Errorf("the channel was never read")
	}
}
