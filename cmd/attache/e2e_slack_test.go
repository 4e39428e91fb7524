package main_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeSlack speaks the part of Slack's Web API that attaché uses
// (chat.postMessage). It records every message it accepted and can stall,
// refuse or rate-limit.
type fakeSlack struct {
	mu       sync.Mutex
	received []string // the text fallback of every message accepted
	stall    chan struct{}
	stalled  chan struct{} // closed when a request is stalling
	answer   string        // a Slack error code to answer with, or "" for ok
}

func newFakeSlack(t *testing.T) (*fakeSlack, *httptest.Server) {
	t.Helper()
	f := &fakeSlack{}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeSlack) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasSuffix(r.URL.Path, "/chat.postMessage") {
		http.NotFound(w, r)
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	stall, stalled, answer := f.stall, f.stalled, f.answer
	if stalled != nil {
		close(stalled)
		f.stalled = nil
	}
	f.mu.Unlock()
	if stall != nil {
		select {
		case <-stall:
		case <-r.Context().Done():
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	if answer != "" {
		fmt.Fprintf(w, `{"ok":false,"error":%q}`, answer)
		return
	}
	f.mu.Lock()
	f.received = append(f.received, r.PostForm.Get("text"))
	f.mu.Unlock()
	fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":"%d.000100"}`, r.PostForm.Get("channel"), time.Now().UnixNano())
}

func (f *fakeSlack) messages() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.received...)
}

const slackConfig = `state: state.db
schedule: "@every 1s"
feeds:
  - name: kremlin-en
    url: %s
destinations:
  analysts:
    type: slack
    token: ${SLACK_BOT_TOKEN}
    channel: "C0123456789"
    api_url: %s
    burst_limit: 100
default_notify: [analysts]
rules:
  - name: nato
    query: NATO
    severity: high
`

func TestKilledWhileSlackStallsLosesNothingAndRepeatsAtMostOne(t *testing.T) {
	slack, ss := newFakeSlack(t)
	dir, f := setupWith(t, slackConfig, ss.URL+"/api/")
	f.set(item("old", "Weather", "Mon, 02 Jan 2006 15:04:05 +0000"))
	if r := attacheEnv(t, dir, []string{"SLACK_BOT_TOKEN=xoxb-test"}, "once"); r.code != 0 {
		t.Fatalf("baseline: %d %s", r.code, r.stderr)
	}
	var items []string
	for i := range 5 {
		items = append(items, item(fmt.Sprint("n", i), fmt.Sprintf("NATO statement %d", i), "Mon, 02 Jan 2006 15:04:05 +0000"))
	}
	f.set(items...)

	slack.mu.Lock()
	slack.stall, slack.stalled = make(chan struct{}), make(chan struct{})
	stalled := slack.stalled
	slack.mu.Unlock()

	cmd := exec.Command(binary, "run")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "ATTACHE_CONFIG=", "SLACK_BOT_TOKEN=xoxb-test")
	var errb syncBuffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-stalled:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("no message reached Slack:\n%s", errb.String())
	}
	cmd.Process.Kill() // kill -9 while Slack holds the request
	cmd.Wait()

	slack.mu.Lock()
	close(slack.stall)
	slack.stall = nil
	slack.mu.Unlock()

	r := attacheEnv(t, dir, []string{"SLACK_BOT_TOKEN=xoxb-test"}, "once")
	if r.code != 0 {
		t.Fatalf("restart: %d %s", r.code, r.stderr)
	}
	got := map[string]int{}
	for _, m := range slack.messages() {
		for i := range 5 {
			if strings.Contains(m, fmt.Sprintf("NATO statement %d", i)) {
				got[fmt.Sprint(i)]++
			}
		}
	}
	twice := 0
	for i := range 5 {
		switch got[fmt.Sprint(i)] {
		case 1:
		case 2:
			twice++
		default:
			t.Errorf("statement %d arrived %d times", i, got[fmt.Sprint(i)])
		}
	}
	if twice > 1 {
		t.Errorf("%d statements arrived twice; at most the one in flight may", twice)
	}
}

func TestSendTestSaysWhatSlackAnswered(t *testing.T) {
	slack, ss := newFakeSlack(t)
	dir, _ := setupWith(t, slackConfig, ss.URL+"/api/")
	env := []string{"SLACK_BOT_TOKEN=xoxb-secret-token-123"}
	r := attacheEnv(t, dir, env, "send-test", "analysts")
	if r.code != 0 || len(slack.messages()) != 1 || !strings.Contains(slack.messages()[0], "test alert") {
		t.Fatalf("code %d, stderr %q, messages %q", r.code, r.stderr, slack.messages())
	}
	slack.mu.Lock()
	slack.answer = "not_in_channel"
	slack.mu.Unlock()
	r = attacheEnv(t, dir, env, "send-test", "analysts")
	if r.code != 1 || !strings.Contains(r.stderr, "not_in_channel") || !strings.Contains(r.stderr, "invite") {
		t.Fatalf("code %d, stderr %q; want not_in_channel with a hint", r.code, r.stderr)
	}
	if strings.Contains(r.stderr+r.stdout, "xoxb-secret-token-123") {
		t.Fatal("the token was printed")
	}
}

// setupWith writes a configuration naming a feed server and extra values.
func setupWith(t *testing.T, format string, extra ...any) (string, *feed) {
	t.Helper()
	f := &feed{}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	cfg := fmt.Sprintf(format, append([]any{srv.URL}, extra...)...)
	if err := os.WriteFile(filepath.Join(dir, "rules.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, f
}

func attacheEnv(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "ATTACHE_CONFIG="), env...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		return result{out.String(), errb.String(), code}
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("attache %v did not finish", args)
	}
	return result{}
}
