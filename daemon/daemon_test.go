package daemon

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/attache-dev/attache/config"
)

// syncBuffer is a bytes.Buffer that the daemon's goroutines and the test
// may use at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// feed serves an RSS document whose items the test sets.
type feed struct {
	mu    sync.Mutex
	items []string
}

func (f *feed) set(ids ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.items = f.items[:0]
	for _, id := range ids {
		f.items = append(f.items, fmt.Sprintf(`<item><guid>%s</guid><title>NATO statement %s!</title><link>https://example.org/%s</link>`+
			`<pubDate>Mon, 02 Jan 2006 15:04:05 +0000</pubDate><description>At the western borders.</description></item>`, id, id, id))
	}
}

func (f *feed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/rss+xml")
	fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>https://example.org/</link>%s</channel></rss>`,
		strings.Join(f.items, ""))
}

const configText = `state: state.db
schedule: "@every 1s"
feeds:
  - name: news
    url: %s
destinations:
  log: {type: console}
default_notify: [log]
rules:
  - name: nato
    query: NATO
%s`

// site is a configuration on disk over a served feed.
type site struct {
	t      *testing.T
	feed   *feed
	path   string
	url    string
	stdout *syncBuffer
	logs   *syncBuffer
}

func newSite(t *testing.T) *site {
	f := &feed{}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	s := &site{t: t, feed: f, path: filepath.Join(t.TempDir(), "rules.yaml"), url: srv.URL, stdout: &syncBuffer{}, logs: &syncBuffer{}}
	s.write("")
	return s
}

func (s *site) write(extraRules string) {
	s.t.Helper()
	if err := os.WriteFile(s.path, []byte(fmt.Sprintf(configText, s.url, extraRules)), 0o600); err != nil {
		s.t.Fatal(err)
	}
}

func (s *site) load() *config.Config {
	s.t.Helper()
	cfg, err := config.Load(s.path, func(string) (string, bool) { return "", false })
	if err != nil {
		s.t.Fatal(err)
	}
	return cfg
}

func (s *site) options() Options {
	return Options{ConfigPath: s.path, Getenv: func(string) (string, bool) { return "", false },
		Logger: slog.New(slog.NewTextHandler(s.logs, nil)), Stdout: s.stdout, ShutdownTimeout: 5 * time.Second}
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestRunBaselinesAlertsReloadsAndStopsInOrder(t *testing.T) {
	s := newSite(t)
	s.feed.set("a1", "a2")
	reload := make(chan os.Signal, 1)
	opts := s.options()
	opts.Reload = reload
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- Run(ctx, s.load(), opts) }()

	eventually(t, "the baseline", func() bool { return strings.Contains(s.logs.String(), "first poll: items recorded without alerts") })
	s.feed.set("a1", "a2", "a3")
	eventually(t, "the alert of the new item", func() bool { return strings.Contains(s.stdout.String(), "NATO statement a3!") })
	if out := s.stdout.String(); strings.Contains(out, "statement a1!") || strings.Count(out, "statement a3!") != 1 {
		t.Errorf("stdout %q: want one alert, of a3 only", out)
	}

	s.write("  - name: western\n    query: '\"western borders\"'\n")
	reload <- syscall.SIGHUP
	eventually(t, "the reload", func() bool { return strings.Contains(s.logs.String(), "configuration reloaded") })
	s.feed.set("a1", "a2", "a3", "a4")
	eventually(t, "an alert naming the new rule", func() bool {
		return strings.Contains(s.stdout.String(), "nato,western [news] \"NATO statement a4!\"")
	})

	s.write("rules: [") // invalid: rejected, the running configuration goes on
	reload <- syscall.SIGHUP
	eventually(t, "the rejected reload", func() bool { return strings.Contains(s.logs.String(), "reload failed") })

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run = %v, want nil after a stop", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Run did not return after the stop")
	}
	logs := s.logs.String()
	if i, j := strings.Index(logs, "stopping"), strings.Index(logs, "msg=stopped"); i < 0 || j < i {
		t.Errorf("logs do not say stopping, then stopped:\n%s", logs)
	}
}

func TestOnceRecordsABaselineThenAlertsWhatIsNew(t *testing.T) {
	s := newSite(t)
	s.feed.set("b1")
	if err := Once(t.Context(), s.load(), s.options()); err != nil {
		t.Fatal(err)
	}
	if out := s.stdout.String(); out != "" {
		t.Fatalf("the baseline alerted: %q", out)
	}
	s.feed.set("b1", "b2")
	if err := Once(t.Context(), s.load(), s.options()); err != nil {
		t.Fatal(err)
	}
	if out := s.stdout.String(); strings.Count(out, "statement b2!") != 1 || strings.Contains(out, "statement b1!") {
		t.Errorf("stdout %q: want one alert, of b2", out)
	}
}

func TestAStateThatCannotBeOpenedFailsTheStart(t *testing.T) {
	s := newSite(t)
	cfg := s.load()
	cfg.State = filepath.Join(t.TempDir(), "no", "such", "state.db")
	if err := Run(t.Context(), cfg, s.options()); err == nil {
		t.Fatal("Run started without its state")
	}
	if !strings.Contains(s.logs.String(), "cannot open the state database") {
		t.Errorf("logs do not say why:\n%s", s.logs.String())
	}
}
