package e2e

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// startListening starts the daemon with --listen and returns it and its
// base URL.
func (s *site) startListening() (*daemon, string) {
	s.t.Helper()
	d := s.start("--listen", "127.0.0.1:0")
	waitFor(s.t, d.stderr, "serving /metrics")
	addr := regexp.MustCompile(`listen=(127\.0\.0\.1:\d+)`).FindStringSubmatch(d.stderr.String())
	if addr == nil {
		s.t.Fatalf("no address in\n%s", d.stderr.String())
	}
	return d, "http://" + addr[1]
}

// healthConfig is the site's configuration with health alerts to Slack.
func (s *site) healthConfig() {
	s.writeConfig(strings.Replace(configText(s.url, s.slack.url(), 20, nil), "health_notify: []", "health_notify: [analysts]", 1))
}

// TestADeletedStateFileFailsReadinessAndAlerts removes the state file
// under the running daemon: /readyz fails and a health alert reaches Slack.
// Before, the daemon wrote on into the deleted file, /readyz said "ready",
// and the queue was lost at the restart.
func TestADeletedStateFileFailsReadinessAndAlerts(t *testing.T) {
	t.Parallel()
	s := newSite(t, 20)
	s.healthConfig()
	s.baseline()
	d, base := s.startListening()
	if code, body := get(t, base+"/readyz"); code != 200 {
		t.Fatalf("/readyz = %d %s before the removal", code, body)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(filepath.Join(s.dir, "state.db"+suffix))
	}
	eventually(t, 30*time.Second, "/readyz failing", func() bool {
		code, body := get(t, base+"/readyz")
		return code == 503 && strings.Contains(body, "deleted")
	})
	s.waitForMessage(t, "state.db is unhealthy")
	d.stop(t)
}

// TestADamagedStateFailsReadinessAndAlerts starts the daemon on a state
// whose pages were overwritten while it was stopped: quick_check fails at
// start, /readyz fails and a health alert reaches Slack. Before, every poll
// failed with state_error while /readyz answered "ready".
func TestADamagedStateFailsReadinessAndAlerts(t *testing.T) {
	t.Parallel()
	s := newSite(t, 20)
	s.healthConfig()
	s.baseline()
	path := filepath.Join(s.dir, "state.db")
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	// The items' pages: the schema and the queue still read, so the
	// daemon starts, and quick_check finds the damage.
	junk := []byte(strings.Repeat("\xde\xad\xbe\xef", 1024))
	for _, page := range itemPages(t, path) {
		if (page-1)*4096 < fi.Size() {
			f.WriteAt(junk, (page-1)*4096)
		}
	}
	f.Close()
	d, base := s.startListening()
	eventually(t, 30*time.Second, "/readyz failing", func() bool {
		code, body := get(t, base+"/readyz")
		return code == 503 && strings.Contains(body, "damaged")
	})
	s.waitForMessage(t, "state.db is unhealthy")
	d.stop(t)
}

// waitForMessage waits for a Slack message that contains text.
func (s *site) waitForMessage(t *testing.T, text string) {
	t.Helper()
	eventually(t, 10*time.Second, fmt.Sprintf("a message with %q in Slack", text), func() bool {
		for _, m := range s.slack.messages() {
			if strings.Contains(m, text) {
				return true
			}
		}
		return false
	})
}

// itemPages lists the pages (numbered from 1) of the items table and its
// indexes, from SQLite's own directory of pages.
func itemPages(t *testing.T, path string) []int64 {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT rootpage FROM sqlite_master WHERE tbl_name = 'items' AND rootpage > 0`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var pages []int64
	for rows.Next() {
		var p int64
		if err := rows.Scan(&p); err != nil {
			t.Fatal(err)
		}
		pages = append(pages, p)
	}
	if len(pages) == 0 {
		t.Fatal("no page of the items table found")
	}
	return pages
}
