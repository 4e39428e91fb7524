package slack_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack/slacktest"
)

// slowSlack is slack-go's fake Slack with chat.postMessage and
// conversations.history of our own: it takes every message, keeps it in the
// channel's history with its metadata, and answers the post after delay,
// as a Slack that accepts a message and answers after the sender gave up.
// historyError, when set, is conversations.history's refusal
// ("missing_scope"), and historyStatus its HTTP status when not 200. It
// answers no history request for a channel other than channelID.
type slowSlack struct {
	delay         time.Duration
	historyError  string
	historyStatus int

	mu      sync.Mutex
	history []slowMessage // oldest first
	looks   int
	oldest  []string // the oldest parameter of each history request
}

type slowMessage struct {
	TS       string          `json:"ts"`
	Type     string          `json:"type"`
	Text     string          `json:"text"`
	Metadata json.RawMessage `json:"metadata,omitempty"`
}

const channelID = "C0123456789"

// start runs the server until the test ends and returns its API URL.
func (s *slowSlack) start(t *testing.T) string {
	t.Helper()
	srv := slacktest.NewTestServer(func(c slacktest.Customize) {
		c.Handle("/chat.postMessage", s.post)
		c.Handle("/conversations.history", s.read)
	})
	srv.Start()
	t.Cleanup(srv.Stop)
	return srv.GetAPIURL()
}

func (s *slowSlack) post(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	// Slack's ts: seconds and microseconds, unique in the channel.
	now := time.Now()
	ts := fmt.Sprintf("%d.%06d", now.Unix(), now.Nanosecond()/1000)
	for len(s.history) > 0 && ts <= s.history[len(s.history)-1].TS {
		now = now.Add(time.Microsecond)
		ts = fmt.Sprintf("%d.%06d", now.Unix(), now.Nanosecond()/1000)
	}
	m := slowMessage{TS: ts, Type: "message", Text: r.PostForm.Get("text")}
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
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":%q}`, channelID, ts)
}

// read is conversations.history: newest first, from oldest on, a page of
// limit messages at a time with the index of the next as cursor.
func (s *slowSlack) read(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.looks++
	s.oldest = append(s.oldest, r.PostForm.Get("oldest"))
	if s.historyStatus != 0 {
		w.WriteHeader(s.historyStatus)
		return
	}
	if s.historyError != "" {
		fmt.Fprintf(w, `{"ok":false,"error":%q,"needed":"channels:history,groups:history","provided":"chat:write"}`, s.historyError)
		return
	}
	if r.PostForm.Get("channel") != channelID {
		fmt.Fprint(w, `{"ok":false,"error":"channel_not_found"}`)
		return
	}
	oldest, _ := strconv.ParseFloat(r.PostForm.Get("oldest"), 64)
	var msgs []slowMessage
	for _, m := range slices.Backward(s.history) {
		if ts, _ := strconv.ParseFloat(m.TS, 64); ts >= oldest {
			if r.PostForm.Get("include_all_metadata") != "1" && r.PostForm.Get("include_all_metadata") != "true" {
				m.Metadata = nil
			}
			msgs = append(msgs, m)
		}
	}
	limit, _ := strconv.Atoi(r.PostForm.Get("limit"))
	if limit <= 0 {
		limit = 100
	}
	from, _ := strconv.Atoi(r.PostForm.Get("cursor"))
	from = min(from, len(msgs))
	to := min(from+limit, len(msgs))
	next := ""
	if to < len(msgs) {
		next = strconv.Itoa(to)
	}
	out, _ := json.Marshal(map[string]any{
		"ok": true, "messages": msgs[from:to], "has_more": next != "",
		"response_metadata": map[string]string{"next_cursor": next},
	})
	w.Write(out)
}

// messages returns how many messages the channel got.
func (s *slowSlack) messages() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.history)
}

// seed adds a message posted at ts with metadata (none when empty) to the
// channel's history, as if sent earlier.
func (s *slowSlack) seed(ts time.Time, metadata string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := slowMessage{TS: fmt.Sprintf("%d.%06d", ts.Unix(), ts.Nanosecond()/1000), Type: "message", Text: "earlier"}
	if metadata != "" {
		m.Metadata = json.RawMessage(metadata)
	}
	s.history = append(s.history, m)
	slices.SortFunc(s.history, func(a, b slowMessage) int { return strings.Compare(a.TS, b.TS) })
}
