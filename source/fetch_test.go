package source

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/attache-dev/attache"
)

func TestConditionalGET(t *testing.T) {
	feed := readTestdata(t, "kremlin-en-all-2018-01-07.atom.xml")
	const etag = `"v1"`
	const lastMod = "Sun, 07 Jan 2018 07:40:14 GMT"
	var full, notModified atomic.Int32
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == etag && r.Header.Get("If-Modified-Since") == lastMod {
			notModified.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		full.Add(1)
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", lastMod)
		w.Header().Set("Content-Type", "application/atom+xml")
		_, _ = w.Write(feed)
	})
	f := newTestFetcher(Options{})
	src := attache.Feed{Name: "kremlin-en", URL: srv.URL, Lang: "en"}

	first, err := f.Items(context.Background(), src, Conditional{}, testNow)
	if err != nil {
		t.Fatalf("first poll: %v", err)
	}
	t.Run("the first poll returns the items and the validators", func(t *testing.T) {
		if first.NotModified || len(first.Items) != 20 {
			t.Errorf("got NotModified=%v with %d items, want a full answer with 20", first.NotModified, len(first.Items))
		}
		if first.ETag != etag || first.LastModified != lastMod {
			t.Errorf("got validators %q, %q; want %q, %q", first.ETag, first.LastModified, etag, lastMod)
		}
	})

	second, err := f.Items(context.Background(), src, Conditional{ETag: first.ETag, LastModified: first.LastModified}, testNow)
	if err != nil {
		t.Fatalf("second poll: %v", err)
	}
	t.Run("the next poll sends the validators and a 304 parses nothing", func(t *testing.T) {
		if notModified.Load() != 1 || full.Load() != 1 {
			t.Errorf("got %d full and %d 304 answers, want 1 and 1", full.Load(), notModified.Load())
		}
		if !second.NotModified || second.Items != nil {
			t.Errorf("got NotModified=%v with %d items, want a 304 with none", second.NotModified, len(second.Items))
		}
	})
	t.Run("a 304 without validators keeps the ones that were sent", func(t *testing.T) {
		if second.ETag != etag || second.LastModified != lastMod {
			t.Errorf("got validators %q, %q; want %q, %q", second.ETag, second.LastModified, etag, lastMod)
		}
	})
	t.Run("Fetch reports a 304 with no body", func(t *testing.T) {
		resp, err := f.Fetch(context.Background(), srv.URL, Conditional{ETag: etag, LastModified: lastMod})
		if err != nil {
			t.Fatalf("fetch: %v", err)
		}
		if !resp.NotModified || len(resp.Body) != 0 || resp.StatusCode != http.StatusNotModified {
			t.Errorf("got NotModified=%v status %d with %d body bytes, want a bodiless 304", resp.NotModified, resp.StatusCode, len(resp.Body))
		}
	})
}

func TestFetchSendsUserAgent(t *testing.T) {
	var got atomic.Value
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		got.Store(r.Header.Get("User-Agent"))
	})
	f := newTestFetcher(Options{UserAgent: "attache/test (+https://example.org)"})
	if _, err := f.Fetch(context.Background(), srv.URL, Conditional{}); err != nil {
		t.Fatalf("fetch: %v", err)
	}
	if got.Load() != "attache/test (+https://example.org)" {
		t.Errorf("got User-Agent %q, want the configured one", got.Load())
	}
}

func TestGzipEncodedFeedIsParsed(t *testing.T) {
	feed := readTestdata(t, "kremlin-en-all-2018-01-07.atom.xml")
	var compressed bytes.Buffer
	zw := gzip.NewWriter(&compressed)
	if _, err := zw.Write(feed); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			http.Error(w, "ask for gzip", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/atom+xml")
		w.Header().Set("Content-Encoding", "gzip")
		_, _ = w.Write(compressed.Bytes())
	})
	res, err := newTestFetcher(Options{}).Items(context.Background(), attache.Feed{Name: "k", URL: srv.URL}, Conditional{}, testNow)
	if err != nil {
		t.Fatalf("items: %v", err)
	}
	if len(res.Items) != 20 || res.Items[0].Title != "Christmas greetings" {
		t.Errorf("got %d items, want 20 starting with %q", len(res.Items), "Christmas greetings")
	}
}

// gzipBomb is a multi-member gzip stream: one member of 1 MiB of zeros
// (about 1 KiB compressed), repeated. HTTP clients read members one after
// another, so 1024 repeats inflate to 1 GiB.
func gzipBomb(t *testing.T) []byte {
	t.Helper()
	var member bytes.Buffer
	zw, err := gzip.NewWriterLevel(&member, gzip.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := zw.Write(make([]byte, 1<<20)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return bytes.Repeat(member.Bytes(), 1024)
}

func TestBodyLimit(t *testing.T) {
	const limit = 1 << 20
	bomb := gzipBomb(t)
	plain := bytes.Repeat([]byte("<!-- padding -->\n"), 4*limit/16)
	tests := []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"a gzip bomb stops at the limit", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			_, _ = w.Write(bomb)
		}},
		{"a plain body that declares a length over the limit is refused", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", strconv.Itoa(len(plain)))
			_, _ = w.Write(plain)
		}},
		{"a chunked body with no declared length stops at the limit", func(w http.ResponseWriter, r *http.Request) {
			for i := 0; i < 4*limit && r.Context().Err() == nil; i += 4096 {
				if _, err := w.Write(plain[:4096]); err != nil {
					return
				}
				w.(http.Flusher).Flush()
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, tt.handler)
			f := newTestFetcher(Options{MaxBody: limit})
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err := f.Fetch(context.Background(), srv.URL, Conditional{})
			runtime.ReadMemStats(&after)
			if !errors.Is(err, ErrTooLarge) {
				t.Fatalf("got error %v, want ErrTooLarge", err)
			}
			if !strings.Contains(err.Error(), "max_body 1MiB") {
				t.Errorf("got message %q, want it to name the limit, 1MiB", err)
			}
			if got := Classify(err); got != attache.PollTooLarge {
				t.Errorf("got class %q, want %q", got, attache.PollTooLarge)
			}
			// Reading stops at the limit: a few times the limit in
			// allocations, never the gigabyte the bomb inflates to.
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 32<<20 {
				t.Errorf("got %d MiB allocated, want under 32 MiB", alloc>>20)
			}
		})
	}
	t.Run("a body exactly at the limit is read whole", func(t *testing.T) {
		body := bytes.Repeat([]byte{'x'}, limit)
		srv := serveBytes(t, "text/plain", body)
		resp, err := newTestFetcher(Options{MaxBody: limit}).Fetch(context.Background(), srv.URL, Conditional{})
		if err != nil {
			t.Fatalf("fetch: %v", err)
		}
		if len(resp.Body) != limit {
			t.Errorf("got %d bytes, want %d", len(resp.Body), limit)
		}
	})
}

func TestRedirects(t *testing.T) {
	var requests atomic.Int32
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		stop, _ := strconv.Atoi(r.URL.Query().Get("stop"))
		if stop > 0 && n >= stop {
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprint(w, `<rss version="2.0"><channel><title>t</title></channel></rss>`)
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/hop?n=%d&stop=%d", n+1, stop), http.StatusFound)
	})
	f := newTestFetcher(Options{})

	t.Run("a redirect loop fails after 10 redirects", func(t *testing.T) {
		requests.Store(0)
		_, err := f.Fetch(context.Background(), srv.URL+"/hop?n=0", Conditional{})
		if !errors.Is(err, ErrTooManyRedirects) {
			t.Fatalf("got error %v, want ErrTooManyRedirects", err)
		}
		if !strings.Contains(err.Error(), "stopped after 10") {
			t.Errorf("got message %q, want it to say it stopped after 10", err)
		}
		if got := Classify(err); got != attache.PollHTTPError {
			t.Errorf("got class %q, want %q", got, attache.PollHTTPError)
		}
		if got := requests.Load(); got != 11 {
			t.Errorf("got %d requests, want 11 (the first and 10 redirects)", got)
		}
	})
	t.Run("10 redirects are followed and the final URL is reported", func(t *testing.T) {
		resp, err := f.Fetch(context.Background(), srv.URL+"/hop?n=0&stop=10", Conditional{})
		if err != nil {
			t.Fatalf("fetch: %v", err)
		}
		if want := srv.URL + "/hop?n=10&stop=10"; resp.URL != want {
			t.Errorf("got final URL %q, want %q", resp.URL, want)
		}
	})
}

func TestTimeouts(t *testing.T) {
	const timeout = 300 * time.Millisecond
	tests := []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"a server that never answers times out", func(w http.ResponseWriter, r *http.Request) {
			<-r.Context().Done()
		}},
		{"a server that stalls in the middle of the body times out", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprint(w, `<rss version="2.0"><channel><title>slow`)
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, tt.handler)
			f := newTestFetcher(Options{Timeout: timeout})
			start := time.Now()
			_, err := f.Items(context.Background(), attache.Feed{URL: srv.URL}, Conditional{}, testNow)
			elapsed := time.Since(start)
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("got error %v, want one that is context.DeadlineExceeded", err)
			}
			if got := Classify(err); got != attache.PollTimeout {
				t.Errorf("got class %q, want %q", got, attache.PollTimeout)
			}
			if !strings.Contains(err.Error(), "timed out") {
				t.Errorf("got message %q, want it to say timed out", err)
			}
			// Generous: the server never answers, so any bound shows the timeout
			// works; a busy machine must not fail it.
			if elapsed > timeout+10*time.Second {
				t.Errorf("took %s, want about %s", elapsed, timeout)
			}
		})
	}
	t.Run("a caller's cancellation is not a timeout", func(t *testing.T) {
		srv := serve(t, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		_, err := newTestFetcher(Options{}).Fetch(ctx, srv.URL, Conditional{})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("got error %v, want context.Canceled", err)
		}
		if got := Classify(err); got == attache.PollTimeout {
			t.Errorf("got class %q, want anything but timeout", got)
		}
	})
}
