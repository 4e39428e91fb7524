package e2e

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

func TestSIGHUPReloadsAValidConfigurationAndRejectsAnInvalidOne(t *testing.T) {
	dir, f := setup(t)
	f.set(item("a", "Weather", "Mon, 02 Jan 2006 15:04:05 +0000"))
	p := startIn(t, dir, nil)
	waitFor(t, p.stderr, `msg="first poll`)

	// Add a rule on sanctions and reload.
	path := filepath.Join(dir, "rules.yaml")
	orig, _ := os.ReadFile(path)
	withRule := string(orig) + "  - name: sanctions\n    query: sanctions\n    severity: warning\n"
	if err := os.WriteFile(path, []byte(withRule), 0o644); err != nil {
		t.Fatal(err)
	}
	p.cmd.Process.Signal(syscall.SIGHUP)
	waitFor(t, p.stderr, "configuration reloaded")
	f.set(item("s", "New sanctions on steel", "Mon, 02 Jan 2006 16:04:05 +0000"), item("a", "Weather", "Mon, 02 Jan 2006 15:04:05 +0000"))
	waitFor(t, p.stdout, "New sanctions on steel")

	// A broken file is rejected with its position; the running rules go on.
	if err := os.WriteFile(path, []byte(withRule+"  - name: broken\n    query: 'NATO AND ('\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p.cmd.Process.Signal(syscall.SIGHUP)
	waitFor(t, p.stderr, "reload failed")
	if !strings.Contains(p.stderr.String(), "rules.yaml:") || !strings.Contains(p.stderr.String(), "unbalanced parenthesis") {
		t.Fatalf("the rejection does not say where:\n%s", p.stderr.String())
	}
	f.set(item("n", "NATO drills near the western borders", "Mon, 02 Jan 2006 17:04:05 +0000"),
		item("s", "New sanctions on steel", "Mon, 02 Jan 2006 16:04:05 +0000"), item("a", "Weather", "Mon, 02 Jan 2006 15:04:05 +0000"))
	waitFor(t, p.stdout, "NATO drills near the western borders")
	p.stop(t)
	if n := strings.Count(p.stdout.String(), "\n"); n != 2 {
		t.Fatalf("%d alerts, want 2 (nothing lost or repeated across reloads):\n%s", n, p.stdout.String())
	}
}

func TestShutdownDuringAHangingPollIsBoundedAndLosesNothing(t *testing.T) {
	var hang atomic.Bool
	hang.Store(true)
	fs, _ := newFeeds(t)
	f := feed{fs, "kremlin-en"}
	f.set(item("a", "NATO drills near the western borders", "Mon, 02 Jan 2006 15:04:05 +0000"))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hang.Load() {
			select {
			case <-r.Context().Done():
			case <-time.After(time.Minute):
			}
			return
		}
		f.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "rules.yaml"), fmt.Sprintf(consoleConfig, srv.URL))
	p := startIn(t, dir, nil, "--shutdown-timeout", "2s")
	waitFor(t, p.stderr, "attache started")
	time.Sleep(300 * time.Millisecond)           // the first poll is now hanging
	if took := p.stop(t); took > 8*time.Second { // 2 s, with room for a busy machine
		t.Fatalf("took %v to stop with a 2s shutdown timeout", took)
	}
	if !strings.Contains(p.stderr.String(), "cut short") {
		t.Errorf("the cut-short poll is not reported:\n%s", p.stderr.String())
	}
	// The interrupted poll recorded nothing: the next run polls the feed
	// and takes its baseline.
	hang.Store(false)
	r := attache(t, dir, "once")
	if r.code != 0 || !strings.Contains(r.stderr, "first poll") {
		t.Fatalf("after restart: code %d\n%s", r.code, r.stderr)
	}
}
