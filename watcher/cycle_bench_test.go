package watcher

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/attache-dev/attache"

	"github.com/mmcdole/gofeed"
	"golang.org/x/sync/errgroup"

	"github.com/attache-dev/attache/internal/corpus"
	"github.com/attache-dev/attache/rules"
	"github.com/attache-dev/attache/source"
	"github.com/attache-dev/attache/store/sqlite"
)

// The cycle benchmark polls 1,000 feeds of 50 items each, served by a local
// server, three ways in one run:
//
//	bare    fetch and gofeed.Parse each feed, nothing else (the floor)
//	full    the real cycle, every feed answering 200 with one new item
//	steady  the real cycle, every feed answering 304
//
// and reports full ÷ bare, full ÷ steady and the peak heap of each.

const (
	benchFeeds       = 1000
	benchItems       = 50
	benchConcurrency = 8
)

// benchEntries are real Kremlin entries (title, summary, content) that the
// generated feeds repeat, so that items have realistic sizes and markup.
var benchEntries = sync.OnceValue(func() []string {
	raw, err := os.ReadFile(filepath.Join(corpus.Dir(), "feeds", "kremlin-en-all-2018-01-07.atom.xml"))
	if err != nil {
		panic(err) // the benchmark checked that the corpus is there
	}
	f, err := gofeed.NewParser().Parse(bytes.NewReader(raw))
	if err != nil {
		panic(err)
	}
	var out []string
	for _, it := range f.Items {
		var b strings.Builder
		fmt.Fprintf(&b, "<title>%s</title><description><![CDATA[%s]]></description>", xmlEscape(it.Title), it.Description+it.Content)
		out = append(out, b.String())
	}
	return out
})

func xmlEscape(s string) string {
	var b strings.Builder
	_ = xmlEscapeTo(&b, s)
	return b.String()
}

func xmlEscapeTo(w io.Writer, s string) error {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	_, err := r.WriteString(w, s)
	return err
}

// cycleServer serves feed i at /i with items cycle..cycle+49: each new cycle
// brings one new item per feed. In steady mode it answers 304 to its ETag.
type cycleServer struct {
	cycle  atomic.Int64
	steady atomic.Bool
}

func (s *cycleServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	feed, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/"))
	c := int(s.cycle.Load())
	etag := fmt.Sprintf(`"%d-%d"`, feed, c)
	if s.steady.Load() && r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	entries := benchEntries()
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>feed</title><link>https://example.org/</link>`)
	for k := c + benchItems - 1; k >= c; k-- {
		fmt.Fprintf(&b, "<item><guid>f%d-%d</guid><link>https://example.org/%d/%d</link><pubDate>%s</pubDate>%s</item>",
			feed, k, feed, k, time.Unix(1.7e9+int64(k)*3600, 0).UTC().Format(time.RFC1123Z), entries[(feed+k)%len(entries)])
	}
	b.WriteString("</channel></rss>")
	w.Header().Set("ETag", etag)
	w.Header().Set("Content-Type", "application/rss+xml")
	_, _ = w.Write(b.Bytes())
}

// peakHeap samples the live heap while fn runs.
func peakHeap(fn func()) uint64 {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var ms runtime.MemStats
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak.Load() {
				peak.Store(ms.HeapAlloc)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	fn()
	close(done)
	wg.Wait()
	return peak.Load()
}

func BenchmarkCycle(b *testing.B) {
	corpus.Path(b, "feeds/kremlin-en-all-2018-01-07.atom.xml") // skips when absent
	if testing.Short() {
		b.Skip("polls 1,000 feeds")
	}
	srv := &cycleServer{}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	ts.Client().Transport.(*http.Transport).MaxIdleConnsPerHost = benchConcurrency
	feeds := make([]attache.Feed, benchFeeds)
	for i := range feeds {
		feeds[i] = attache.Feed{Name: fmt.Sprintf("feed-%d", i), URL: fmt.Sprintf("%s/%d", ts.URL, i), Lang: "en"}
	}
	var bareNs, fullNs float64

	b.Run("mode=bare-fetch-parse", func(b *testing.B) {
		client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: benchConcurrency}}
		var heap uint64
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			srv.cycle.Add(1)
			heap = max(heap, peakHeap(func() {
				g := errgroup.Group{}
				g.SetLimit(benchConcurrency)
				for _, f := range feeds {
					g.Go(func() error {
						resp, err := client.Get(f.URL)
						if err != nil {
							return err
						}
						defer resp.Body.Close()
						_, err = gofeed.NewParser().Parse(resp.Body)
						return err
					})
				}
				if err := g.Wait(); err != nil {
					b.Fatal(err)
				}
			}))
		}
		bareNs = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		b.ReportMetric(benchFeeds*1e9/bareNs, "feeds/s")
		b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MB")
	})

	// The real cycle, on a real SQLite file: rules, store, everything.
	st, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	m, err := rules.Compile([]rules.Rule{
		{Name: "nato-west", Query: `NATO AND (Poland OR Lithuania OR "western borders" OR Belarus)`},
		{Name: "csto", Query: `CSTO OR ОДКБ`},
		{Name: "security", Query: `security NEAR/5 Europe`},
	}, nil)
	if err != nil {
		b.Fatal(err)
	}
	rs := &Ruleset{Matcher: m, Rules: map[string]attache.Rule{}}
	for _, n := range []string{"nato-west", "csto", "security"} {
		rs.Rules[n] = attache.Rule{Notify: []string{"log"}}
	}
	p := NewPoller(source.NewFetcher(source.Options{}), st, rs, PollerOptions{})
	check := func(res []PollResult) {
		for _, r := range res {
			if r.Err != nil {
				b.Fatalf("feed %s: %v", r.Feed, r.Err)
			}
		}
	}
	srv.cycle.Add(1)
	check(p.PollAll(context.Background(), feeds, benchConcurrency)) // the baseline: 50,000 items

	b.Run("mode=full", func(b *testing.B) {
		var heap uint64
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			srv.cycle.Add(1)
			heap = max(heap, peakHeap(func() { check(p.PollAll(context.Background(), feeds, benchConcurrency)) }))
		}
		fullNs = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		b.ReportMetric(benchFeeds*1e9/fullNs, "feeds/s")
		b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MB")
		if bareNs > 0 {
			b.ReportMetric(fullNs/bareNs, "x-bare")
		}
	})

	b.Run("mode=steady-304", func(b *testing.B) {
		srv.steady.Store(true)
		defer srv.steady.Store(false)
		check(p.PollAll(context.Background(), feeds, benchConcurrency)) // learn the ETags
		var heap uint64
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			heap = max(heap, peakHeap(func() {
				for _, r := range p.PollAll(context.Background(), feeds, benchConcurrency) {
					if r.Class != attache.PollNotModified {
						b.Fatalf("feed %s: %s %v", r.Feed, r.Class, r.Err)
					}
				}
			}))
		}
		ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		b.ReportMetric(benchFeeds*1e9/ns, "feeds/s")
		b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MB")
		if fullNs > 0 {
			b.ReportMetric(fullNs/ns, "x-faster-than-full")
		}
	})
}
