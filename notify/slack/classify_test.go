package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

func TestClassify(t *testing.T) {
	hook := "https://hooks.slack.com" + testHookPath
	r := newRedactor(hook, testToken)
	cases := []struct {
		name string
		err  error
		ans  ansSpec
		want outcome
	}{
		{"a request that succeeded is no failure", nil, ansSpec{status: 200}, outcome{ok: true}},
		{"an unknown channel is permanent, with Slack's code",
			slack.SlackErrorResponse{Err: "channel_not_found"}, ansSpec{status: 200},
			outcome{code: "channel_not_found"}},
		{"a code Slack has not documented is permanent",
			slack.SlackErrorResponse{Err: "something_new"}, ansSpec{status: 200},
			outcome{code: "something_new"}},
		{"Slack's internal error is transient",
			slack.SlackErrorResponse{Err: "internal_error"}, ansSpec{status: 200},
			outcome{retry: true, code: "internal_error"}},
		{"ratelimited in the body waits what the header says",
			slack.SlackErrorResponse{Err: "ratelimited"}, ansSpec{status: 200, retryAfter: "5"},
			outcome{retry: true, retryAfter: 5 * time.Second, code: "ratelimited"}},
		{"slack-go's rate limit error keeps its wait",
			&slack.RateLimitedError{RetryAfter: 2 * time.Second}, ansSpec{status: 429, retryAfter: "2"},
			outcome{retry: true, retryAfter: 2 * time.Second, code: "ratelimited"}},
		{"a 429 with an unreadable Retry-After waits the default",
			&strconv.NumError{Func: "ParseInt", Num: "soon", Err: strconv.ErrSyntax}, ansSpec{status: 429, retryAfter: "soon"},
			outcome{retry: true, retryAfter: defaultRetryAfter, code: "ratelimited"}},
		{"a 503 is transient",
			slack.StatusCodeError{Code: 503, Status: "503 Service Unavailable"}, ansSpec{status: 503, body: "<html>down</html>"},
			outcome{retry: true, code: "http_503"}},
		{"a webhook's 404 names its code from the body",
			slack.StatusCodeError{Code: 404, Status: "404 Not Found"}, ansSpec{status: 404, body: "no_service"},
			outcome{code: "no_service"}},
		{"a Web API 403 names its code from the JSON body",
			slack.StatusCodeError{Code: 403, Status: "403 Forbidden"}, ansSpec{status: 403, body: `{"ok":false,"error":"invalid_auth"}`},
			outcome{code: "invalid_auth"}},
		{"a redirect that was not followed is permanent",
			slack.StatusCodeError{Code: 302, Status: "302 Found"}, ansSpec{status: 302},
			outcome{code: "http_302"}},
		{"a 200 that could not be read is transient",
			&json.SyntaxError{}, ansSpec{status: 200},
			outcome{retry: true, code: codeBadAnswer}},
		{"a cancelled send is transient",
			&url.Error{Op: "Post", URL: hook, Err: context.Canceled}, ansSpec{},
			outcome{retry: true, code: codeCanceled}},
		{"a send past its deadline is a transient timeout",
			&url.Error{Op: "Post", URL: hook, Err: context.DeadlineExceeded}, ansSpec{},
			outcome{retry: true, code: codeTimeout}},
		{"a connection cut before the request was written is a transient network failure",
			fmt.Errorf("failed to post webhook: %w", &url.Error{Op: "Post", URL: hook, Err: io.EOF}), ansSpec{},
			outcome{retry: true, code: codeNetwork}},

		// Once the request is written, Slack may have acted on it: without
		// an answer, the outcome is unknown.
		{"a send past its deadline after the request was written has an unknown outcome",
			&url.Error{Op: "Post", URL: hook, Err: context.DeadlineExceeded}, ansSpec{wrote: true},
			outcome{retry: true, unknown: true, code: codeTimeout}},
		{"a send cancelled after the request was written has an unknown outcome",
			&url.Error{Op: "Post", URL: hook, Err: context.Canceled}, ansSpec{wrote: true},
			outcome{retry: true, unknown: true, code: codeCanceled}},
		{"a connection cut after the request was written has an unknown outcome",
			&url.Error{Op: "Post", URL: hook, Err: io.EOF}, ansSpec{wrote: true},
			outcome{retry: true, unknown: true, code: codeNoAnswer}},
		{"a 200 whose body was cut has an unknown outcome",
			io.ErrUnexpectedEOF, ansSpec{status: 200, wrote: true},
			outcome{retry: true, unknown: true, code: codeBadAnswer}},
		{"a 200 that is not JSON is an answer, though not Slack's",
			&json.SyntaxError{}, ansSpec{status: 200, wrote: true},
			outcome{retry: true, code: codeBadAnswer}},
		{"a 503 after the request was written is an answer, known not to be a delivery",
			slack.StatusCodeError{Code: 503, Status: "503 Service Unavailable"}, ansSpec{status: 503, wrote: true},
			outcome{retry: true, code: "http_503"}},
		{"a refusal after the request was written is an answer",
			slack.SlackErrorResponse{Err: "channel_not_found"}, ansSpec{status: 200, wrote: true},
			outcome{code: "channel_not_found"}},
		{"a 429 after the request was written is an answer",
			&slack.RateLimitedError{RetryAfter: 2 * time.Second}, ansSpec{status: 429, retryAfter: "2", wrote: true},
			outcome{retry: true, retryAfter: 2 * time.Second, code: "ratelimited"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkOutcome(t, classify(c.err, c.ans.answer(), r), c.want)
		})
	}
}

// ansSpec describes an answer for a table; answer makes it.
type ansSpec struct {
	status           int
	retryAfter, body string
	wrote            bool
}

func (s ansSpec) answer() *answer {
	a := &answer{status: s.status, retryAfter: s.retryAfter, body: s.body}
	a.wrote.Store(s.wrote)
	return a
}

func TestClassifiedErrorsKeepTheirCause(t *testing.T) {
	err := classify(&url.Error{Op: "Post", URL: "https://hooks.slack.com" + testHookPath, Err: context.Canceled}, &answer{}, newRedactor())
	t.Run("a cancelled send still says so to errors.Is", func(t *testing.T) {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("errors.Is(%v, context.Canceled) = false", err)
		}
	})
	t.Run("the webhook's path never shows, even without configuration", func(t *testing.T) {
		noSecrets(t, err)
	})
	t.Run("the scope Slack wanted is in the error", func(t *testing.T) {
		err := classify(slack.SlackErrorResponse{Err: "missing_scope", Needed: "chat:write", Provided: "channels:read"}, &answer{status: 200}, redactor{})
		if got, want := err.Error(), "missing_scope: needed scope chat:write; the token has channels:read"; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	})
	t.Run("a bare code is said once", func(t *testing.T) {
		err := classify(slack.SlackErrorResponse{Err: "not_in_channel"}, &answer{status: 200}, redactor{})
		if got := err.Error(); got != "not_in_channel" {
			t.Errorf("got %q, want %q", got, "not_in_channel")
		}
	})
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	cases := []struct {
		name, header string
		want         time.Duration
	}{
		{"seconds are taken as they are", "7", 7 * time.Second},
		{"zero still waits a second", "0", time.Second},
		{"a negative number still waits a second", "-5", time.Second},
		{"no header waits the default", "", defaultRetryAfter},
		{"an unreadable header waits the default", "soon", defaultRetryAfter},
		{"an absurd wait is capped", "99999999", maxRetryAfter},
		{"an HTTP date waits until then", now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := retryAfter(c.header, now); got != c.want {
				t.Errorf("retryAfter(%q) = %s, want %s", c.header, got, c.want)
			}
		})
	}
}

func TestBodyCode(t *testing.T) {
	cases := map[string]string{
		"no_service":                            "no_service",
		"  channel_is_archived\n":               "channel_is_archived",
		`{"ok":false,"error":"invalid_auth"}`:   "invalid_auth",
		"<html><body>Bad Gateway</body></html>": "",
		"Internal Server Error":                 "",
		`{"ok":false}`:                          "",
	}
	for body, want := range cases {
		t.Run(fmt.Sprintf("%q gives %q", body, want), func(t *testing.T) {
			if got := bodyCode(body); got != want {
				t.Errorf("got %q", got)
			}
		})
	}
}

func TestHint(t *testing.T) {
	cases := []struct{ code, channel, want string }{
		{"not_in_channel", "#geo-alerts", "not_in_channel: invite the app to #geo-alerts (/invite @yourapp in the channel)"},
		{"channel_not_found", "C0123456789", "channel_not_found: check the channel id or name (the channel C0123456789), and that the app can see it: a private channel must invite the app first"},
		{"invalid_auth", "", "invalid_auth: the bot token is wrong or revoked: check SLACK_BOT_TOKEN (a bot token starts with xoxb-)"},
		{"missing_scope", "", "missing_scope: the app needs the chat:write scope: add it under OAuth & Permissions, reinstall the app, and use the new token"},
		{"is_archived", "geo-alerts", "is_archived: #geo-alerts is archived: unarchive it or choose another channel"},
		{"no_service", "", "no_service: the webhook URL is wrong or was revoked: create a new incoming webhook and update SLACK_WEBHOOK_URL"},
		{"http_503", "", "http_503: Slack had a problem: the alert is sent again later (see https://slack-status.com)"},
		{"something_new", "", ""},
	}
	for _, c := range cases {
		t.Run("the hint for "+c.code, func(t *testing.T) {
			if got := Hint(c.code, c.channel); got != c.want {
				t.Errorf("got  %q\nwant %q", got, c.want)
			}
		})
	}
	t.Run("every code of the tables has a hint", func(t *testing.T) {
		for _, code := range append(append([]string{}, permanentCodes...), transientCodeList...) {
			if !strings.HasPrefix(Hint(code, "#x"), code+": ") {
				t.Errorf("no hint for %s", code)
			}
		}
	})
}

func TestRedactor(t *testing.T) {
	hook := "https://hooks.slack.com" + testHookPath
	r := newRedactor(hook, testToken)
	cases := []struct{ name, in string }{
		{"the URL as written", "Post " + hook + ": EOF"},
		{"the URL as Go quotes it", fmt.Sprintf("Post %q: EOF", hook)},
		{"the path under another host", "Post \"http://127.0.0.1:80" + testHookPath + "\": EOF"},
		{"the token", "auth " + testToken},
		{"a token that was not configured", "auth xoxb-9999-8888-SECRETTOKEN"},
	}
	for _, c := range cases {
		t.Run(c.name+" is redacted", func(t *testing.T) {
			got := r.Text(c.in)
			if strings.Contains(got, "SECRET") || !strings.Contains(got, redacted) {
				t.Errorf("got %q", got)
			}
		})
	}
	t.Run("a short path is not taken for a secret", func(t *testing.T) {
		if got := newRedactor("https://h.example/").Text("a/b /"); got != "a/b /" {
			t.Errorf("got %q", got)
		}
	})
}
