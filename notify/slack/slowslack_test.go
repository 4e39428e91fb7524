package slack_test

import (
	"context"
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

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/notify"
	"github.com/attache-dev/attache/notify/slack"
	"github.com/attache-dev/attache/store/sqlite"
)

// slowSlack is slack-go's fake Slack with chat.postMessage and
// conversations.history of our own: it takes every message, keeps it in the
// channel's history with its metadata, and answers the post after delay,
// as a Slack that accepts a message and answers after the sender gave up.
// historyError, when set, is conversations.history's refusal
// ("missing_scope"), and historyStatus its HTTP status when not 200. It
// answers no history request for a channel other than channelID.
type slowSlack struct {
	updates       []string // blocks of each chat.update
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
	ThreadTS string          `json:"thread_ts,omitempty"`
	Blocks   json.RawMessage `json:"blocks,omitempty"`
}

const channelID = "C0123456789"

// start runs the server until the test ends and returns its API URL.
func (s *slowSlack) start(t *testing.T) string {
	t.Helper()
	srv := slacktest.NewTestServer(func(c slacktest.Customize) {
		c.Handle("/chat.postMessage", s.post)
		c.Handle("/conversations.history", s.read)
		c.Handle("/chat.update", s.update)
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
	m := slowMessage{TS: ts, Type: "message", Text: r.PostForm.Get("text"), ThreadTS: r.PostForm.Get("thread_ts")}
	if md := r.PostForm.Get("metadata"); md != "" {
		m.Metadata = json.RawMessage(md)
	}
	if bl := r.PostForm.Get("blocks"); bl != "" {
		m.Blocks = json.RawMessage(bl)
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

// update is chat.update: it records the new blocks.
func (s *slowSlack) update(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	s.mu.Lock()
	s.updates = append(s.updates, r.PostForm.Get("ts")+" "+r.PostForm.Get("blocks"))
	for i := range s.history {
		if s.history[i].TS == r.PostForm.Get("ts") { // the channel shows the message as updated
			s.history[i].Blocks = json.RawMessage(r.PostForm.Get("blocks"))
		}
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":%q}`, channelID, r.PostForm.Get("ts"))
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

// The scale of the slow-Slack tests: the dispatcher's defaults divided by
// 100 (a 30 s send timeout becomes 300 ms, 5.5 minutes 3.3 s), so that a
// test of what happens over minutes takes seconds.
const (
	scaledTimeout = 300 * time.Millisecond
	scaledAnswer  = 2 * scaledTimeout // when the slow Slack answers
)

func scaledOptions(maxAge time.Duration) notify.Options {
	return notify.Options{
		SendTimeout:  scaledTimeout,
		Backoff:      notify.Backoff{Base: 20 * time.Millisecond, Max: 6 * time.Second, Jitter: 0.2},
		MaxAge:       maxAge,
		PollInterval: 50 * time.Millisecond,
	}
}

// runUntilSettled runs the dispatcher until every alert queued is
// delivered or dead, or limit has passed, and returns them by id.
func runUntilSettled(t *testing.T, st *sqlite.Store, d *notify.Dispatcher, limit time.Duration) map[string]attache.Alert {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), limit)
	defer cancel()
	if err := d.Start(ctx); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	for {
		all, err := st.Alerts(context.WithoutCancel(ctx), 100)
		if err != nil {
			t.Fatal(err)
		}
		byID := make(map[string]attache.Alert)
		settled := 0
		for _, a := range all {
			byID[a.ID] = a
			if a.Status == attache.AlertDelivered || a.Status == attache.AlertDead {
				settled++
			}
		}
		if settled == len(all) {
			return byID
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%d of %d alerts neither delivered nor dead after %v", len(all)-settled, len(all), limit)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// newDispatcher makes a dispatcher at the scale of these tests.
func newDispatcher(t *testing.T, st *sqlite.Store, n notify.Notifier, opts notify.Options) *notify.Dispatcher {
	t.Helper()
	d, err := notify.NewDispatcher(st, map[string]notify.Notifier{"slack": n}, opts)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// newBot makes a bot for the fake Slack at url; client nil is a plain one.
func newBot(t *testing.T, url string, client *http.Client) *slack.Bot {
	t.Helper()
	if client == nil {
		client = &http.Client{}
	}
	bot, err := slack.NewBot(slack.BotOptions{Token: "xoxb-test", Channel: channelID, APIURL: url, HTTPClient: client})
	if err != nil {
		t.Fatal(err)
	}
	return bot
}

// TestASlowSlackGetsOneMessage is the slow-accepting Slack. It uses nothing
// newer than the dispatcher and the bot themselves, so that this file run
// against an older tree measures what that tree did.: it takes the
// message and answers after the send timeout. Over 5.5 minutes (scaled),
// sending again on every timeout made 6 or 7 messages of one alert; it must
// make one.
func TestASlowSlackGetsOneMessage(t *testing.T) {
	fake := &slowSlack{delay: scaledAnswer}
	url := fake.start(t)
	st := queueAlerts(t, 1)
	d := newDispatcher(t, st, newBot(t, url, nil), scaledOptions(3300*time.Millisecond))
	a := runUntilSettled(t, st, d, time.Minute)["a0"]
	t.Logf("one alert, a Slack answering after %v to a send timeout of %v: %d messages; alert %s after %d attempts (%s)",
		scaledAnswer, scaledTimeout, fake.messages(), a.Status, a.Attempts, a.LastError)
	if got := fake.messages(); got != 1 || a.Status != attache.AlertDelivered {
		t.Errorf("%d messages, alert %s; want 1 message, delivered", got, a.Status)
	}
	if fake.looks != 1 {
		t.Errorf("the channel was read %d times, want once", fake.looks)
	}
}
