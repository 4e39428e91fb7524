package source

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/attache-dev/attache/internal/corpus"
)

// testNow is the clock of every test: after the captures were made.
var testNow = time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)

// readTestdata reads a fixture of this package, or else a real feed
// capture from the corpus (feeds/), skipping the test when it is absent.
func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if os.IsNotExist(err) {
		return corpus.Read(t, "feeds/"+name)
	}
	if err != nil {
		t.Fatalf("read testdata: %v", err)
	}
	return b
}

// serve starts an httptest server that is closed when the test ends.
func serve(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// serveBytes answers every request with body and the given Content-Type.
func serveBytes(t *testing.T, contentType string, body []byte) *httptest.Server {
	t.Helper()
	return serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		_, _ = w.Write(body)
	})
}

func newTestFetcher(opts Options) *Fetcher {
	if opts.Now == nil {
		opts.Now = func() time.Time { return testNow }
	}
	return NewFetcher(opts)
}
