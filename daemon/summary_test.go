package daemon

import (
	"errors"
	"testing"

	"github.com/attache-dev/attache/watcher"
)

// TestCycleSummaryAddsUpAndStartsAgain: the summary line counts polls,
// failures, failing feeds (each once), new items and alerts, then starts
// again from zero.
func TestCycleSummaryAddsUpAndStartsAgain(t *testing.T) {
	var s cycleSummary
	s.add(watcher.PollResult{Feed: "a", New: 3, Queued: 2})
	s.add(watcher.PollResult{Feed: "b", Err: errors.New("timeout")})
	s.add(watcher.PollResult{Feed: "b", Err: errors.New("timeout")})
	polls, failed, fresh, alerts, failing := s.take()
	if polls != 3 || failed != 2 || fresh != 3 || alerts != 2 || failing != 1 {
		t.Errorf("take = %d polls, %d failed, %d new, %d alerts, %d failing feeds; want 3, 2, 3, 2, 1", polls, failed, fresh, alerts, failing)
	}
	if polls, _, _, _, _ := s.take(); polls != 0 {
		t.Errorf("a second take counts %d polls, want 0", polls)
	}
}
