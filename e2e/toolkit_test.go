package e2e

import (
	"strings"
	"testing"
)

// TestTheOperatorsSmallAnswers: what the command line says to an operator
// who mistypes a feed, asks for the version or for help, or reads a test of
// an item that names its term many times.
func TestTheOperatorsSmallAnswers(t *testing.T) {
	dir, f := setup(t)

	t.Run("a mistyped feed name is said as such, with the feeds there are", func(t *testing.T) {
		r := attache(t, dir, "test", "kremlin-eng")
		if r.code != 2 || !strings.Contains(r.stderr, `"kremlin-eng" is neither a configured feed, a file nor a URL; the configured feeds are: kremlin-en`) {
			t.Errorf("exit %d, stderr:\n%s", r.code, r.stderr)
		}
	})
	t.Run("--version answers like version", func(t *testing.T) {
		r := attache(t, dir, "--version")
		if r.code != 0 || !strings.HasPrefix(r.stdout, "attache ") {
			t.Errorf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
		}
	})
	t.Run("-h shows the defaults", func(t *testing.T) {
		r := attache(t, dir, "once", "-h")
		if r.code != 0 || !strings.Contains(r.stderr, "(default 2m0s)") || !strings.Contains(r.stderr, "(default info)") {
			t.Errorf("exit %d, stderr:\n%s", r.code, r.stderr)
		}
	})
	t.Run("a term matched many times is listed once, with its count", func(t *testing.T) {
		f.set(entry{GUID: "many", Title: "NATO, NATO and NATO at Belarus", Link: "https://example.org/many", Desc: "NATO NATO NATO NATO"})
		r := attache(t, dir, "test", "kremlin-en")
		if r.code != 0 || strings.Count(r.stdout, `"NATO" matched`) != 2 || !strings.Contains(r.stdout, "(3 times)") || !strings.Contains(r.stdout, "(4 times)") {
			t.Errorf("exit %d, stdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
		}
	})
}

// TestARestartSaysWhichFeedsAreStillFailing: a feed that failed before the
// restart is in backoff and its unchanged error is not logged again; the
// start says so instead of nothing.
func TestARestartSaysWhichFeedsAreStillFailing(t *testing.T) {
	t.Parallel()
	s := newSite(t, 20)
	s.writeConfig(configText("http://127.0.0.1:1", s.slack.url(), 20, nil)) // nothing listens there
	s.onceExit(1)
	d := s.start()
	waitFor(t, d.stderr, "attache started")
	d.stop(t)
	line := lineWith(d.stderr.String(), "feed failing since before this start")
	if !strings.Contains(line, "feed=news") || !strings.Contains(line, "connection refused") {
		t.Errorf("the start said nothing of the failing feed:\n%s", d.stderr.String())
	}
}
