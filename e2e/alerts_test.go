package e2e

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestADeadAlertIsListedShownAndRequeuedBesideTheDaemon: an alert that went
// dead (the app not in the channel) is listed and shown from the command
// line while the daemon runs, and requeued through the state it owns: once
// the cause is fixed, the running daemon sends it, once.
func TestADeadAlertIsListedShownAndRequeuedBesideTheDaemon(t *testing.T) {
	t.Parallel()
	s := newSite(t, 20)
	s.baseline()
	s.slack.always(answer{code: "not_in_channel"})
	s.feeds.set("news", news("dead"))
	out := s.onceExit(1) // the alert went dead
	// The log line names the feed and the item, and says what to do.
	dead := lineWith(out, "alert dead")
	for _, want := range []string{"feed=news", "title=\"" + title("dead") + "\"", "invite the app to the channel C0123456789"} {
		if !strings.Contains(dead, want) {
			t.Errorf("the dead alert's log line lacks %s:\n%s", want, dead)
		}
	}
	env := []string{"SLACK_BOT_TOKEN=xoxb-e2e"}

	d := s.start()
	waitFor(t, d.stderr, "attache started")
	r := attacheEnv(t, s.dir, env, "alerts", "list", "--status", "dead", "--json")
	if r.code != 0 {
		t.Fatalf("alerts list: exit %d\n%s", r.code, r.stderr)
	}
	var got []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("alerts list --json printed %q: %v", line, err)
		}
		got = append(got, m)
	}
	if len(got) != 1 || got[0]["status"] != "dead" || !strings.Contains(got[0]["last_error"].(string), "not_in_channel") || got[0]["title"] != title("dead") {
		t.Fatalf("alerts list --status dead --json: %v", got)
	}
	id := got[0]["id"].(string)

	show := attacheEnv(t, s.dir, env, "alerts", "show", id[:12])
	if show.code != 0 || !strings.Contains(show.stdout, "not_in_channel") || !strings.Contains(show.stdout, "attache alerts requeue") {
		t.Fatalf("alerts show: exit %d\n%s%s", show.code, show.stdout, show.stderr)
	}
	if r := attacheEnv(t, s.dir, env, "alerts", "list", "--status", "sent"); r.code != 2 || !strings.Contains(r.stderr, "queued, in_flight, delivered, dead") {
		t.Errorf("an unknown status: exit %d\n%s", r.code, r.stderr)
	}

	s.slack.always(answer{}) // the app was invited to the channel
	req := attacheEnv(t, s.dir, env, "alerts", "requeue", "--dead")
	if req.code != 0 || !strings.Contains(req.stdout, "1 alerts requeued") {
		t.Fatalf("alerts requeue --dead: exit %d\n%s%s", req.code, req.stdout, req.stderr)
	}
	eventually(t, 30*time.Second, "the requeued alert in Slack", func() bool { return s.slack.received("dead")["dead"] == 1 })
	d.stop(t)
	exactlyOnce(t, s.slack.received("dead"), []string{"dead"})
	if r := attacheEnv(t, s.dir, env, "alerts", "requeue", id); r.code != 1 || !strings.Contains(r.stderr, "is delivered, not dead") {
		t.Errorf("requeue of a delivered alert: exit %d\n%s", r.code, r.stderr)
	}
}
