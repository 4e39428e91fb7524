package e2e

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/attache-dev/attache/internal/corpus"
)

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// hostileServer serves real captures the way real servers do, and the
// failures real servers have.
func hostileServer(t *testing.T) *httptest.Server {
	t.Helper()
	kremlin := corpus.Read(t, "feeds/kremlin-en-all-2018-01-07.atom.xml")
	cp1251 := corpus.Read(t, "feeds/ibash-ru-windows-1251.rss.xml")
	koi8r := corpus.Read(t, "feeds/sample-ru-koi8r.rss.xml")
	// The KOI8-R feed without its prolog: only the HTTP header names the charset.
	koi8rHeaderOnly := regexp.MustCompile(`^<\?xml[^>]*\?>`).ReplaceAll(koi8r, nil)
	bot := readFile(t, "../source/testdata/botcheck-f5.html")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(kremlin)
	zw.Close()

	mux := http.NewServeMux()
	serve := func(path, ctype string, body []byte) {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ctype)
			w.Write(body)
		})
	}
	serve("/kremlin", "application/atom+xml", kremlin)
	serve("/cp1251", "application/rss+xml", cp1251)
	serve("/koi8r", "application/rss+xml; charset=koi8-r", koi8rHeaderOnly)
	serve("/bot", "text/html; charset=utf-8", bot)
	serve("/huge", "application/rss+xml", append([]byte(`<rss><channel><title>`), bytes.Repeat([]byte("x"), 2<<20)...))
	mux.HandleFunc("/gzip", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/atom+xml")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(gz.Bytes())
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/broken", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "oops", http.StatusInternalServerError) })
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(30 * time.Second):
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

const hostileFeedsConfig = `state: state.db
http: {timeout: 2s, max_body: 1MiB}
feeds:
  - {name: kremlin, url: "%[1]s/kremlin"}
  - {name: cp1251, url: "%[1]s/cp1251", lang: ru}
  - {name: koi8r, url: "%[1]s/koi8r", lang: ru}
  - {name: gzipped, url: "%[1]s/gzip", tags: [gz]}
  - {name: bot, url: "%[1]s/bot"}
  - {name: huge, url: "%[1]s/huge"}
  - {name: loop, url: "%[1]s/loop"}
  - {name: broken, url: "%[1]s/broken"}
  - {name: hang, url: "%[1]s/hang"}
destinations:
  log: {type: console}
default_notify: [log]
rules:
  - {name: putin, query: 'Putin', feeds: [kremlin]}
  - {name: gz, query: 'Putin', feeds: [gz]}
  - {name: quote, query: 'цитата'}
  - {name: hedgehog, query: 'ёжик'}
`

func TestOnceEveryFeedFailsAloneAndCharsetsAreRead(t *testing.T) {
	srv := hostileServer(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "rules.yaml"), []byte(fmt.Sprintf(hostileFeedsConfig, srv.URL)), 0o644); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	r := attache(t, dir, "once")
	t.Log(r.stderr)
	if r.code != 1 { // some of the feeds fail
		t.Fatalf("code %d\n%s", r.code, r.stderr)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("one cycle took %v: a hanging feed held it up", d)
	}
	for _, c := range []struct{ feed, want string }{
		{"kremlin", "items=20 would_have_matched="},
		{"cp1251", "items=50 would_have_matched=50"},
		{"koi8r", "would_have_matched=1"},
		{"gzipped", "items=20 would_have_matched="},
		{"bot", "result=not_a_feed"},
		{"huge", "result=too_large"},
		{"loop", "redirect"},
		{"broken", "result=http_error"},
		{"hang", "result=timeout"},
	} {
		line := lineWith(r.stderr, "feed="+c.feed+" ")
		if !strings.Contains(line, c.want) {
			t.Errorf("feed %s: log line %q lacks %q", c.feed, line, c.want)
		}
	}
	if !strings.Contains(lineWith(r.stderr, "feed=bot "), "bot check") {
		t.Errorf("the bot-check page is not named as one:\n%s", lineWith(r.stderr, "feed=bot "))
	}

	t.Run("test prints Russian text decoded from its charset", func(t *testing.T) {
		r := attache(t, dir, "test", "--rule", "hedgehog", "koi8r")
		if r.code != 0 || !strings.Contains(r.stdout, `"Ёжик"`) {
			t.Fatalf("code %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
		}
	})
	t.Run("a backtest runs the rules over the stored items", func(t *testing.T) {
		r := attache(t, dir, "test", "--since", "100000d", "--rule", "quote", "--json")
		if n := strings.Count(r.stdout, "\n"); r.code != 0 || n != 50 {
			t.Fatalf("code %d, %d matches, want 50\n%s", r.code, n, r.stderr)
		}
	})
}
