package e2e

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSIGTERMDuringAStalledSendSendsItOnce stops the daemon while Slack
// holds a message: the stop waits for the answer (within the shutdown
// timeout), records the alert as delivered, and the restart sends nothing
// again. Before the ordered shutdown the send was cancelled, Slack kept the
// message, and the restart sent it a second time.
func TestSIGTERMDuringAStalledSendSendsItOnce(t *testing.T) {
	t.Parallel()
	s := newSite(t, 20)
	s.baseline()
	s.feeds.set("news", news("held"), news("queued"))
	stalled := s.slack.hold()
	d := s.start("--shutdown-timeout", "20s")
	select {
	case <-stalled:
	case <-time.After(30 * time.Second):
		t.Fatalf("no message reached Slack:\n%s", d.stderr.String())
	}
	d.cmd.Process.Signal(syscall.SIGTERM)
	time.Sleep(500 * time.Millisecond) // the daemon is stopping with the send held
	s.slack.release()
	if err := d.cmd.Wait(); err != nil {
		t.Fatalf("attache run: %v\n%s", err, d.stderr.String())
	}
	if got := s.slack.count(); got != 1 {
		t.Fatalf("Slack got %d messages during the stop, want the one in flight only:\n%s", got, d.stderr.String())
	}

	// The restart delivers what was still queued, and nothing twice.
	s.once()
	exactlyOnce(t, s.slack.received("held", "queued"), []string{"held", "queued"})
}

// TestASecondProcessOnTheStateIsRefused runs `attache once` and a second
// `attache run` beside a running daemon: both are refused with the owner's
// pid and exit 1, touching nothing, while `attache test --since` reads the
// state beside it. Before the lock, each start queued the other's alerts in
// flight again and Slack got them twice.
func TestASecondProcessOnTheStateIsRefused(t *testing.T) {
	t.Parallel()
	s := newSite(t, 20)
	s.baseline()
	d := s.start()
	waitFor(t, d.stderr, "attache started")
	want := fmt.Sprintf("state state.db is in use by another attache (pid %d)", d.cmd.Process.Pid)
	for _, args := range [][]string{{"once"}, {"run"}} {
		r := attacheEnv(t, s.dir, []string{"SLACK_BOT_TOKEN=xoxb-e2e"}, args...)
		if r.code != 1 || !strings.Contains(r.stderr, want) {
			t.Errorf("attache %s beside run: exit %d, stderr:\n%s\nwant exit 1 and %q", args[0], r.code, r.stderr, want)
		}
	}
	r := attacheEnv(t, s.dir, []string{"SLACK_BOT_TOKEN=xoxb-e2e"}, "test", "--since", "24h")
	if r.code != 0 {
		t.Errorf("attache test --since beside run: exit %d\n%s", r.code, r.stderr)
	}
	d.stop(t)
	s.once() // the owner is gone: the state is free again
}

// TestASecondSignalExitsAtOnce: while the stop waits for a held send, a
// second SIGTERM (or Ctrl-C) exits at once with status 1.
func TestASecondSignalExitsAtOnce(t *testing.T) {
	t.Parallel()
	s := newSite(t, 20)
	s.baseline()
	s.feeds.set("news", news("held"))
	stalled := s.slack.hold()
	defer s.slack.release()
	d := s.start("--shutdown-timeout", "60s")
	select {
	case <-stalled:
	case <-time.After(30 * time.Second):
		t.Fatalf("no message reached Slack:\n%s", d.stderr.String())
	}
	d.cmd.Process.Signal(syscall.SIGTERM)
	waitFor(t, d.stderr, "stopping")
	start := time.Now()
	d.cmd.Process.Signal(syscall.SIGTERM)
	d.cmd.Wait()
	if code := d.cmd.ProcessState.ExitCode(); code != 1 || time.Since(start) > 5*time.Second || !strings.Contains(d.stderr.String(), "second interrupt") {
		t.Errorf("after a second SIGTERM: exit %d after %v, stderr:\n%s", code, time.Since(start), d.stderr.String())
	}
}
