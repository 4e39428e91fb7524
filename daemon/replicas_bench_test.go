package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/rules"
	"github.com/attache-dev/attache/source"
	"github.com/attache-dev/attache/store/postgres"
	"github.com/attache-dev/attache/store/postgres/pgtest"
	"github.com/attache-dev/attache/store/sqlite"
	"github.com/attache-dev/attache/watcher"
)

// benchFeeds is how many feeds the replicas benchmark polls.
const benchFeeds = 10000

// steadyFeeds serves benchFeeds small RSS feeds at /N, each with an ETag
// that a conditional request matches: after the first poll every feed
// answers 304, the steady state of a daemon, where the state's reads and
// writes are the cost of a poll.
func steadyFeeds(b *testing.B) *httptest.Server {
	b.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		etag := `"v1` + r.URL.Path + `"`
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<rss version="2.0"><channel><title>t</title><item><guid>%s-1</guid><title>Weather</title><link>https://example.org%s/1</link></item></channel></rss>`, r.URL.Path, r.URL.Path)
	}))
	b.Cleanup(srv.Close)
	return srv
}

func benchRuleset(b *testing.B, feeds []attache.Feed) *watcher.Ruleset {
	b.Helper()
	m, err := rules.Compile([]rules.Rule{{Name: "nato", Query: "NATO"}}, nil)
	if err != nil {
		b.Fatal(err)
	}
	return watcher.NewRuleset(m, []attache.Rule{{Name: "nato", Severity: attache.SeverityHigh, Notify: []string{"log"}}}, feeds)
}

// BenchmarkCycleOf10000Feeds measures, in the steady state (every feed
// answering 304), how many feeds a second are polled, recorded and
// rescheduled: by one process on SQLite (PollAll, 8 at a time), and by one
// and by three replicas on PostgreSQL (leased: claim, poll, fenced commit),
// each replica 8 at a time, with the server on the same machine. It
// reports feeds/s for each and the cost per feed of PostgreSQL with one
// replica against SQLite.
func BenchmarkCycleOf10000Feeds(b *testing.B) {
	ctx := context.Background()
	srv := steadyFeeds(b)
	feeds := make([]attache.Feed, benchFeeds)
	for i := range feeds {
		feeds[i] = attache.Feed{Name: fmt.Sprintf("f%05d", i), URL: fmt.Sprintf("%s/%d", srv.URL, i), Schedule: "@every 1s"}
	}
	rs := benchRuleset(b, feeds)
	fetcher := source.NewFetcher(source.Options{Timeout: 10 * time.Second})
	log := slog.New(slog.DiscardHandler)

	// SQLite: a baseline cycle, then a timed one.
	lite, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "state.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer lite.Close()
	p := watcher.NewPoller(fetcher, lite, rs, watcher.PollerOptions{Logger: log})
	p.PollAll(ctx, feeds, pollConcurrency)
	start := time.Now()
	for _, r := range p.PollAll(ctx, feeds, pollConcurrency) {
		if r.Class != attache.PollNotModified {
			b.Fatalf("feed %s: %s %v", r.Feed, r.Class, r.Err)
		}
	}
	sqliteRate := benchFeeds / time.Since(start).Seconds()

	dsn := pgtest.DSN(b)
	// The baseline of every feed, through one store, outside the timing.
	seed, err := postgres.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer seed.Close()
	watcher.NewPoller(fetcher, seed, rs, watcher.PollerOptions{Logger: log}).PollAll(ctx, feeds, pollConcurrency)

	rate := func(replicas int) float64 {
		var polled atomic.Int64
		work, cancel := context.WithCancel(ctx)
		defer cancel()
		var scheds []*leasedScheduler
		for i := range replicas {
			st, err := postgres.Open(ctx, dsn)
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			poller := watcher.NewPoller(fetcher, st, rs, watcher.PollerOptions{Logger: log,
				Observe: func(r watcher.PollResult, _ time.Duration) {
					if r.Class == attache.PollNotModified {
						polled.Add(1)
					}
				}})
			d := &daemon{log: log, work: work, poller: poller}
			rep := &replica{id: fmt.Sprintf("bench-%d-%d", replicas, i), store: st, ttl: 30 * time.Second}
			names := make([]string, len(feeds))
			for j, f := range feeds {
				names[j] = f.Name
			}
			if err := st.SetFeeds(ctx, rep.id, names, time.Now()); err != nil {
				b.Fatal(err)
			}
			s, err := newLeasedScheduler(d, rep, feeds, "@every 1s", time.UTC)
			if err != nil {
				b.Fatal(err)
			}
			scheds = append(scheds, s)
		}
		// Every feed is due (its next turn a second after its last poll):
		// the replicas run flat out for the whole window.
		const window = 8 * time.Second
		for _, s := range scheds {
			s.Start()
		}
		time.Sleep(time.Second) // the claim loops' start
		from, start := polled.Load(), time.Now()
		time.Sleep(window)
		n := polled.Load() - from
		took := time.Since(start)
		for _, s := range scheds {
			<-s.Stop().Done()
		}
		return float64(n) / took.Seconds()
	}
	b.ResetTimer()
	var one, three float64
	for range b.N {
		one, three = rate(1), rate(3)
	}
	b.StopTimer()
	b.ReportMetric(sqliteRate, "sqlite-feeds/s")
	b.ReportMetric(one, "pg1-feeds/s")
	b.ReportMetric(three, "pg3-feeds/s")
	b.ReportMetric(sqliteRate/one, "pg1-cost-vs-sqlite")
	b.ReportMetric(benchFeeds/one, "pg1-cycle-s")
	b.ReportMetric(benchFeeds/three, "pg3-cycle-s")
}
