package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var kills = flag.Int("e2e.kills", 5, "how many times the crash test kills the daemon (RELIABILITY.md reports 50)")

// binary is the attache command built once for the suite.
var binary string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "attache-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "attache")
	build := exec.Command("go", "build", "-o", binary, "../cmd/attache")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build attache:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// --- feeds ------------------------------------------------------------------

// entry is one item of a served feed.
type entry struct {
	GUID, Title, Link, Date, Desc string
}

// news is a matching item with a fresh GUID, link and title.
func news(id string) entry {
	return entry{GUID: "g-" + id, Title: title(id), Link: "https://example.org/news/" + id,
		Date: "Mon, 02 Jan 2006 15:04:05 +0000", Desc: "The alliance at the western borders."}
}

// title is the title of item id; the "!" ends it, so that "a1" is not
// found in "a10".
func title(id string) string { return "NATO statement " + id + "!" }

// item is an entry with a GUID, its link on example.org, a title and a
// date, and no description.
func item(guid, title, date string) entry {
	return entry{GUID: guid, Title: title, Link: "https://example.org/" + guid, Date: date}
}

// feeds serves RSS documents at /NAME that tests rewrite between polls,
// with an ETag, so that an unchanged document answers 304. It is the one
// feed server of the suite.
type feeds struct {
	mu    sync.Mutex
	docs  map[string][]entry
	delay time.Duration
	sent  map[string]int // 200 answers by name
}

func newFeeds(t *testing.T) (*feeds, *httptest.Server) {
	f := &feeds{docs: map[string][]entry{}, sent: map[string]int{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *feeds) set(name string, es ...entry) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.docs[name] = append([]entry(nil), es...)
}

// hits counts the times the document name was sent whole (not a 304).
func (f *feeds) hits(name string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.sent[name]
}

// feed is one document of a feeds server, for tests of a single feed.
type feed struct {
	*feeds
	name string
}

func (f feed) set(es ...entry) { f.feeds.set(f.name, es...) }

func (f feed) hits() int { return f.feeds.hits(f.name) }

func (f *feeds) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/")
	f.mu.Lock()
	es, delay := f.docs[name], f.delay
	f.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title><link>https://example.org/</link>`)
	for _, e := range es {
		b.WriteString("<item>")
		if e.GUID != "" {
			fmt.Fprintf(&b, "<guid>%s</guid>", e.GUID)
		}
		fmt.Fprintf(&b, "<title>%s</title><link>%s</link>", xmlText(e.Title), e.Link)
		if e.Date != "" {
			fmt.Fprintf(&b, "<pubDate>%s</pubDate>", e.Date)
		}
		fmt.Fprintf(&b, "<description>%s</description></item>", xmlText(e.Desc))
	}
	b.WriteString("</channel></rss>")
	etag := fmt.Sprintf(`"%x"`, sha256.Sum256(b.Bytes()))
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	f.mu.Lock()
	f.sent[name]++
	f.mu.Unlock()
	w.Header().Set("ETag", etag)
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	w.Write(b.Bytes())
}

func xmlText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// --- a fake Slack -------------------------------------------------------------

// answer is how the fake Slack treats one request.
type answer struct {
	status     int    // HTTP status; 0 means 200
	code       string // Slack error code for ok:false
	retryAfter string // Retry-After header of a 429
	delay      time.Duration
	drop       bool // accept the message, then close the connection unanswered
}

// fakeSlack answers chat.postMessage. Each request takes the next scripted
// answer, then the default one. It records the messages it accepted, and
// can hold requests until released. It is the one Slack of the suite.
type fakeSlack struct {
	mu       sync.Mutex
	held     chan struct{} // while set, requests wait for it to close
	holding  chan struct{} // closed when a request is held
	script   []answer
	fallback answer
	accepted []message
	requests int
	ln       net.Listener
	srv      *http.Server
	addr     string
}

// message is one message Slack accepted: its fallback text and its blocks.
type message struct {
	Text, Blocks string
	At           time.Time
}

func newFakeSlack(t *testing.T) *fakeSlack {
	t.Helper()
	s := &fakeSlack{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	s.serve(ln)
	t.Cleanup(s.down)
	return s
}

func (s *fakeSlack) serve(ln net.Listener) {
	s.ln = ln
	s.srv = &http.Server{Handler: s}
	go s.srv.Serve(ln)
}

// url is the api_url of the fake.
func (s *fakeSlack) url() string { return "http://" + s.addr + "/api/" }

// down stops listening: connections are refused until up.
func (s *fakeSlack) down() {
	s.mu.Lock()
	srv := s.srv
	s.mu.Unlock()
	if srv != nil {
		srv.Close()
	}
}

// up listens again on the same address.
func (s *fakeSlack) up(t *testing.T) {
	t.Helper()
	var ln net.Listener
	var err error
	for range 50 {
		if ln, err = net.Listen("tcp", s.addr); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	s.serve(ln)
	s.mu.Unlock()
}

func (s *fakeSlack) then(as ...answer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script = append(s.script, as...)
}

func (s *fakeSlack) always(a answer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fallback = a
}

func (s *fakeSlack) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	s.mu.Lock()
	s.requests++
	a := s.fallback
	if len(s.script) > 0 {
		a, s.script = s.script[0], s.script[1:]
	}
	held, holding := s.held, s.holding
	if holding != nil {
		close(holding)
		s.holding = nil
	}
	s.mu.Unlock()
	if held != nil {
		select {
		case <-held:
		case <-r.Context().Done():
			return
		}
	}
	if a.delay > 0 {
		select {
		case <-time.After(a.delay):
		case <-r.Context().Done():
			return
		}
	}
	msg := message{Text: r.PostForm.Get("text"), Blocks: r.PostForm.Get("blocks"), At: time.Now()}
	switch {
	case a.drop:
		s.record(msg)
		if hj, ok := w.(http.Hijacker); ok {
			conn, _, err := hj.Hijack()
			if err == nil {
				conn.Close()
			}
		}
	case a.status == http.StatusTooManyRequests:
		if a.retryAfter != "" {
			w.Header().Set("Retry-After", a.retryAfter)
		}
		w.WriteHeader(a.status)
		fmt.Fprint(w, `{"ok":false,"error":"ratelimited"}`)
	case a.status != 0:
		w.WriteHeader(a.status)
		fmt.Fprint(w, "upstream trouble")
	case a.code != "":
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"ok":false,"error":%q}`, a.code)
	default:
		s.record(msg)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"ok":true,"channel":"C1","ts":"1.000"}`)
	}
}

func (s *fakeSlack) record(m message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.accepted = append(s.accepted, m)
}

// received counts, for each id, the accepted messages that name its item,
// in their text or their blocks (summaries list titles in blocks only).
func (s *fakeSlack) received(ids ...string) map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	got := map[string]int{}
	for _, m := range s.accepted {
		for _, id := range ids {
			if strings.Contains(m.Text, title(id)) || strings.Contains(m.Blocks, title(id)) {
				got[id]++
			}
		}
	}
	return got
}

// hold makes requests wait until release; the channel it returns is
// closed when the first of them arrives.
func (s *fakeSlack) hold() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.held, s.holding = make(chan struct{}), make(chan struct{})
	return s.holding
}

// release lets the held requests go on.
func (s *fakeSlack) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.held != nil {
		close(s.held)
		s.held = nil
	}
}

// messages returns the text of every accepted message.
func (s *fakeSlack) messages() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, len(s.accepted))
	for i, m := range s.accepted {
		out[i] = m.Text
	}
	return out
}

func (s *fakeSlack) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.accepted)
}

// --- the daemon ---------------------------------------------------------------

// site is one test's folder, feeds and Slack.
type site struct {
	t     *testing.T
	dir   string
	feeds *feeds
	url   string
	slack *fakeSlack
}

// configText is a configuration with one feed, one Slack destination and
// the NATO rule; extra destinations are added to default_notify.
func configText(feedURL, slackURL string, burstLimit int, extra map[string]string) string {
	var dests, names strings.Builder
	names.WriteString("analysts")
	for name, url := range extra {
		fmt.Fprintf(&dests, "  %s:\n    type: slack\n    token: ${SLACK_BOT_TOKEN}\n    channel: \"C%s\"\n    api_url: %s\n", name, name, url)
		names.WriteString(", " + name)
	}
	return fmt.Sprintf(baseConfig, feedURL, slackURL, burstLimit, dests.String(), names.String())
}

const baseConfig = `state: state.db
schedule: "@every 1s"
feeds:
  - {name: news, url: "%s/news"}
lists:
  nato: [NATO, НАТО]
destinations:
  analysts:
    type: slack
    token: ${SLACK_BOT_TOKEN}
    channel: "C0123456789"
    api_url: %s
    burst_limit: %d
%sdefault_notify: [%s]
health_notify: []
rules:
  - name: nato
    query: '@nato'
    severity: high
`

func newSite(t *testing.T, burstLimit int) *site {
	t.Helper()
	f, srv := newFeeds(t)
	s := &site{t: t, dir: t.TempDir(), feeds: f, url: srv.URL, slack: newFakeSlack(t)}
	s.writeConfig(configText(srv.URL, s.slack.url(), burstLimit, nil))
	return s
}

func (s *site) writeConfig(cfg string) {
	s.t.Helper()
	if err := os.WriteFile(filepath.Join(s.dir, "rules.yaml"), []byte(cfg), 0o644); err != nil {
		s.t.Fatal(err)
	}
}

func (s *site) command(ctx context.Context, args ...string) *exec.Cmd {
	s.t.Helper()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = s.dir
	cmd.Env = append(os.Environ(), "ATTACHE_CONFIG=", "SLACK_BOT_TOKEN=xoxb-e2e")
	return cmd
}

// once runs `attache once` and returns its stderr.
func (s *site) once() string {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := s.command(ctx, "once")
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Run(); err != nil {
		s.t.Fatalf("attache once: %v\n%s", err, errb.String())
	}
	return errb.String()
}

// daemon is a running `attache run`.
type daemon struct {
	cmd            *exec.Cmd
	stdout, stderr *lockedBuffer
}

func (s *site) start(args ...string) *daemon {
	s.t.Helper()
	return startIn(s.t, s.dir, []string{"SLACK_BOT_TOKEN=xoxb-e2e"}, args...)
}

// startIn starts `attache run` in dir, with env added to the environment.
func startIn(t *testing.T, dir string, env []string, args ...string) *daemon {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"run"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "ATTACHE_CONFIG="), env...)
	d := &daemon{cmd: cmd, stdout: &lockedBuffer{}, stderr: &lockedBuffer{}}
	cmd.Stdout, cmd.Stderr = d.stdout, d.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return d
}

func (d *daemon) kill() {
	d.cmd.Process.Signal(syscall.SIGKILL)
	d.cmd.Wait()
}

// stop sends SIGTERM, waits for a clean exit and says how long it took.
func (d *daemon) stop(t *testing.T) time.Duration {
	t.Helper()
	start := time.Now()
	d.cmd.Process.Signal(syscall.SIGTERM)
	if err := d.cmd.Wait(); err != nil {
		t.Fatalf("attache run: %v\n%s", err, d.stderr.String())
	}
	return time.Since(start)
}

// eventually polls cond until it holds or the time is up.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("gave up after %v waiting for %s", within, what)
}

// waitFor waits for s to appear in b.
func waitFor(t *testing.T, b *lockedBuffer, s string) {
	t.Helper()
	eventually(t, 20*time.Second, fmt.Sprintf("%q in:\n%s", s, b), func() bool { return strings.Contains(b.String(), s) })
}

// result is what one run of the binary printed.
type result struct {
	stdout, stderr string
	code           int
}

// attache runs the binary in dir and returns what it printed.
func attache(t *testing.T, dir string, args ...string) result {
	t.Helper()
	return attacheEnv(t, dir, nil, args...)
}

// attacheEnv runs the binary in dir with env added to the environment.
func attacheEnv(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "ATTACHE_CONFIG="), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("attache %v: %v", args, err)
	}
	return result{out.String(), errb.String(), code}
}

// writeFile writes a test's file, such as its rules.yaml.
func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// lineWith returns the first line of s that contains sub.
func lineWith(s, sub string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			return l
		}
	}
	return ""
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// ids makes "prefix0" ... "prefix<n-1>".
func ids(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%d", prefix, i)
	}
	return out
}

// exactlyOnce fails unless every id arrived exactly once.
func exactlyOnce(t *testing.T, got map[string]int, ids []string) {
	t.Helper()
	for _, id := range ids {
		if got[id] != 1 {
			t.Errorf("statement %s arrived %d times, want exactly once", id, got[id])
		}
	}
}
