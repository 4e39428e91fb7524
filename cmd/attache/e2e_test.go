package main_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// These tests build the real binary and run it as a user would, against
// feeds served by httptest and a real SQLite file.

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "attache-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "attache")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is what one run of the binary printed.
type result struct {
	stdout, stderr string
	code           int
}

func attache(t *testing.T, dir string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "ATTACHE_CONFIG=")
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

// feed is an RSS document the test rewrites between runs, served with an
// ETag so that an unchanged feed answers 304.
type feed struct {
	mu    sync.Mutex
	items []string // <item> elements
	hits  int      // 200 answers
}

func (f *feed) set(items ...string) { f.mu.Lock(); f.items = items; f.mu.Unlock() }

func (f *feed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	body := `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title><link>https://example.org/</link>` +
		strings.Join(f.items, "") + `</channel></rss>`
	etag := fmt.Sprintf(`"%x"`, sha256.Sum256([]byte(body)))
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	f.hits++
	w.Header().Set("ETag", etag)
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	fmt.Fprint(w, body)
}

func item(guid, title, date string) string {
	return fmt.Sprintf("<item><guid>%s</guid><title>%s</title><link>https://example.org/%s</link><pubDate>%s</pubDate></item>", guid, title, guid, date)
}

const config = `state: state.db
schedule: "@every 1s"
feeds:
  - name: kremlin-en
    url: %s
    tags: [russia]
lists:
  nato: [NATO, НАТО]
destinations:
  log: {type: console}
default_notify: [log]
rules:
  - name: nato-west
    description: NATO activity near the CSTO western borders
    query: '@nato AND ("western borders" OR западные границы OR Belarus)'
    severity: high
`

func setup(t *testing.T) (dir string, f *feed) {
	t.Helper()
	f = &feed{}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	dir = t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "rules.yaml"), []byte(fmt.Sprintf(config, srv.URL)), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, f
}

func TestOnceAlertsEachNewMatchingItemExactlyOnce(t *testing.T) {
	dir, f := setup(t)
	old := []string{
		item("a", "NATO drills near the western borders", "Mon, 02 Jan 2006 15:04:05 +0000"),
		item("b", "Weather in Minsk", "Mon, 02 Jan 2006 16:04:05 +0000"),
	}
	f.set(old...)

	r := attache(t, dir, "once")
	if r.code != 0 || r.stdout != "" {
		t.Fatalf("first run: code %d, stdout %q, stderr %s; want a silent baseline", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "first poll") || !strings.Contains(r.stderr, "would_have_matched=1") {
		t.Errorf("first run did not say what the baseline would have matched:\n%s", r.stderr)
	}

	fresh := item("c", "Учения НАТО у западных границ ОДКБ", "Mon, 02 Jan 2006 10:00:00 +0000")
	f.set(append([]string{fresh}, old...)...)
	r = attache(t, dir, "once")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if r.code != 0 || len(lines) != 1 || !strings.Contains(lines[0], "nato-west") || !strings.Contains(lines[0], "Учения НАТО") {
		t.Fatalf("second run: code %d, stdout %q; want one alert for the new item (its old date is no watermark)\n%s", r.code, r.stdout, r.stderr)
	}

	t.Run("a second process on the same state finds nothing new", func(t *testing.T) {
		if r := attache(t, dir, "once"); r.code != 0 || r.stdout != "" {
			t.Fatalf("code %d, stdout %q", r.code, r.stdout)
		}
	})
	t.Run("a feed that reorders and re-dates its items alerts nothing", func(t *testing.T) {
		f.set(old[1], fresh, strings.Replace(old[0], "2006", "2030", 1))
		if r := attache(t, dir, "once"); r.code != 0 || r.stdout != "" {
			t.Fatalf("code %d, stdout %q", r.code, r.stdout)
		}
	})
	t.Run("an unchanged feed is not downloaded again", func(t *testing.T) {
		f.mu.Lock()
		before := f.hits
		f.mu.Unlock()
		attache(t, dir, "once")
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.hits != before {
			t.Fatalf("the feed was sent %d more times; want a 304", f.hits-before)
		}
	})
	t.Run("the state file is private", func(t *testing.T) {
		st, err := os.Stat(filepath.Join(dir, "state.db"))
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("state.db: %v, mode %v", err, st.Mode())
		}
	})
}

func TestTestJSONIsOneObjectPerMatch(t *testing.T) {
	dir, f := setup(t)
	f.set(item("x", "NATO activity on the western borders", "Sun, 07 Jan 2018 05:00:00 +0000"))
	r := attache(t, dir, "test", "--json")
	if r.code != 0 {
		t.Fatalf("code %d: %s", r.code, r.stderr)
	}
	want := `{"rule":"nato-west","severity":"high","feed":"kremlin-en","id":"x","title":"NATO activity on the western borders","link":"https://example.org/x","published":"2018-01-07T05:00:00Z","hits":[{"field":"title","term":"NATO","text":"NATO","start":0,"end":4},{"field":"title","term":"western borders","text":"western borders","start":21,"end":36}]}` + "\n"
	if r.stdout != want {
		t.Fatalf("stdout\n%s\nwant\n%s", r.stdout, want)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &m); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "state.db")); !os.IsNotExist(err) {
		t.Fatal("attache test wrote a state file")
	}
	t.Run("an unknown rule is a usage error", func(t *testing.T) {
		if r := attache(t, dir, "test", "--rule", "nope"); r.code != 2 || !strings.Contains(r.stderr, `unknown rule "nope"`) {
			t.Fatalf("code %d, stderr %s", r.code, r.stderr)
		}
	})
}

func TestCheckReportsErrorsWithTheirPosition(t *testing.T) {
	dir := t.TempDir()
	bad := "feeds:\n  - name: a\n    url: http://example.org/\nrules:\n  - name: r\n    query: 'NATO AND (Poland'\n    notify: [nowhere]\n"
	if err := os.WriteFile(filepath.Join(dir, "rules.yaml"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	r := attache(t, dir, "check")
	if r.code != 2 {
		t.Fatalf("code %d, want 2", r.code)
	}
	for _, want := range []string{"rules.yaml:6:22: ", "unbalanced parenthesis", "rules.yaml:7:14: "} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	dir2, _ := setup(t)
	if r := attache(t, dir2, "check"); r.code != 0 || !strings.Contains(r.stdout, "1 feed, 1 list, 1 rule, 1 destination") {
		t.Fatalf("valid config: code %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}

func TestTheShippedConfigurationIsValid(t *testing.T) {
	r := attache(t, "../..", "check")
	if r.code != 0 {
		t.Fatalf("rules.yaml: code %d\n%s", r.code, r.stderr)
	}
}

func TestRunAlertsAndStopsCleanlyOnSIGTERM(t *testing.T) {
	dir, f := setup(t)
	f.set(item("a", "Weather", "Mon, 02 Jan 2006 15:04:05 +0000"))
	cmd := exec.Command(binary, "run")
	cmd.Dir = dir
	var out, errb syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	waitFor(t, &errb, "first poll")
	f.set(item("n", "NATO to Belarus border", "Mon, 02 Jan 2006 17:04:05 +0000"), item("a", "Weather", "Mon, 02 Jan 2006 15:04:05 +0000"))
	waitFor(t, &out, "NATO to Belarus border")

	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit: %v\n%s", err, errb.String())
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("took %v to stop", d)
	}
	if n := strings.Count(out.String(), "\n"); n != 1 {
		t.Fatalf("%d alert lines, want 1:\n%s", n, out.String())
	}
}

func TestUsageErrorsExitTwo(t *testing.T) {
	for _, args := range [][]string{{}, {"frobnicate"}, {"once", "extra"}, {"--log-level", "loud", "once"}} {
		if r := attache(t, t.TempDir(), args...); r.code != 2 {
			t.Errorf("attache %v: code %d, want 2", args, r.code)
		}
	}
	if r := attache(t, t.TempDir(), "version"); r.code != 0 || !strings.HasPrefix(r.stdout, "attache ") {
		t.Errorf("version: %+v", r)
	}
}

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

func waitFor(t *testing.T, b *syncBuffer, s string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(b.String(), s) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("gave up waiting for %q in:\n%s", s, b.String())
}
