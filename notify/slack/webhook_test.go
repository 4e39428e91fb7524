package slack

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attache-dev/attache"
)

// hookServer is a fake incoming webhook: it answers "ok" at testHookPath,
// or as reply says, and keeps what it was sent.
type hookServer struct {
	*httptest.Server
	mu       sync.Mutex
	received []map[string]json.RawMessage
}

func newHookServer(t *testing.T, reply http.HandlerFunc) *hookServer {
	t.Helper()
	h := &hookServer{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != testHookPath || r.Method != http.MethodPost {
			http.Error(w, "no_service", http.StatusNotFound)
			return
		}
		if reply != nil {
			reply(w, r)
			return
		}
		var msg map[string]json.RawMessage
		body, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(body, &msg); err != nil {
			http.Error(w, "invalid_payload", http.StatusBadRequest)
			return
		}
		h.mu.Lock()
		h.received = append(h.received, msg)
		h.mu.Unlock()
		_, _ = io.WriteString(w, "ok")
	}))
	t.Cleanup(h.Close)
	return h
}

// last decodes the last message the webhook received.
func (h *hookServer) last(t *testing.T) (map[string]json.RawMessage, wire) {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.received) == 0 {
		t.Fatal("the webhook received nothing")
	}
	msg := h.received[len(h.received)-1]
	var text string
	if err := json.Unmarshal(msg["text"], &text); err != nil {
		t.Fatalf("decode text: %v", err)
	}
	return msg, decodeWire(t, text, string(msg["blocks"]))
}

func newTestWebhook(t *testing.T, h *hookServer, timeout time.Duration) *Webhook {
	t.Helper()
	w, err := NewWebhook(WebhookOptions{URL: h.URL + testHookPath, HTTPClient: &http.Client{Timeout: timeout}})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestWebhookPostsWhatAReaderSees(t *testing.T) {
	h := newHookServer(t, nil)
	wh := newTestWebhook(t, h, 5*time.Second)
	if err := wh.Send(t.Context(), alert()); err != nil {
		t.Fatalf("send: %v", err)
	}
	msg, w := h.last(t)
	checkLimits(t, w)
	want := toWire(t, Render(alert(), nil))
	cases := []struct{ name, got, want string }{
		{"the fallback text is the alert's line", w.Text, want.Text},
		{"the blocks are the rendered ones", w.Raw, want.Raw},
		{"the snippet has the hits in bold", w.Blocks[3].Text.Text, "> The President met *NATO* envoys. Talks covered *Poland* &amp; Lithuania."},
		{"Slack is asked to parse no mentions", string(msg["parse"]), `"none"`},
		{"links are not unfurled", string(msg["unfurl_links"]) + " " + string(msg["unfurl_media"]), "false false"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got  %q\nwant %q", c.got, c.want)
			}
		})
	}
}

func TestWebhookSendsInjectionAsLiteralText(t *testing.T) {
	h := newHookServer(t, nil)
	wh := newTestWebhook(t, h, 5*time.Second)
	a := alert()
	a.Item.Title = injection
	a.Item.Summary = "NATO " + strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(injection)
	a.Matches[0].Hits = []attache.Hit{{Field: "summary", Term: "NATO", Text: "NATO", Start: 0, End: 4}}
	if err := wh.Send(t.Context(), a); err != nil {
		t.Fatalf("send: %v", err)
	}
	_, w := h.last(t)
	checkLimits(t, w)
	t.Run("Slack receives the title escaped", func(t *testing.T) {
		if !strings.Contains(w.Blocks[0].Text.Text, "|"+injectionEscaped+">*") {
			t.Errorf("got %q", w.Blocks[0].Text.Text)
		}
	})
	t.Run("Slack receives the summary escaped", func(t *testing.T) {
		if got, want := w.Blocks[3].Text.Text, "> *NATO* "+injectionEscaped; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	})
	t.Run("Slack receives the fallback escaped", func(t *testing.T) {
		if !strings.Contains(w.Text, injectionEscaped) || strings.Contains(w.Text, "<!") {
			t.Errorf("got %q", w.Text)
		}
	})
}

func TestWebhookSendsTheLargestMessagesAndSummaries(t *testing.T) {
	h := newHookServer(t, nil)
	wh := newTestWebhook(t, h, 5*time.Second)
	var all []attache.Alert
	for name, a := range oversized() {
		all = append(all, a)
		t.Run(name+" is accepted and within limits", func(t *testing.T) {
			if err := wh.Send(t.Context(), a); err != nil {
				t.Fatalf("send: %v", err)
			}
			_, w := h.last(t)
			checkLimits(t, w)
		})
	}
	t.Run("a summary of them all is accepted and within limits", func(t *testing.T) {
		if err := wh.SendSummary(t.Context(), all); err != nil {
			t.Fatalf("send: %v", err)
		}
		_, w := h.last(t)
		checkLimits(t, w)
		if w.Blocks[0].Type != "header" {
			t.Errorf("got %s first, want the header", w.Blocks[0].Type)
		}
	})
}

func TestWebhookClassifiesSlacksAnswers(t *testing.T) {
	cases := []struct {
		name  string
		reply http.HandlerFunc
		want  outcome
	}{
		{"200 ok is delivered", status(200, "", "ok"), outcome{ok: true}},
		{"400 invalid_payload is permanent", status(400, "", "invalid_payload"), outcome{code: "invalid_payload"}},
		{"403 invalid_token is permanent", status(403, "", "invalid_token"), outcome{code: "invalid_token"}},
		{"403 action_prohibited is permanent", status(403, "", "action_prohibited"), outcome{code: "action_prohibited"}},
		{"404 no_service is permanent", status(404, "", "no_service"), outcome{code: "no_service"}},
		{"404 channel_not_found is permanent", status(404, "", "channel_not_found"), outcome{code: "channel_not_found"}},
		{"410 channel_is_archived is permanent", status(410, "", "channel_is_archived"), outcome{code: "channel_is_archived"}},
		{"400 invalid_blocks is permanent", status(400, "", "invalid_blocks"), outcome{code: "invalid_blocks"}},
		{"500 rollup_error is transient", status(500, "", "rollup_error"), outcome{retry: true, code: "rollup_error"}},
		{"429 with Retry-After 1 waits a second", status(429, "1", "rate_limited"), outcome{retry: true, retryAfter: time.Second, code: "ratelimited"}},
		{"429 without Retry-After waits the default", status(429, "", ""), outcome{retry: true, retryAfter: defaultRetryAfter, code: "ratelimited"}},
		{"500 is transient", status(500, "", "<html>oops</html>"), outcome{retry: true, code: "http_500"}},
		{"502 is transient", status(502, "", ""), outcome{retry: true, code: "http_502"}},
		{"503 is transient", status(503, "", ""), outcome{retry: true, code: "http_503"}},
		{"504 is transient", status(504, "", ""), outcome{retry: true, code: "http_504"}},
		{"an error page without a code is permanent by its status", status(401, "", "<html>no</html>"), outcome{code: "http_401"}},
		{"a connection reset after the request was sent has an unknown outcome", resetAfterRequest, outcome{retry: true, unknown: true, code: codeNoAnswer}},
		{"a server that answers too late has an unknown outcome", stall, outcome{retry: true, unknown: true, code: codeTimeout}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHookServer(t, c.reply)
			err := newTestWebhook(t, h, 300*time.Millisecond).Send(t.Context(), alert())
			checkOutcome(t, err, c.want)
		})
	}
}

func TestWebhookNeverShowsItsURL(t *testing.T) {
	h := newHookServer(t, nil)
	wh := newTestWebhook(t, h, time.Second)
	h.Close() // nothing listens any more
	cases := []struct {
		name string
		ctx  func() context.Context
		code string
	}{
		{"a refused connection", func() context.Context { return t.Context() }, codeNetwork},
		{"a cancelled send", func() context.Context {
			ctx, cancel := context.WithCancel(t.Context())
			cancel()
			return ctx
		}, codeCanceled},
	}
	for _, c := range cases {
		t.Run(c.name+" says what failed without the URL", func(t *testing.T) {
			err := wh.Send(c.ctx(), alert())
			checkOutcome(t, err, outcome{retry: true, code: c.code})
			if !strings.Contains(err.Error(), redacted) {
				t.Errorf("got %q, want the URL shown as %s", err, redacted)
			}
		})
	}
	t.Run("a bad URL is refused without showing it", func(t *testing.T) {
		_, err := NewWebhook(WebhookOptions{URL: "htp://hooks.slack.com" + testHookPath})
		if err == nil {
			t.Fatal("got no error")
		}
		noSecrets(t, err)
	})
}
