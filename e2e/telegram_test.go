package e2e

import (
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// telegramPreview serves a channel's web preview at /s/MID_Russia from the
// project's fixtures (source/telegram/testdata), and can switch to a later
// page or to the invitation page a disabled preview redirects to.
type telegramPreview struct {
	mu   sync.Mutex
	page string
}

func (p *telegramPreview) set(file string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.page = file
}

func (p *telegramPreview) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	file := p.page
	p.mu.Unlock()
	if r.URL.Path != "/s/MID_Russia" {
		http.NotFound(w, r)
		return
	}
	b, err := os.ReadFile("../source/telegram/testdata/" + file)
	if err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(b)
}

// TestATelegramChannelIsASource: a `telegram: {}` source is baselined like
// a feed, a new message that matches is alerted once, and a channel whose
// preview is disabled raises a feed-health alert at once.
func TestATelegramChannelIsASource(t *testing.T) {
	t.Parallel()
	s := newSite(t, 20)
	tg := &telegramPreview{page: "channel.html"}
	srv := httptest.NewServer(tg)
	t.Cleanup(srv.Close)
	cfg := configText(s.url, s.slack.url(), 20, nil)
	cfg = strings.Replace(cfg, "health_notify: []", "health_notify: [analysts]", 1)
	cfg = strings.Replace(cfg, "feeds:\n", "feeds:\n  - {name: mid-telegram, url: \""+srv.URL+"/s/MID_Russia\", lang: ru, telegram: {}}\n", 1)
	s.writeConfig(cfg)
	s.baseline()
	if n := s.slack.count(); n != 0 {
		t.Fatalf("the baseline sent %d messages", n)
	}

	tg.set("channel_later.html") // a new statement on NATO
	s.once()
	msgs := s.slack.messages()
	if len(msgs) != 1 || !strings.Contains(msgs[0], "НАТО") {
		t.Fatalf("after the new message Slack got %q, want its one alert", msgs)
	}
	s.once()
	if n := s.slack.count(); n != 1 {
		t.Errorf("a poll with nothing new sent %d messages in all, want 1", n)
	}

	tg.set("landing.html") // the preview disabled: the invitation page
	out := s.onceExit(1)
	if !strings.Contains(out, "result=preview_unavailable") {
		t.Errorf("the disabled preview's log:\n%s", out)
	}
	eventually(t, 10*time.Second, "the health alert", func() bool { return s.slack.count() == 2 })
	if last := s.slack.messages()[1]; !strings.Contains(last, "mid-telegram is failing: preview") {
		t.Errorf("health alert %q", last)
	}
}
