package sqlite

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/attache-dev/attache"
)

// TestTwoHandlesOnOneFile stands for two processes on one file, such as the
// daemon and `attache test --since`: writes wait for each other instead of
// failing with "database is locked".
func TestTwoHandlesOnOneFile(t *testing.T) {
	a, path := openTest(t)
	b, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	const polls = 30
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for i, s := range []*Store{a, b} {
		wg.Go(func() {
			feed := fmt.Sprintf("feed-%d", i)
			for p := range polls {
				it := item(feed, fmt.Sprint(p))
				b := batch(feed, t0.Add(time.Duration(p)*time.Second), []attache.Item{it}, alertFor(it, "d", "r"))
				if _, err := s.Record(t.Context(), b); err != nil {
					errs <- err
					return
				}
				if _, err := s.ItemsSince(t.Context(), t0); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := rowCount(t, a, "alerts"); n != 2*polls {
		t.Errorf("%d alerts queued, want %d", n, 2*polls)
	}
}
