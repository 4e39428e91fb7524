package interact

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slacktest"

	"github.com/attache-dev/attache/notify/slack/interact/sockettest"
)

// Tokens, channels and people of the tests.
const (
	appToken = "xapp-1-A0SOCKTEST-1-SECRETAPPTOKEN"
	botToken = "xoxb-1111-2222-SECRETBOTTOKEN"
	channel  = "C0ALERTS"
	other    = "C0OTHER"
	anna     = "U0ANNA"  // a member of the alerts' channel
	boris    = "U0BORIS" // another member
	eve      = "U0EVE"   // a member of no channel of ours
	admin    = "U0ADMIN" // an admin, in no channel
)

// webAPI is the part of Slack's Web API the app calls, recorded, on top of
// slack-go's slacktest server.
type webAPI struct {
	mu          sync.Mutex
	members     map[string][]string
	memberCalls int
	membersFail bool
	updateFail  bool
	updates     []update
	ephemerals  []posted
	responses   []posted
}

type update struct {
	Channel, TS, Text string
	Blocks            []map[string]any
}

type posted struct {
	Channel, User, Text, ResponseType string
}

func (w *webAPI) bind(c slacktest.Customize) {
	c.Handle("/conversations.members", w.conversationsMembers)
	c.Handle("/chat.update", w.chatUpdate)
	c.Handle("/chat.postEphemeral", w.chatPostEphemeral)
	c.Handle("/response/", w.responseURL)
}

func answer(rw http.ResponseWriter, v any) {
	rw.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(rw).Encode(v)
}

// conversationsMembers answers two members a page, so that paging is used.
func (w *webAPI) conversationsMembers(rw http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	w.mu.Lock()
	defer w.mu.Unlock()
	w.memberCalls++
	if w.membersFail {
		answer(rw, map[string]any{"ok": false, "error": "ratelimited"})
		return
	}
	if r.FormValue("token") != botToken {
		answer(rw, map[string]any{"ok": false, "error": "invalid_auth"})
		return
	}
	all, ok := w.members[r.FormValue("channel")]
	if !ok {
		answer(rw, map[string]any{"ok": false, "error": "channel_not_found"})
		return
	}
	start := 0
	if c := r.FormValue("cursor"); c != "" {
		start = len(c) // the cursor is as many x as members already given
	}
	end := min(start+2, len(all))
	next := ""
	if end < len(all) {
		next = strings.Repeat("x", end)
	}
	answer(rw, map[string]any{"ok": true, "members": all[start:end], "response_metadata": map[string]any{"next_cursor": next}})
}

func (w *webAPI) chatUpdate(rw http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.updateFail {
		answer(rw, map[string]any{"ok": false, "error": "message_not_found"})
		return
	}
	u := update{Channel: r.FormValue("channel"), TS: r.FormValue("ts"), Text: r.FormValue("text")}
	if err := json.Unmarshal([]byte(r.FormValue("blocks")), &u.Blocks); err != nil {
		answer(rw, map[string]any{"ok": false, "error": "invalid_blocks"})
		return
	}
	w.updates = append(w.updates, u)
	answer(rw, map[string]any{"ok": true, "channel": u.Channel, "ts": u.TS, "text": u.Text})
}

func (w *webAPI) chatPostEphemeral(rw http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	w.mu.Lock()
	defer w.mu.Unlock()
	if r.FormValue("channel") == other {
		answer(rw, map[string]any{"ok": false, "error": "channel_not_found"})
		return
	}
	w.ephemerals = append(w.ephemerals, posted{Channel: r.FormValue("channel"), User: r.FormValue("user"), Text: r.FormValue("text")})
	answer(rw, map[string]any{"ok": true, "message_ts": "1700000001.000200"})
}

func (w *webAPI) responseURL(rw http.ResponseWriter, r *http.Request) {
	var m slack.WebhookMessage
	if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
		http.Error(rw, "bad json", http.StatusBadRequest)
		return
	}
	w.mu.Lock()
	w.responses = append(w.responses, posted{Text: m.Text, ResponseType: m.ResponseType})
	w.mu.Unlock()
	_, _ = io.WriteString(rw, "ok")
}

func (w *webAPI) get() (updates []update, ephemerals, responses []posted, memberCalls int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]update(nil), w.updates...), append([]posted(nil), w.ephemerals...),
		append([]posted(nil), w.responses...), w.memberCalls
}

// logs collects the app's log lines.
type logs struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// harness is an App connected to a fake Socket Mode server and a fake Web
// API, with an in-memory daemon and a clock of its own.
type harness struct {
	t      *testing.T
	sock   *sockettest.Server
	web    *webAPI
	api    *slacktest.Server
	d      *daemon
	clock  *clock
	app    *App
	logs   *logs
	ran    chan error
	cancel context.CancelFunc
}

var t0 = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

func newHarness(t *testing.T, change ...func(*Options)) *harness {
	t.Helper()
	h := &harness{
		t:     t,
		sock:  sockettest.New(),
		web:   &webAPI{members: map[string][]string{channel: {boris, "U0CAROL", anna}, other: {"U0DAN"}}},
		d:     &daemon{rules: []Rule{{Name: "nato-west", Description: "NATO near the western borders"}, {Name: "csto"}}, status: Status{Sources: []Source{{Name: "kremlin-en"}, {Name: "mid-ru"}}}},
		clock: &clock{t: t0},
		logs:  &logs{},
		ran:   make(chan error, 1),
	}
	h.sock.PingInterval = 200 * time.Millisecond
	h.api = slacktest.NewTestServer(h.sock.Bind, h.web.bind)
	h.api.Start()
	t.Cleanup(h.api.Stop)
	o := Options{
		AppToken: appToken, BotToken: botToken, Channels: []string{channel}, Admins: []string{admin},
		APIURL: h.api.GetAPIURL(), Logger: slog.New(slog.NewJSONHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Now: h.clock.Now, Mutes: h.d, Feedback: h.d, Inspector: h.d, Backtester: h.d,
		RetryMin: 20 * time.Millisecond, RetryMax: 100 * time.Millisecond,
	}
	for _, c := range change {
		c(&o)
	}
	app, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	h.app = app
	return h
}

// start runs the app and waits until it is connected.
func (h *harness) start() *harness {
	h.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	go func() { h.ran <- h.app.Run(ctx) }()
	h.t.Cleanup(h.stop)
	h.waitConnected(1)
	return h
}

func (h *harness) stop() {
	if h.cancel == nil {
		return
	}
	h.cancel()
	h.cancel = nil
	select {
	case <-h.ran:
	case <-time.After(10 * time.Second):
		h.t.Error("Run did not return within 10 s of its context's end")
	}
	h.sock.Close()
	for _, p := range h.sock.Problems() {
		h.t.Errorf("socket mode protocol: %s", p)
	}
	if s := h.logs.String(); strings.Contains(s, "SECRET") {
		h.t.Errorf("a token is in the logs:\n%s", s)
	}
}

func (h *harness) waitConnected(n int) {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.sock.WaitConnected(ctx, n); err != nil {
		h.t.Fatal(err)
	}
	h.eventually("the app says it is connected", func() bool {
		s := h.app.Status()
		return s.State == StateConnected && s.Connects >= n
	})
}

// eventually waits, up to 10 seconds, for cond.
func (h *harness) eventually(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			h.t.Fatalf("after 10 s, still not: %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
