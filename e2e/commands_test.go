package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const consoleConfig = `state: state.db
schedule: "@every 1s"
feeds:
  - name: kremlin-en
    url: %s/kremlin-en
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

// setup writes the console configuration over one served feed,
// kremlin-en.
func setup(t *testing.T) (dir string, f feed) {
	t.Helper()
	fs, srv := newFeeds(t)
	dir = t.TempDir()
	writeFile(t, filepath.Join(dir, "rules.yaml"), fmt.Sprintf(consoleConfig, srv.URL))
	return dir, feed{fs, "kremlin-en"}
}

func TestOnceAlertsEachNewMatchingItemExactlyOnce(t *testing.T) {
	dir, f := setup(t)
	old := []entry{
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
	f.set(append([]entry{fresh}, old...)...)
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
		redated := old[0]
		redated.Date = strings.Replace(redated.Date, "2006", "2030", 1)
		f.set(old[1], fresh, redated)
		if r := attache(t, dir, "once"); r.code != 0 || r.stdout != "" {
			t.Fatalf("code %d, stdout %q", r.code, r.stdout)
		}
	})
	t.Run("an unchanged feed is not downloaded again", func(t *testing.T) {
		before := f.hits()
		attache(t, dir, "once")
		if n := f.hits() - before; n != 0 {
			t.Fatalf("the feed was sent %d more times; want a 304", n)
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
	r := attache(t, "..", "check")
	if r.code != 0 {
		t.Fatalf("rules.yaml: code %d\n%s", r.code, r.stderr)
	}
}

func TestRunAlertsAndStopsCleanlyOnSIGTERM(t *testing.T) {
	dir, f := setup(t)
	f.set(item("a", "Weather", "Mon, 02 Jan 2006 15:04:05 +0000"))
	d := startIn(t, dir, nil)
	waitFor(t, d.stderr, `msg="first poll`) // not "new, empty state: every feed's first poll ..."
	f.set(item("n", "NATO to Belarus border", "Mon, 02 Jan 2006 17:04:05 +0000"), item("a", "Weather", "Mon, 02 Jan 2006 15:04:05 +0000"))
	waitFor(t, d.stdout, "NATO to Belarus border")
	if took := d.stop(t); took > 10*time.Second {
		t.Fatalf("took %v to stop", took)
	}
	if n := strings.Count(d.stdout.String(), "\n"); n != 1 {
		t.Fatalf("%d alert lines, want 1:\n%s", n, d.stdout.String())
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
