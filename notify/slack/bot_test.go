package slack

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack/slacktest"

	"github.com/attache-dev/attache"
)

// slackServer starts slack-go's own fake Slack, with handlers of the test
// in place of its own where given.
func slackServer(t *testing.T, handlers map[string]http.HandlerFunc) *slacktest.Server {
	t.Helper()
	s := slacktest.NewTestServer(func(c slacktest.Customize) {
		for pattern, h := range handlers {
			c.Handle(pattern, h)
		}
	})
	s.Start()
	t.Cleanup(s.Stop)
	return s
}

// newTestBot returns a bot posting to s, and the requests it sends.
func newTestBot(t *testing.T, s *slacktest.Server, timeout time.Duration) (*Bot, *recording) {
	t.Helper()
	rec := &recording{}
	b, err := NewBot(BotOptions{
		Token: testToken, Channel: "C0123456789", APIURL: s.GetAPIURL(),
		HTTPClient: &http.Client{Transport: rec, Timeout: timeout},
	})
	if err != nil {
		t.Fatal(err)
	}
	return b, rec
}

// posted decodes the last chat.postMessage form the bot sent.
func posted(t *testing.T, rec *recording) (url.Values, wire) {
	t.Helper()
	form, err := url.ParseQuery(string(rec.last(t)))
	if err != nil {
		t.Fatalf("decode form: %v", err)
	}
	return form, decodeWire(t, form.Get("text"), form.Get("blocks"))
}

func TestBotPostsWhatAReaderSees(t *testing.T) {
	s := slackServer(t, nil)
	b, rec := newTestBot(t, s, 5*time.Second)
	if err := b.Send(t.Context(), alert()); err != nil {
		t.Fatalf("send: %v", err)
	}
	form, w := posted(t, rec)
	checkLimits(t, w)
	want := toWire(t, Render(alert(), nil))
	cases := []struct{ name, got, want string }{
		{"it posts to the configured channel", form.Get("channel"), "C0123456789"},
		{"the fallback text is the alert's line", w.Text, want.Text},
		{"the blocks are the rendered ones", w.Raw, want.Raw},
		{"the title is linked, in bold", w.Blocks[0].Text.Text, want.Blocks[0].Text.Text},
		{"the snippet has the hits in bold", w.Blocks[3].Text.Text, "> The President met *NATO* envoys. Talks covered *Poland* &amp; Lithuania."},
		{"the context names the feed and time", w.Blocks[1].Elements[0].Text, "*kremlin-en* · 2026-11-28 09:14 UTC"},
		{"Slack is asked to parse no mentions", form.Get("parse"), "none"},
		{"links are not unfurled", form.Get("unfurl_links") + " " + form.Get("unfurl_media"), "false false"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got  %q\nwant %q", c.got, c.want)
			}
		})
	}
}

func TestBotSendsInjectionAsLiteralText(t *testing.T) {
	s := slackServer(t, nil)
	b, rec := newTestBot(t, s, 5*time.Second)
	a := alert()
	a.Item.Title = injection
	a.Item.Summary = "NATO " + strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(injection)
	a.Matches[0].Hits = []attache.Hit{{Field: "summary", Term: "NATO", Text: "NATO", Start: 0, End: 4}}
	if err := b.Send(t.Context(), a); err != nil {
		t.Fatalf("send: %v", err)
	}
	_, w := posted(t, rec)
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

func TestBotSendsTheLargestMessages(t *testing.T) {
	s := slackServer(t, nil)
	b, rec := newTestBot(t, s, 5*time.Second)
	for name, a := range oversized() {
		t.Run(name+" is accepted and within limits", func(t *testing.T) {
			if err := b.Send(t.Context(), a); err != nil {
				t.Fatalf("send: %v", err)
			}
			_, w := posted(t, rec)
			checkLimits(t, w)
		})
	}
}

func TestBotSendsSummaries(t *testing.T) {
	s := slackServer(t, nil)
	b, rec := newTestBot(t, s, 5*time.Second)
	alerts := []attache.Alert{alert(), alert(), alert()}
	alerts[1].Item.Title = "Second <!here>"
	if err := b.SendSummary(t.Context(), alerts); err != nil {
		t.Fatalf("send: %v", err)
	}
	_, w := posted(t, rec)
	checkLimits(t, w)
	t.Run("the summary lists every alert", func(t *testing.T) {
		if got := strings.Count(w.Blocks[1].Text.Text, ":rotating_light: *HIGH*"); got != 3 {
			t.Errorf("got %d lines in %q", got, w.Blocks[1].Text.Text)
		}
		if !strings.Contains(w.Blocks[1].Text.Text, "|Second &lt;!here&gt;>") {
			t.Errorf("got %q, want the second title escaped", w.Blocks[1].Text.Text)
		}
	})
	t.Run("a summary of nothing sends nothing", func(t *testing.T) {
		n := len(rec.bodies)
		if err := b.SendSummary(t.Context(), nil); err != nil || len(rec.bodies) != n {
			t.Errorf("got %v and %d requests, want nothing sent", err, len(rec.bodies)-n)
		}
	})
}

// botAnswers are Web API answers and what the bot must make of them.
func botAnswers() []struct {
	name  string
	reply http.HandlerFunc
	want  outcome
} {
	type row = struct {
		name  string
		reply http.HandlerFunc
		want  outcome
	}
	rows := []row{
		{"200 ok is delivered", status(200, "", `{"ok":true,"channel":"C0123456789","ts":"1.2"}`), outcome{ok: true}},
		{"an unknown ok:false code is permanent", status(200, "", `{"ok":false,"error":"something_new"}`), outcome{code: "something_new"}},
		{"ok:false ratelimited waits what the header says", status(200, "3", `{"ok":false,"error":"ratelimited"}`), outcome{retry: true, retryAfter: 3 * time.Second, code: "ratelimited"}},
		{"429 with Retry-After 1 waits a second", status(429, "1", ""), outcome{retry: true, retryAfter: time.Second, code: "ratelimited"}},
		{"429 without Retry-After waits the default", status(429, "", ""), outcome{retry: true, retryAfter: defaultRetryAfter, code: "ratelimited"}},
		{"429 with an unreadable Retry-After waits the default", status(429, "soon", ""), outcome{retry: true, retryAfter: defaultRetryAfter, code: "ratelimited"}},
		{"500 is transient", status(500, "", "<html>oops</html>"), outcome{retry: true, code: "http_500"}},
		{"502 is transient", status(502, "", "<html>bad gateway</html>"), outcome{retry: true, code: "http_502"}},
		{"503 is transient", status(503, "", ""), outcome{retry: true, code: "http_503"}},
		{"504 is transient", status(504, "", ""), outcome{retry: true, code: "http_504"}},
		{"400 is permanent", status(400, "", "bad request"), outcome{code: "http_400"}},
		{"404 with Slack's JSON gives Slack's code", status(404, "", `{"ok":false,"error":"invalid_auth"}`), outcome{code: "invalid_auth"}},
		{"a 200 that is not JSON is transient", status(200, "", "<html>proxy login</html>"), outcome{retry: true, code: codeBadAnswer}},
		{"a connection reset after the request was sent has an unknown outcome", resetAfterRequest, outcome{retry: true, unknown: true, code: codeNoAnswer}},
		{"a server that answers too late has an unknown outcome", stall, outcome{retry: true, unknown: true, code: codeTimeout}},
	}
	for _, code := range permanentCodes {
		rows = append(rows, row{"ok:false " + code + " is permanent", status(200, "", `{"ok":false,"error":"`+code+`"}`), outcome{code: code}})
	}
	for _, code := range transientCodeList {
		rows = append(rows, row{"ok:false " + code + " is transient", status(200, "", `{"ok":false,"error":"`+code+`"}`), outcome{retry: true, code: code}})
	}
	return rows
}

func TestBotClassifiesSlacksAnswers(t *testing.T) {
	for _, c := range botAnswers() {
		t.Run(c.name, func(t *testing.T) {
			s := slackServer(t, map[string]http.HandlerFunc{"/chat.postMessage": c.reply})
			b, _ := newTestBot(t, s, 300*time.Millisecond)
			checkOutcome(t, b.Send(t.Context(), alert()), c.want)
		})
	}
}

func TestBotStopsWhenCancelled(t *testing.T) {
	s := slackServer(t, map[string]http.HandlerFunc{"/chat.postMessage": stall})
	b, _ := newTestBot(t, s, 10*time.Second)
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := b.Send(ctx, alert())
	checkOutcome(t, err, outcome{retry: true, unknown: true, code: codeTimeout})
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("send took %s after its context ended", d)
	}
	ctx, cancel = context.WithCancel(t.Context())
	cancel()
	checkOutcome(t, b.Send(ctx, alert()), outcome{retry: true, code: codeCanceled})
}

func TestNewBot(t *testing.T) {
	cases := []struct {
		name string
		opts BotOptions
	}{
		{"a bot without a token is refused", BotOptions{Channel: "C1"}},
		{"a bot without a channel is refused, without showing the token", BotOptions{Token: testToken}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewBot(c.opts)
			if err == nil {
				t.Fatal("got no error")
			}
			noSecrets(t, err)
		})
	}
	t.Run("an API URL without its final slash still works", func(t *testing.T) {
		s := slackServer(t, nil)
		b, err := NewBot(BotOptions{Token: testToken, Channel: "C1", APIURL: strings.TrimSuffix(s.GetAPIURL(), "/")})
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Send(t.Context(), alert()); err != nil {
			t.Errorf("send: %v", err)
		}
	})
}
