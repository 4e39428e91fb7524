package watcher

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/attache-dev/attache"
)

// testNow is the clock of every test: after the captures were made.
var testNow = time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)

// readTestdata reads a fixture of package source, whose captures of pages
// these tests serve.
func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "source", "testdata", name))
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

// statementsSpec is the selectors of the Belarus ministry's list page, as
// rules.yaml ships them.
func statementsSpec(t testing.TB, follow bool) *attache.HTMLSpec {
	t.Helper()
	s := &attache.HTMLSpec{Item: "a.tabs-content__item", Title: "h2", Link: "@href", Date: "span.date._small"}
	if follow {
		s.Follow, s.Content = true, "section.content-page"
	}
	return s
}
