package daemon

import (
	"errors"
	"strings"
	"testing"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/watcher"
)

// TestStateHealthCountsFailingWritesInARow: failing writes make the state
// unhealthy on the third poll in a row, once; a poll recorded again ends
// it. A deleted file stays a problem whatever the writes do.
func TestStateHealthCountsFailingWritesInARow(t *testing.T) {
	var h stateHealth
	failed := watcher.PollResult{Class: attache.PollStateError, Err: errors.New("disk I/O error")}
	ok := watcher.PollResult{Class: attache.PollOK}
	for i := 1; i < stateFailuresUnhealthy; i++ {
		if began, _ := h.polled(failed); began != "" || h.err() != nil {
			t.Fatalf("unhealthy after %d failures", i)
		}
	}
	began, _ := h.polled(failed)
	if !strings.Contains(began, "3 polls in a row could not be recorded: disk I/O error") || h.err() == nil {
		t.Fatalf("third failure: began %q, err %v", began, h.err())
	}
	if began, _ := h.polled(failed); began != "" {
		t.Errorf("a fourth failure raised the problem again: %q", began)
	}
	if _, ended := h.polled(ok); !ended || h.err() != nil {
		t.Errorf("a recorded poll did not end the problem: %v", h.err())
	}

	if !h.fail("state x was deleted", true) {
		t.Fatal("a deleted file was not a new problem")
	}
	if h.fail("state x was deleted", true) {
		t.Error("the same sticky problem was raised twice")
	}
	if _, ended := h.polled(ok); ended || h.err() == nil {
		t.Error("a recorded poll ended a deleted file's problem")
	}
}
