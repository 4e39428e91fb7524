package e2e

import (
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
