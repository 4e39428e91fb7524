package e2e

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const slackConfig = `state: state.db
schedule: "@every 1s"
feeds:
  - name: kremlin-en
    url: %s/kremlin-en
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
	slack := newFakeSlack(t)
	dir, f := setupWith(t, slackConfig, slack.url())
	f.set(item("old", "Weather", "Mon, 02 Jan 2006 15:04:05 +0000"))
	if r := attacheEnv(t, dir, []string{"SLACK_BOT_TOKEN=xoxb-test"}, "once"); r.code != 0 {
		t.Fatalf("baseline: %d %s", r.code, r.stderr)
	}
	var items []entry
	for i := range 5 {
		items = append(items, item(fmt.Sprint("n", i), fmt.Sprintf("NATO statement %d", i), "Mon, 02 Jan 2006 15:04:05 +0000"))
	}
	f.set(items...)

	stalled := slack.hold()
	d := startIn(t, dir, []string{"SLACK_BOT_TOKEN=xoxb-test"})
	select {
	case <-stalled:
	case <-time.After(30 * time.Second):
		d.kill()
		t.Fatalf("no message reached Slack:\n%s", d.stderr.String())
	}
	d.kill() // kill -9 while Slack holds the request
	slack.release()

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
	slack := newFakeSlack(t)
	dir, _ := setupWith(t, slackConfig, slack.url())
	env := []string{"SLACK_BOT_TOKEN=xoxb-secret-token-123"}
	r := attacheEnv(t, dir, env, "send-test", "analysts")
	if r.code != 0 || len(slack.messages()) != 1 || !strings.Contains(slack.messages()[0], "test alert") {
		t.Fatalf("code %d, stderr %q, messages %q", r.code, r.stderr, slack.messages())
	}
	slack.always(answer{code: "not_in_channel"})
	r = attacheEnv(t, dir, env, "send-test", "analysts")
	if r.code != 1 || !strings.Contains(r.stderr, "not_in_channel") || !strings.Contains(r.stderr, "invite") {
		t.Fatalf("code %d, stderr %q; want not_in_channel with a hint", r.code, r.stderr)
	}
	if strings.Contains(r.stderr+r.stdout, "xoxb-secret-token-123") {
		t.Fatal("the token was printed")
	}
}

// setupWith writes a configuration naming a feed server, whose feed is
// kremlin-en, and extra values.
func setupWith(t *testing.T, format string, extra ...any) (string, feed) {
	t.Helper()
	fs, srv := newFeeds(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "rules.yaml"), fmt.Sprintf(format, append([]any{srv.URL}, extra...)...))
	return dir, feed{fs, "kremlin-en"}
}
