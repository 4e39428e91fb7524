package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	attacheslack "github.com/attache-dev/attache/notify/slack"
	"github.com/attache-dev/attache/notify/slack/interact/sockettest"
)

// slackWithApp is the suite's fake Slack with what an app on Socket Mode
// needs besides: apps.connections.open and the socket (sockettest), the
// channel's members, and chat.update, recorded apart from the messages.
type slackWithApp struct {
	*fakeSlack
	sock    *sockettest.Server
	srv     *httptest.Server
	mu      sync.Mutex
	updates []string
}

type muxCustomize struct{ *http.ServeMux }

func (m muxCustomize) Handle(pattern string, h http.HandlerFunc) { m.ServeMux.HandleFunc(pattern, h) }

func newSlackWithApp(t *testing.T, members ...string) *slackWithApp {
	s := &slackWithApp{fakeSlack: newFakeSlack(t), sock: sockettest.New()}
	mux := http.NewServeMux()
	s.sock.Bind(muxCustomize{mux}) // /apps.connections.open, /socket-mode
	api := http.NewServeMux()
	api.HandleFunc("/api/apps.connections.open", func(w http.ResponseWriter, r *http.Request) {
		r.URL.Path = sockettest.OpenPath
		mux.ServeHTTP(w, r)
	})
	api.HandleFunc("/api/conversations.members", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"ok": true, "members": members, "response_metadata": map[string]any{"next_cursor": ""}})
	})
	api.HandleFunc("/api/chat.update", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		s.mu.Lock()
		s.updates = append(s.updates, r.PostForm.Get("text")+" "+r.PostForm.Get("blocks"))
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"ok": true, "channel": r.PostForm.Get("channel"), "ts": r.PostForm.Get("ts")})
	})
	api.HandleFunc("/api/chat.postEphemeral", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"ok": true, "message_ts": "1.2"})
	})
	api.Handle(sockettest.SocketPath, mux)
	api.Handle("/", s.fakeSlack)
	s.srv = httptest.NewServer(api)
	t.Cleanup(func() { s.sock.Close(); s.srv.Close() })
	return s
}

func (s *slackWithApp) apiURL() string { return s.srv.URL + "/api/" }

func (s *slackWithApp) updated() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.updates...)
}

// TestMuteAndFeedbackFromSlack: an analyst in the channel mutes the rule from an
// alert's menu; the message says who muted it; the next matching statement
// is recorded as muted and never sent, also after a restart; someone not
// in the channel cannot unmute it; /attache unmute by the analyst ends the
// mute, and the statement after that is sent. The muted one is never sent
// late. A click on Useful shows in attache rules stats.
func TestMuteAndFeedbackFromSlack(t *testing.T) {
	t.Parallel()
	s := newSite(t, 20)
	sl := newSlackWithApp(t, "U0ANALYST")
	s.slack = sl.fakeSlack
	cfg := configText(s.url, sl.apiURL(), 20, nil)
	s.writeConfig(cfg)
	s.baseline()
	s.writeConfig(strings.Replace(cfg, "    burst_limit: 20\n", "    burst_limit: 20\n    app_token: ${SLACK_APP_TOKEN}\n", 1))
	env := []string{"SLACK_BOT_TOKEN=xoxb-e2e", "SLACK_APP_TOKEN=xapp-e2e"}
	d := startIn(t, s.dir, env)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := sl.sock.WaitConnected(ctx, 1); err != nil {
		t.Fatalf("the app never connected: %v\n%s", err, d.stderr.String())
	}

	s.feeds.set("news", news("first"))
	eventually(t, 20*time.Second, "the first alert", func() bool { return s.slack.received("first")["first"] == 1 })
	s.slack.mu.Lock()
	blocks := s.slack.accepted[0].Blocks
	s.slack.mu.Unlock()
	if !strings.Contains(blocks, attacheslack.ActionMuteRule) {
		t.Fatalf("the alert carries no mute menu: %s", blocks)
	}
	mute := attacheslack.ActionValue{Rules: []string{"nato"}, For: 24 * time.Hour}.Encode()
	var bl slack.Blocks
	if err := json.Unmarshal([]byte(blocks), &bl); err != nil {
		t.Fatal(err)
	}
	msg, err := sockettest.MessageJSON("1.000", "alert", bl.BlockSet)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sl.sock.Click(ctx, sockettest.BlockActions{UserID: "U0ANALYST", ChannelID: "C0123456789", MessageTs: "1.000", Message: msg,
		Actions: []sockettest.Action{{ActionID: attacheslack.ActionMuteRule, BlockID: attacheslack.ActionsBlockID, Type: "static_select", SelectedValue: mute}}}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "the message updated with the mute", func() bool {
		for _, u := range sl.updated() {
			if strings.Contains(u, "U0ANALYST") && strings.Contains(u, "24 h") {
				return true
			}
		}
		return false
	})

	s.feeds.set("news", news("muted"), news("first"))
	waitFor(t, d.stderr, "alert muted: not sent")
	d.stop(t)

	// The mute outlives a restart; an outsider cannot end it.
	d = startIn(t, s.dir, env)
	if err := sl.sock.WaitConnected(ctx, 2); err != nil {
		t.Fatal(err)
	}
	ack, err := sl.sock.SlashCommand(ctx, slack.SlashCommand{Command: "/attache", Text: "unmute nato", UserID: "U0STRANGER", ChannelID: "C0123456789"})
	if err != nil || !strings.Contains(string(ack.Payload), "not") {
		t.Errorf("an outsider's unmute was answered %s (%v), want a refusal", ack.Payload, err)
	}
	s.feeds.set("news", news("muted2"), news("muted"), news("first"))
	time.Sleep(3 * time.Second)
	ack, err = sl.sock.SlashCommand(ctx, slack.SlashCommand{Command: "/attache", Text: "unmute nato", UserID: "U0ANALYST", ChannelID: "C0123456789"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ack.Payload), "nato") {
		t.Errorf("the analyst's unmute was answered %s", ack.Payload)
	}
	s.feeds.set("news", news("after"), news("muted2"), news("muted"), news("first"))
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) && s.slack.received("after")["after"] == 0 {
		time.Sleep(50 * time.Millisecond)
	}
	if s.slack.received("after")["after"] == 0 {
		t.Fatalf("the statement after the unmute never came:\n%s", d.stderr.String())
	}
	d.stop(t)
	got := s.slack.received("first", "muted", "muted2", "after")
	if got["first"] != 1 || got["muted"] != 0 || got["muted2"] != 0 || got["after"] != 1 {
		t.Errorf("Slack got %v: want first and after once, the muted ones never", got)
	}
	// Feedback: the analyst finds the first alert useful.
	var useful string
	for _, b := range bl.BlockSet {
		if ab, ok := b.(*slack.ActionBlock); ok {
			for _, e := range ab.Elements.ElementSet {
				if btn, ok := e.(*slack.ButtonBlockElement); ok && btn.ActionID == attacheslack.ActionUseful {
					useful = btn.Value
				}
			}
		}
	}
	d = startIn(t, s.dir, env)
	if err := sl.sock.WaitConnected(ctx, 3); err != nil {
		t.Fatal(err)
	}
	if _, err := sl.sock.Click(ctx, sockettest.BlockActions{UserID: "U0ANALYST", ChannelID: "C0123456789", MessageTs: "1.000", Message: msg,
		Actions: []sockettest.Action{{ActionID: attacheslack.ActionUseful, BlockID: attacheslack.ActionsBlockID, Type: "button", Value: useful}}}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "the verdict in rules stats", func() bool {
		r := attacheEnv(t, s.dir, env, "rules", "stats", "--json")
		return strings.Contains(r.stdout, `"useful_7d":1`) && strings.Contains(r.stdout, `"precision_7d":1`)
	})
	d.stop(t)

	r := attacheEnv(t, s.dir, env, "alerts", "list", "--status", "muted")
	if r.code != 0 || strings.Count(r.stdout, "muted") < 2 {
		t.Errorf("alerts list --status muted:\n%s%s", r.stdout, r.stderr)
	}
}
