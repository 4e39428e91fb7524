package postgres

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/store"
)

// TestReplicasRecordingOneStoryAlertItOnce has four replicas, each polling
// its own feeds, record at once items that tell the same 40 stories, in
// batches of several alerts in different orders (the orders in which two
// transactions claim the same rows and can deadlock): each story is
// alerted once per destination, and no Record fails.
func TestReplicasRecordingOneStoryAlertItOnce(t *testing.T) {
	_, dsn := openTest(t)
	const replicas, stories, perBatch = 4, 40, 5
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	errs := make(chan error, replicas)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for r := range replicas {
		wg.Go(func() {
			s, err := Open(t.Context(), dsn)
			if err != nil {
				errs <- err
				return
			}
			defer s.Close()
			order := rand.Perm(stories)
			<-start
			for b := 0; b < stories; b += perBatch {
				feed := fmt.Sprintf("replica-%d-feed-%d", r, b/perBatch)
				batch := store.RecordBatch{Feed: feed, Now: now}
				for _, st := range order[b : b+perBatch] {
					it := attache.Item{Key: fmt.Sprint(st), Story: fmt.Sprintf("https://example.org/%d", st)}
					batch.Items = append(batch.Items, it)
					for _, dest := range []string{"d", "e"} {
						batch.Alerts = append(batch.Alerts, attache.Alert{ID: feed + "/" + it.Key + "/" + dest,
							Destination: dest, Item: it,
							Matches: []attache.Match{{Rule: "r", Severity: attache.SeverityHigh}, {Rule: "s", Severity: attache.SeverityHigh}}})
					}
				}
				if _, err := s.Record(t.Context(), batch); err != nil {
					errs <- fmt.Errorf("replica %d: %w", r, err)
					return
				}
			}
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	s, err := Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	stats, err := s.QueueStats(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(stats) != 2 || stats[0].Queued != stories || stats[1].Queued != stories {
		t.Errorf("QueueStats = %+v, want %d alerts queued for each of d and e", stats, stories)
	}
	counts, err := s.RuleCounts(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if counts["r"] != 2*stories || counts["s"] != 2*stories {
		t.Errorf("RuleCounts = %v, want %d for r and s", counts, 2*stories)
	}
}
