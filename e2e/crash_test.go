package e2e

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// TestKillNineAtRandomMomentsLosesNothing kills the daemon with SIGKILL at
// random moments while its feed changes and Slack answers slowly. Every
// matching item must arrive, with at most one duplicate per kill, and the
// database must pass an integrity check.
func TestKillNineAtRandomMomentsLosesNothing(t *testing.T) {
	t.Parallel()
	s := newSite(t, 1000) // one message per alert, so that every send is a chance to crash mid-way
	s.baseline()
	s.slack.always(answer{delay: 150 * time.Millisecond})
	rng := rand.New(rand.NewPCG(7, uint64(*kills)))

	var published []string
	var items []entry
	for k := range *kills {
		for j := range 3 {
			id := fmt.Sprintf("k%d-%d", k, j)
			published = append(published, id)
			items = append([]entry{news(id)}, items...)
		}
		s.feeds.set("news", items...)
		d := s.start()
		time.Sleep(time.Duration(200+rng.IntN(1800)) * time.Millisecond)
		d.kill()
	}

	// Slack recovers; one more run delivers whatever is left.
	s.slack.always(answer{})
	d := s.start()
	eventually(t, 2*time.Minute, "every published item", func() bool {
		got := s.slack.received(published...)
		for _, id := range published {
			if got[id] == 0 {
				return false
			}
		}
		return true
	})
	d.stop(t)

	got := s.slack.received(published...)
	dups := 0
	for _, id := range published {
		dups += got[id] - 1
	}
	if dups > *kills {
		t.Errorf("%d duplicates after %d kills: more than one per kill", dups, *kills)
	}
	t.Logf("%d kills, %d items, all delivered, %d duplicates", *kills, len(published), dups)

	db, err := sql.Open("sqlite", filepath.Join(s.dir, "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var verdict string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&verdict); err != nil || verdict != "ok" {
		t.Fatalf("integrity_check = %q, %v", verdict, err)
	}
}
