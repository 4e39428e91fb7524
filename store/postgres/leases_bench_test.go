package postgres

import (
	"testing"
	"time"

	"github.com/attache-dev/attache/store/postgres/pgtest"
)

// BenchmarkClaimFeedsOf10000 claims due feeds 50 at a time among 10,000
// that a replica polls, as a replica catching up after a start does, and
// reports the time per feed claimed against the time of a bare round trip
// (SELECT 1) on the same pool. Between claims, untimed, the claimed feeds
// are made due in an hour, as their commits would.
func BenchmarkClaimFeedsOf10000(b *testing.B) {
	s, err := Open(b.Context(), pgtest.DSN(b))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	feeds := feedNames(10000)
	if err := s.SetFeeds(b.Context(), "a", feeds, past); err != nil {
		b.Fatal(err)
	}
	var claimT, rtT time.Duration
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		var one int
		if err := s.pool.QueryRow(b.Context(), `SELECT 1`).Scan(&one); err != nil {
			b.Fatal(err)
		}
		rtT += time.Since(start)

		start = time.Now()
		leases, err := s.ClaimFeeds(b.Context(), "a", 50, time.Minute)
		claimT += time.Since(start)
		if err != nil || len(leases) != 50 {
			b.Fatalf("claim %d: %d leases, %v", i, len(leases), err)
		}

		b.StopTimer()
		_, err = s.pool.Exec(b.Context(), `UPDATE feed_leases SET owner = NULL, expires = NULL,
			next_due = now() + interval '1 hour' WHERE feed = ANY($1)`, names(leases))
		if err == nil && (i+1)%200 == 0 { // every feed claimed once: all due again
			_, err = s.pool.Exec(b.Context(), `UPDATE feed_leases SET next_due = $1`, past)
		}
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(claimT.Nanoseconds())/float64(b.N*50), "ns/feed-claimed")
	b.ReportMetric(float64(claimT)/float64(rtT), "claim/round-trip")
}
