package e2e

import (
	"syscall"
	"testing"
	"time"
)

// TestReloadDuringAPollAndASendLosesAndRepeatsNothing sends SIGHUP over and
// over while a slow feed is being polled and a slow Slack is being sent to.
func TestReloadDuringAPollAndASendLosesAndRepeatsNothing(t *testing.T) {
	t.Parallel()
	s := newSite(t, 1000)
	s.baseline()
	s.feeds.mu.Lock()
	s.feeds.delay = 700 * time.Millisecond
	s.feeds.mu.Unlock()
	s.slack.always(answer{delay: 700 * time.Millisecond})
	want := ids("h", 6)
	var items []entry
	for _, id := range want {
		items = append(items, news(id))
	}
	s.feeds.set("news", items[:3]...)
	d := s.start()
	stopHUP := make(chan struct{})
	hups := make(chan int)
	go func() {
		n := 0
		defer func() { hups <- n }()
		for {
			select {
			case <-stopHUP:
				return
			case <-time.After(300 * time.Millisecond):
				d.cmd.Process.Signal(syscall.SIGHUP)
				n++
			}
		}
	}()
	time.Sleep(2 * time.Second)
	s.feeds.set("news", items...)
	eventually(t, time.Minute, "every item", func() bool {
		got := s.slack.received(want...)
		for _, id := range want {
			if got[id] == 0 {
				return false
			}
		}
		return true
	})
	close(stopHUP)
	n := <-hups
	time.Sleep(time.Second) // room for a wrong extra send
	d.stop(t)
	exactlyOnce(t, s.slack.received(want...), want)
	t.Logf("%d reloads during polls and sends", n)
}
