package interact

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestReconnects(t *testing.T) {
	h := newHarness(t).start()
	if s := h.app.Status(); !s.Ready() || s.Connects != 1 || s.LastError != "" {
		t.Fatalf("status %+v", s)
	}
	t.Run("when the socket drops, it connects again and answers", func(t *testing.T) {
		h.sock.Drop()
		h.waitConnected(2)
		contains(t, h.run(anna, channel, "mutes"), "Nothing is muted.")
	})
	t.Run("when Slack asks it to, it connects again and answers", func(t *testing.T) {
		if err := h.sock.Disconnect("refresh_requested"); err != nil {
			t.Fatal(err)
		}
		h.waitConnected(3)
		contains(t, h.run(anna, channel, "mutes"), "Nothing is muted.")
	})
	if l := h.logs.String(); strings.Count(l, `"msg":"slack app: connection lost; reconnecting"`) != 2 {
		t.Errorf("logs:\n%s", l)
	}
}

func TestConnectionRefused(t *testing.T) {
	t.Run("a passing failure is retried with backoff and recorded", func(t *testing.T) {
		h := newHarness(t)
		h.sock.Refuse("internal_error", "internal_error")
		h.start()
		s := h.app.Status()
		if h.sock.Opens() != 3 || s.LastError != "internal_error" || s.Connects != 1 {
			t.Errorf("opens %d, status %+v", h.sock.Opens(), s)
		}
	})
	t.Run("a refused token fails, is retried slowly, and recovers when accepted", func(t *testing.T) {
		h := newHarness(t)
		h.sock.Refuse("invalid_auth", "invalid_auth", "invalid_auth", "invalid_auth")
		var mu sync.Mutex
		seen := map[State]bool{}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Go(func() {
			for {
				s := h.app.Status()
				mu.Lock()
				seen[s.State] = true
				if s.State == StateFailed && s.Ready() {
					t.Error("ready while failed")
				}
				mu.Unlock()
				select {
				case <-stop:
					return
				case <-time.After(time.Millisecond):
				}
			}
		})
		start := time.Now()
		h.start()
		close(stop)
		wg.Wait()
		if !seen[StateFailed] {
			t.Errorf("states seen: %v, want failed among them", seen)
		}
		// four waits of 20, 40, 80 and 100 ms at least
		if d := time.Since(start); d < 240*time.Millisecond {
			t.Errorf("connected after %v: the retries did not back off", d)
		}
		if s := h.app.Status(); h.sock.Opens() != 5 || s.LastError != "invalid_auth" || !s.Ready() {
			t.Errorf("opens %d, status %+v", h.sock.Opens(), s)
		}
	})
}

func TestRunEnds(t *testing.T) {
	h := newHarness(t).start()
	h.stop()
	if s := h.app.Status(); s.State != StateStopped {
		t.Errorf("status %+v", s)
	}
	h.eventually("the socket is closed", func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		_, err := h.sock.Deliver(ctx, "events_api", map[string]any{})
		return err != nil
	})
	if err := h.app.Run(context.Background()); err == nil {
		t.Error("a second Run was accepted")
	}
}

func TestNew(t *testing.T) {
	d := &daemon{}
	base := func() Options {
		return Options{AppToken: appToken, BotToken: botToken, Channels: []string{channel},
			Mutes: d, Feedback: d, Inspector: d, Backtester: d}
	}
	cases := []struct {
		name   string
		change func(*Options)
		want   string
	}{
		{"a bot token in place of the app token", func(o *Options) { o.AppToken = botToken }, "an app-level token (xapp-…) is needed"},
		{"no bot token", func(o *Options) { o.BotToken = " " }, "a bot token is needed"},
		{"a channel's name", func(o *Options) { o.Channels = []string{"#alerts"} }, `channel "#alerts": give the channel's id`},
		{"no backtester", func(o *Options) { o.Backtester = nil }, "mutes, feedback, inspector and backtester are needed"},
	}
	for _, c := range cases {
		t.Run(c.name+" is refused", func(t *testing.T) {
			o := base()
			c.change(&o)
			_, err := New(o)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want %q", err, c.want)
			}
			if strings.Contains(err.Error(), "SECRET") {
				t.Errorf("the error gives a token away: %v", err)
			}
		})
	}
	if _, err := New(base()); err != nil {
		t.Errorf("valid options refused: %v", err)
	}
}
