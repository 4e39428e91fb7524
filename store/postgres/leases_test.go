package postgres

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/store"
)

// past is a due time every feed has reached.
var past = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

func names(leases []Lease) []string {
	var ns []string
	for _, l := range leases {
		ns = append(ns, l.Name)
	}
	slices.Sort(ns)
	return ns
}

func feedNames(n int) []string {
	fs := make([]string, n)
	for i := range fs {
		fs[i] = fmt.Sprintf("feed-%03d", i)
	}
	return fs
}

func claim(t *testing.T, s *Store, owner string, limit int, ttl time.Duration) []Lease {
	t.Helper()
	leases, err := s.ClaimFeeds(t.Context(), owner, limit, ttl)
	if err != nil {
		t.Fatalf("ClaimFeeds(%s): %v", owner, err)
	}
	return leases
}

func TestClaimFeeds(t *testing.T) {
	s, _ := openTest(t)
	ctx := t.Context()
	feeds := feedNames(10)
	must(t, s.SetFeeds(ctx, "a", feeds, past))
	must(t, s.SetFeeds(ctx, "b", feeds, past))

	a := claim(t, s, "a", 6, time.Minute)
	b := claim(t, s, "b", 6, time.Minute)
	if len(a) != 6 || len(b) != 4 {
		t.Fatalf("a claimed %d and b %d of 10 feeds, want 6 and 4", len(a), len(b))
	}
	if both := slices.DeleteFunc(names(a), func(n string) bool { return !slices.Contains(names(b), n) }); len(both) > 0 {
		t.Errorf("feeds %q leased to a and to b", both)
	}
	if again := claim(t, s, "a", 10, time.Minute); len(again) != 0 {
		t.Errorf("a claimed %q again while every feed is leased", names(again))
	}
	for _, l := range append(a, b...) {
		if l.Epoch != 1 || l.Expires.Before(time.Now().Add(30*time.Second)) {
			t.Errorf("lease %+v: want epoch 1 and about a minute to run", l)
		}
	}

	t.Run("only feeds the replica names are claimed", func(t *testing.T) {
		must(t, s.SetFeeds(ctx, "c", []string{"only-c"}, past))
		got := claim(t, s, "b", 10, time.Minute)
		if len(got) != 0 {
			t.Errorf("b claimed %q, a feed it does not know", names(got))
		}
		got = claim(t, s, "c", 10, time.Minute)
		if !slices.Equal(names(got), []string{"only-c"}) {
			t.Errorf("c claimed %q, want only-c", names(got))
		}
	})

	t.Run("adding known feeds again keeps their schedule", func(t *testing.T) {
		future := time.Now().Add(time.Hour)
		must(t, s.SetFeeds(ctx, "c", []string{"later"}, future))
		must(t, s.SetFeeds(ctx, "c", []string{"later"}, past))
		if got := claim(t, s, "c", 10, time.Minute); len(got) != 0 {
			t.Errorf("a feed due in an hour was claimed now: %+v", got)
		}
	})

	t.Run("a feed dropped from a replica's configuration is no longer claimed by it", func(t *testing.T) {
		onlyC := Lease{Name: "only-c", Owner: "c", Epoch: 1}
		must(t, s.ReleaseFeeds(ctx, []Lease{onlyC}))
		if got := claim(t, s, "c", 10, time.Minute); len(got) != 0 {
			t.Errorf("c claimed %q, which it no longer polls", names(got))
		}
	})

	t.Run("a lease released is claimed at once by another replica, with a new epoch", func(t *testing.T) {
		must(t, s.ReleaseFeeds(ctx, a[:1]))
		got := claim(t, s, "b", 10, time.Minute)
		if len(got) != 1 || got[0].Name != a[0].Name || got[0].Epoch != 2 {
			t.Errorf("b claimed %+v, want %s at epoch 2", got, a[0].Name)
		}
	})

	t.Run("bad arguments are refused", func(t *testing.T) {
		for _, c := range []struct {
			owner string
			limit int
			ttl   time.Duration
		}{{"", 1, time.Second}, {"a", 0, time.Second}, {"a", 1, 0}} {
			if _, err := s.ClaimFeeds(ctx, c.owner, c.limit, c.ttl); err == nil {
				t.Errorf("ClaimFeeds(%q, %d, %v) succeeded", c.owner, c.limit, c.ttl)
			}
		}
	})
}

// TestReplicasClaimingTogetherNeverShareAFeed has eight replicas claim 300
// due feeds at once, a few at a time, until none is left: each feed is
// leased exactly once.
func TestReplicasClaimingTogetherNeverShareAFeed(t *testing.T) {
	_, dsn := openTest(t)
	feeds := feedNames(300)

	const replicas = 8
	got := make([][]Lease, replicas)
	errs := make([]error, replicas)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for r := range replicas {
		wg.Go(func() {
			// A pool of its own, as a separate process has.
			rs, err := Open(t.Context(), dsn)
			if err != nil {
				errs[r] = err
				return
			}
			defer rs.Close()
			id := fmt.Sprint("replica-", r)
			if err := rs.SetFeeds(t.Context(), id, feeds, past); err != nil {
				errs[r] = err
				return
			}
			<-start
			for {
				leases, err := rs.ClaimFeeds(t.Context(), id, 7, time.Minute)
				if err != nil {
					errs[r] = err
					return
				}
				if len(leases) == 0 {
					return
				}
				got[r] = append(got[r], leases...)
			}
		})
	}
	close(start)
	wg.Wait()
	owners := map[string]int{}
	for r, leases := range got {
		if errs[r] != nil {
			t.Fatalf("replica %d: %v", r, errs[r])
		}
		for _, l := range leases {
			owners[l.Name]++
		}
	}
	for _, f := range feeds {
		if owners[f] != 1 {
			t.Errorf("feed %s leased %d times, want once", f, owners[f])
		}
	}
	var busy int
	for _, leases := range got {
		if len(leases) > 0 {
			busy++
		}
	}
	t.Logf("%d of %d replicas got feeds", busy, replicas)
}

func TestAnExpiredLeaseIsTakenOverAndTheOldOwnersCommitRefused(t *testing.T) {
	s, _ := openTest(t)
	ctx := t.Context()
	must(t, s.SetFeeds(ctx, "a", []string{"f"}, past))
	must(t, s.SetFeeds(ctx, "b", []string{"f"}, past))
	a := claim(t, s, "a", 1, 100*time.Millisecond)
	if len(a) != 1 {
		t.Fatalf("a claimed %d feeds, want 1", len(a))
	}
	if b := claim(t, s, "b", 1, time.Minute); len(b) != 0 {
		t.Fatalf("b claimed %+v while a's lease runs", b)
	}
	time.Sleep(300 * time.Millisecond) // a stalls past its lease
	b := claim(t, s, "b", 1, time.Minute)
	if len(b) != 1 || b[0].Epoch != a[0].Epoch+1 {
		t.Fatalf("b claimed %+v after a's lease expired, want f at epoch %d", b, a[0].Epoch+1)
	}

	it := attache.Item{Key: "1", Story: "s", Title: "NATO"}
	alert := attache.Alert{ID: "f/1/d", Destination: "d", Item: it,
		Matches: []attache.Match{{Rule: "r", Severity: attache.SeverityHigh}}}
	batchAt := func(now time.Time) store.RecordBatch {
		return store.RecordBatch{Feed: "f", State: store.FeedState{Feed: "f", Baselined: true, LastPoll: now},
			Items: []attache.Item{it}, Alerts: []attache.Alert{alert}, Now: now}
	}

	t.Run("the stalled owner's commit is refused and writes nothing", func(t *testing.T) {
		_, err := s.RecordLeased(ctx, a[0], batchAt(past), time.Now().Add(time.Hour))
		if !errors.Is(err, ErrLeaseLost) {
			t.Fatalf("RecordLeased under the old lease: %v, want ErrLeaseLost", err)
		}
		if n, _ := s.CountItems(ctx, "f"); n != 0 {
			t.Errorf("%d items recorded under a lost lease", n)
		}
		if st, _ := s.FeedState(ctx, "f"); st.Known {
			t.Errorf("state saved under a lost lease: %+v", st)
		}
		if due, _ := s.Due(ctx, "d", past.Add(time.Hour), 10); len(due) != 0 {
			t.Errorf("alerts queued under a lost lease: %+v", due)
		}
		if err := s.SaveFeedStateLeased(ctx, a[0], store.FeedState{Feed: "f"}, time.Time{}); !errors.Is(err, ErrLeaseLost) {
			t.Errorf("SaveFeedStateLeased under the old lease: %v, want ErrLeaseLost", err)
		}
		if renewed, err := s.RenewFeeds(ctx, a, time.Minute); err != nil || len(renewed) != 0 {
			t.Errorf("RenewFeeds of the old lease = %+v, %v; want nothing renewed", renewed, err)
		}
	})

	t.Run("the new owner's commit goes through, frees the feed and sets when it is next due", func(t *testing.T) {
		queued, err := s.RecordLeased(ctx, b[0], batchAt(past), time.Now().Add(time.Hour))
		if err != nil || len(queued) != 1 {
			t.Fatalf("RecordLeased = %d alerts, %v; want 1", len(queued), err)
		}
		if n, _ := s.CountItems(ctx, "f"); n != 1 {
			t.Errorf("%d items recorded, want 1", n)
		}
		if got := claim(t, s, "a", 1, time.Minute); len(got) != 0 {
			t.Errorf("f claimed again before it is due: %+v", got)
		}
		if _, err := s.RecordLeased(ctx, b[0], batchAt(past), time.Time{}); !errors.Is(err, ErrLeaseLost) {
			t.Errorf("a second commit under a released lease: %v, want ErrLeaseLost", err)
		}
	})

	t.Run("a commit under another feed's lease is refused", func(t *testing.T) {
		other := store.RecordBatch{Feed: "g", State: store.FeedState{Feed: "g"}, Now: past}
		if _, err := s.RecordLeased(ctx, b[0], other, time.Time{}); err == nil {
			t.Error("RecordLeased of feed g under f's lease succeeded")
		}
	})
}

func TestRenewFeeds(t *testing.T) {
	s, _ := openTest(t)
	ctx := t.Context()
	must(t, s.SetFeeds(ctx, "a", feedNames(3), past))
	leases := claim(t, s, "a", 3, time.Minute)
	must(t, s.ReleaseFeeds(ctx, leases[2:]))
	renewed, err := s.RenewFeeds(ctx, leases, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(names(renewed), names(leases[:2])) {
		t.Fatalf("renewed %q, want the two leases still held, %q", names(renewed), names(leases[:2]))
	}
	for _, l := range renewed {
		if l.Expires.Before(time.Now().Add(50 * time.Minute)) {
			t.Errorf("lease %s renewed to %v, want about an hour from now", l.Name, l.Expires)
		}
	}
	stolen := renewed[0]
	stolen.Owner = "b"
	if got, err := s.RenewFeeds(ctx, []Lease{stolen}, time.Hour); err != nil || len(got) != 0 {
		t.Errorf("b renewed a's lease: %+v, %v", got, err)
	}
}

func TestHeartbeatsAndLeave(t *testing.T) {
	s, _ := openTest(t)
	ctx := t.Context()
	must(t, s.Heartbeat(ctx, Replica{ID: "a", ConfigHash: "h1", Version: "v1"}, time.Minute))
	must(t, s.Heartbeat(ctx, Replica{ID: "b", ConfigHash: "h2", Version: "v1"}, time.Millisecond))
	time.Sleep(50 * time.Millisecond)
	must(t, s.Heartbeat(ctx, Replica{ID: "a", ConfigHash: "h3", Version: "v2"}, time.Minute))
	replicas, err := s.Replicas(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(replicas) != 2 {
		t.Fatalf("Replicas = %+v, want a and b", replicas)
	}
	a, b := replicas[0], replicas[1]
	if a.ID != "a" || !a.Alive || a.ConfigHash != "h3" || a.Version != "v2" || !a.Heartbeat.After(a.Started) {
		t.Errorf("replica a = %+v, want alive with h3, v2 and a heartbeat after its start", a)
	}
	if b.ID != "b" || b.Alive {
		t.Errorf("replica b = %+v, want its heartbeat expired", b)
	}

	must(t, s.SetFeeds(ctx, "a", []string{"f"}, past))
	must(t, s.SetFeeds(ctx, "b", []string{"f"}, past))
	if got := claim(t, s, "a", 1, time.Hour); len(got) != 1 {
		t.Fatalf("a claimed %d feeds, want 1", len(got))
	}
	must(t, s.Leave(ctx, "a"))
	if got := claim(t, s, "b", 1, time.Hour); len(got) != 1 {
		t.Errorf("after a left, b claimed %d feeds, want a's feed at once", len(got))
	}
	if replicas, _ := s.Replicas(ctx); len(replicas) != 1 || replicas[0].ID != "b" {
		t.Errorf("after a left, Replicas = %+v, want only b", replicas)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
