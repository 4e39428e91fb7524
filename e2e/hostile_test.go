package e2e

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// hostileFeeds serves feeds that misbehave in every way a server can.
func hostileFeeds(t *testing.T) (base string, tlsStall string) {
	t.Helper()
	good := `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title>` +
		`<item><guid>ok-1</guid><title>NATO statement ok!</title><link>https://example.org/ok</link></item></channel></rss>`
	var bomb bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&bomb, gzip.BestCompression)
	zw.Write([]byte(`<rss><channel><title>`))
	zeros := make([]byte, 1<<20)
	for range 200 { // 200 MiB of zeros, a few hundred KiB compressed
		zw.Write(zeros)
	}
	zw.Close()

	mux := http.NewServeMux()
	mux.HandleFunc("/good", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, good) })
	mux.HandleFunc("/truncated", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, good[:len(good)/2]) })
	mux.HandleFunc("/control", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, strings.Replace(good, "NATO statement ok!", "NATO\x00\x01\x1b[31m statement \x07control!", 1))
	})
	mux.HandleFunc("/huge", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `<rss><channel><title>`)
		chunk := bytes.Repeat([]byte("x"), 1<<20)
		for range 100 { // 100 MiB, streamed
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/bomb", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(bomb.Bytes())
	})
	mux.HandleFunc("/nested", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `<rss><channel>`)
		open := bytes.Repeat([]byte("<a>"), 1_000_000)
		w.Write(open)
	})
	mux.HandleFunc("/slowloris", func(w http.ResponseWriter, r *http.Request) {
		fl, _ := w.(http.Flusher)
		for i := 0; i < 600; i++ {
			if _, err := io.WriteString(w, "<"); err != nil {
				return
			}
			if fl != nil {
				fl.Flush()
			}
			select {
			case <-time.After(100 * time.Millisecond):
			case <-r.Context().Done():
				return
			}
		}
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/botcheck", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, `<html><head><title>Just a moment...</title></head><body><script>var bobcmn="TSPD_101_DID"</script></body></html>`)
	})
	mux.HandleFunc("/lyingcharset", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml; charset=koi8-r")
		io.WriteString(w, `<?xml version="1.0" encoding="windows-1251"?>`+good[strings.Index(good, "?>")+2:])
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	// A TLS port that accepts connections and never answers the handshake.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { time.Sleep(time.Minute); c.Close() }()
		}
	}()
	return srv.URL, "https://" + ln.Addr().String() + "/feed"
}

const hostileConfig = `state: state.db
http: {timeout: 3s, max_body: 5MiB}
feeds:
%s
destinations:
  analysts: {type: slack, token: "${SLACK_BOT_TOKEN}", channel: C1, api_url: %s}
default_notify: [analysts]
health_notify: []
rules:
  - {name: nato, query: NATO}
`

func TestHostileFeedsEachFailAloneInBoundedTimeAndMemory(t *testing.T) {
	t.Parallel()
	base, tlsStall := hostileFeeds(t)
	slack := newFakeSlack(t)
	names := []string{"good", "truncated", "control", "huge", "bomb", "nested", "slowloris", "loop", "botcheck", "lyingcharset"}
	var feeds strings.Builder
	for _, n := range names {
		fmt.Fprintf(&feeds, "  - {name: %s, url: %q}\n", n, base+"/"+n)
	}
	fmt.Fprintf(&feeds, "  - {name: tlsstall, url: %q}\n", tlsStall)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "rules.yaml"), []byte(fmt.Sprintf(hostileConfig, feeds.String(), slack.url())), 0o644); err != nil {
		t.Fatal(err)
	}
	s := &site{t: t, dir: dir, slack: slack}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := s.command(ctx, "once")
	var errb bytes.Buffer
	cmd.Stderr = &errb
	start := time.Now()
	maxRSS, _ := runMeasured(cmd)                       // KiB
	if code := cmd.ProcessState.ExitCode(); code != 1 { // hostile feeds fail
		t.Fatalf("attache once: exit %d, want 1\n%s", code, errb.String())
	}
	took := time.Since(start)
	log := errb.String()
	t.Logf("11 hostile feeds polled in %v, peak RSS %d MiB", took.Round(time.Millisecond), maxRSS/1024)
	if took > 30*time.Second {
		t.Errorf("one cycle took %v", took)
	}
	if maxRSS > 150*1024 {
		t.Errorf("peak RSS %d MiB", maxRSS/1024)
	}
	for _, c := range []struct{ feed, want string }{
		{"good", "first poll"}, {"control", "first poll"}, {"lyingcharset", "first poll"},
		{"truncated", "result=parse_error"}, {"huge", "result=too_large"}, {"bomb", "result=too_large"},
		{"nested", "result="}, {"slowloris", "result=timeout"}, {"loop", "redirect"},
		{"botcheck", "result=not_a_feed"}, {"tlsstall", "result=timeout"},
	} {
		if line := lineWith(log, "feed="+c.feed+" "); !strings.Contains(line, c.want) {
			t.Errorf("feed %s: %q lacks %q", c.feed, line, c.want)
		}
	}
}

func TestHostileTextArrivesEscapedAndCut(t *testing.T) {
	t.Parallel()
	s := newSite(t, 1000)
	s.baseline()
	hostile := "NATO <!channel> <!here> <@U123> <https://evil.example|your bank> *bold* _it_ ~x~ `code` \u202eRTL\u202c & more "
	long := entry{GUID: "long", Title: strings.Repeat("NATO и ОДКБ ", 5000), Link: "https://example.org/long"}
	s.feeds.set("news", entry{GUID: "h", Title: hostile, Link: "https://example.org/h", Desc: hostile}, long, news("plain"))
	s.once()
	s.slack.mu.Lock()
	msgs := append([]message(nil), s.slack.accepted...)
	s.slack.mu.Unlock()
	if len(msgs) != 3 {
		t.Fatalf("%d messages, want 3", len(msgs))
	}
	for _, m := range msgs {
		all := m.Text + m.Blocks
		for _, raw := range []string{"<!channel>", "<!here>", "<@U123>", "<https://evil.example|"} {
			if strings.Contains(all, raw) {
				t.Errorf("a message carries %q unescaped", raw)
			}
		}
		if len([]rune(m.Text)) > 4000 || len(m.Blocks) > 40000 {
			t.Errorf("a message is not cut: text %d runes, blocks %d bytes", len([]rune(m.Text)), len(m.Blocks))
		}
	}
}
