package e2e

import (
	"context"
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// smallDisk mounts a tmpfs of the given size at dir, for the disk-full and
// read-only cases; they need root and are skipped without it.
func smallDisk(t *testing.T, dir, size string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a small file system needs root")
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
}

func (s *site) onceCode() (int, string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := s.command(ctx, "once")
	var errb strings.Builder
	cmd.Stderr = &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), errb.String()
	}
	if err != nil {
		s.t.Fatal(err)
	}
	return 0, errb.String()
}

func TestDiskFullAndReadOnlyStateFailClearlyAndRecover(t *testing.T) {
	t.Parallel()
	s := newSite(t, 1000)
	stateDir := filepath.Join(s.dir, "state")
	if err := os.Mkdir(stateDir, 0o700); err != nil {
		t.Fatal(err)
	}
	smallDisk(t, stateDir, "16m")
	cfg, _ := os.ReadFile(filepath.Join(s.dir, "rules.yaml"))
	s.writeConfig(strings.Replace(string(cfg), "state: state.db", "state: state/state.db", 1))
	s.baseline()

	// Fill the disk, then publish items too big to record.
	filler := filepath.Join(stateDir, "filler")
	fill := exec.Command("dd", "if=/dev/zero", "of="+filler, "bs=64k")
	fill.Run() // stops at "no space left"
	var items []entry
	for _, id := range ids("full", 5) {
		e := news(id)
		e.Desc = strings.Repeat("NATO at the western borders. ", 1000)
		items = append(items, e)
	}
	s.feeds.set("news", items...)
	code, out := s.onceCode()
	if code != 1 || !(strings.Contains(out, "full") || strings.Contains(out, "space")) {
		t.Fatalf("disk full: code %d, want 1 with a clear error:\n%s", code, out)
	}
	if s.slack.count() != 0 {
		t.Fatalf("%d messages sent for items that could not be recorded", s.slack.count())
	}

	// Space again: the database is whole, and the items are new, recorded
	// and alerted once.
	os.Remove(filler)
	integrity(t, filepath.Join(stateDir, "state.db"))
	if code, out := s.onceCode(); code != 0 {
		t.Fatalf("after freeing space: code %d\n%s", code, out)
	}
	exactlyOnce(t, s.slack.received(ids("full", 5)...), ids("full", 5))

	// A read-only state folder: a clear error, then recovery.
	if out, err := exec.Command("mount", "-o", "remount,ro", stateDir).CombinedOutput(); err != nil {
		t.Fatalf("remount read-only: %v %s", err, out)
	}
	s.feeds.set("news", append(items, news("ro"))...)
	code, out = s.onceCode()
	if code != 1 || !strings.Contains(strings.ToLower(out), "read-only") && !strings.Contains(strings.ToLower(out), "readonly") {
		t.Fatalf("read-only: code %d, want 1 with a clear error:\n%s", code, out)
	}
	if out, err := exec.Command("mount", "-o", "remount,rw", stateDir).CombinedOutput(); err != nil {
		t.Fatalf("remount read-write: %v %s", err, out)
	}
	if code, out := s.onceCode(); code != 0 {
		t.Fatalf("after remounting read-write: code %d\n%s", code, out)
	}
	exactlyOnce(t, s.slack.received("ro"), []string{"ro"})
	integrity(t, filepath.Join(stateDir, "state.db"))
}

func integrity(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var verdict string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&verdict); err != nil || verdict != "ok" {
		t.Fatalf("integrity_check = %q, %v", verdict, err)
	}
}
