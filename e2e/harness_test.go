package e2e

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var kills = flag.Int("e2e.kills", 5, "how many times the crash test kills the daemon (RELIABILITY.md reports 50)")

// binary is the attache command built once for the suite.
var binary string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "attache-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "attache")
	build := exec.Command("go", "build", "-o", binary, "../cmd/attache")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build attache:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// site is one test's folder, feeds and Slack.
type site struct {
	t     *testing.T
	dir   string
	feeds *feeds
	url   string
	slack *fakeSlack
}

// configText is a configuration with one feed, one Slack destination and
// the NATO rule; extra destinations are added to default_notify.
func configText(feedURL, slackURL string, burstLimit int, extra map[string]string) string {
	var dests, names strings.Builder
	names.WriteString("analysts")
	for name, url := range extra {
		fmt.Fprintf(&dests, "  %s:\n    type: slack\n    token: ${SLACK_BOT_TOKEN}\n    channel: \"C%s\"\n    api_url: %s\n", name, name, url)
		names.WriteString(", " + name)
	}
	return fmt.Sprintf(baseConfig, feedURL, slackURL, burstLimit, dests.String(), names.String())
}

const baseConfig = `state: state.db
schedule: "@every 1s"
feeds:
  - {name: news, url: "%s/news"}
lists:
  nato: [NATO, НАТО]
destinations:
  analysts:
    type: slack
    token: ${SLACK_BOT_TOKEN}
    channel: "C0123456789"
    api_url: %s
    burst_limit: %d
%sdefault_notify: [%s]
health_notify: []
rules:
  - name: nato
    query: '@nato'
    severity: high
`

func newSite(t *testing.T, burstLimit int) *site {
	t.Helper()
	f, srv := newFeeds(t)
	s := &site{t: t, dir: t.TempDir(), feeds: f, url: srv.URL, slack: newFakeSlack(t)}
	s.writeConfig(configText(srv.URL, s.slack.url(), burstLimit, nil))
	return s
}

func (s *site) writeConfig(cfg string) {
	s.t.Helper()
	if err := os.WriteFile(filepath.Join(s.dir, "rules.yaml"), []byte(cfg), 0o644); err != nil {
		s.t.Fatal(err)
	}
}

func (s *site) command(ctx context.Context, args ...string) *exec.Cmd {
	s.t.Helper()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = s.dir
	cmd.Env = append(os.Environ(), "ATTACHE_CONFIG=", "SLACK_BOT_TOKEN=xoxb-e2e")
	return cmd
}

// once runs `attache once`, which must exit 0, and returns its stderr.
func (s *site) once() string {
	s.t.Helper()
	return s.onceExit(0)
}

// onceExit runs `attache once`, which must exit with code, and returns its
// stderr.
func (s *site) onceExit(code int) string {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := s.command(ctx, "once")
	var errb bytes.Buffer
	cmd.Stderr = &errb
	cmd.Run()
	if got := cmd.ProcessState.ExitCode(); got != code {
		s.t.Fatalf("attache once: exit %d, want %d\n%s", got, code, errb.String())
	}
	return errb.String()
}

// daemon is a running `attache run`.
type daemon struct {
	cmd            *exec.Cmd
	stdout, stderr *lockedBuffer
}

func (s *site) start(args ...string) *daemon {
	s.t.Helper()
	return startIn(s.t, s.dir, []string{"SLACK_BOT_TOKEN=xoxb-e2e"}, args...)
}

// startIn starts `attache run` in dir, with env added to the environment.
func startIn(t *testing.T, dir string, env []string, args ...string) *daemon {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"run"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "ATTACHE_CONFIG="), env...)
	d := &daemon{cmd: cmd, stdout: &lockedBuffer{}, stderr: &lockedBuffer{}}
	cmd.Stdout, cmd.Stderr = d.stdout, d.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return d
}

func (d *daemon) kill() {
	d.cmd.Process.Signal(syscall.SIGKILL)
	d.cmd.Wait()
}

// stop sends SIGTERM, waits for a clean exit and says how long it took. It
// signals only once the daemon said it started, when its handlers are set:
// a SIGTERM before that is the default "terminate".
func (d *daemon) stop(t *testing.T) time.Duration {
	t.Helper()
	waitFor(t, d.stderr, "attache started")
	start := time.Now()
	d.cmd.Process.Signal(syscall.SIGTERM)
	if err := d.cmd.Wait(); err != nil {
		t.Fatalf("attache run: %v\n%s", err, d.stderr.String())
	}
	return time.Since(start)
}

// eventually polls cond until it holds or the time is up.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("gave up after %v waiting for %s", within, what)
}

// waitFor waits for s to appear in b.
func waitFor(t *testing.T, b *lockedBuffer, s string) {
	t.Helper()
	eventually(t, 20*time.Second, fmt.Sprintf("%q in:\n%s", s, b), func() bool { return strings.Contains(b.String(), s) })
}

// result is what one run of the binary printed.
type result struct {
	stdout, stderr string
	code           int
}

// attache runs the binary in dir and returns what it printed.
func attache(t *testing.T, dir string, args ...string) result {
	t.Helper()
	return attacheEnv(t, dir, nil, args...)
}

// attacheEnv runs the binary in dir with env added to the environment.
func attacheEnv(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "ATTACHE_CONFIG="), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("attache %v: %v", args, err)
	}
	return result{out.String(), errb.String(), code}
}

// writeFile writes a test's file, such as its rules.yaml.
func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// lineWith returns the first line of s that contains sub.
func lineWith(s, sub string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			return l
		}
	}
	return ""
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// ids makes "prefix0" ... "prefix<n-1>".
func ids(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%d", prefix, i)
	}
	return out
}

// exactlyOnce fails unless every id arrived exactly once.
func exactlyOnce(t *testing.T, got map[string]int, ids []string) {
	t.Helper()
	for _, id := range ids {
		if got[id] != 1 {
			t.Errorf("statement %s arrived %d times, want exactly once", id, got[id])
		}
	}
}
