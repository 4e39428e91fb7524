package slack

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// defaultTimeout bounds a request when the caller gives no HTTP client.
const defaultTimeout = 30 * time.Second

// maxErrorBody is how much of an error answer's body is kept: enough for
// Slack's error code, or the start of an HTML error page.
const maxErrorBody = 1024

// answer is what Slack's HTTP answer to one request said, as far as the
// classification needs it. slack-go keeps neither the body of an answer
// other than 200 (where incoming webhooks put their error code, and the Web
// API its JSON) nor a 429's Retry-After when it is absent or not a number.
//
// wrote says the request was written out whole: from then on Slack may have
// acted on it, whatever became of the answer. The HTTP transport reports it
// from its own goroutine, possibly after RoundTrip has returned.
type answer struct {
	status     int    // 0 when no answer came
	retryAfter string // the Retry-After header
	body       string // the start of the body of an answer other than 200
	wrote      atomic.Bool
}

type answerKey struct{}

// withAnswer returns a context whose requests record their answer in the
// returned *answer. Each send has its own.
func withAnswer(ctx context.Context) (context.Context, *answer) {
	a := &answer{}
	return context.WithValue(ctx, answerKey{}, a), a
}

// recorder is a transport that fills in the answer carried by the request's
// context. The HTTP client calls it on the caller's goroutine, once per
// request and redirect, so the last answer is the one that counts.
type recorder struct{ base http.RoundTripper }

func (r recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	a, ok := req.Context().Value(answerKey{}).(*answer)
	if !ok {
		return r.base.RoundTrip(req)
	}
	// Each request (a redirect is another) starts unwritten and unanswered.
	a.status, a.retryAfter, a.body = 0, "", ""
	a.wrote.Store(false)
	trace := &httptrace.ClientTrace{WroteRequest: func(info httptrace.WroteRequestInfo) {
		if info.Err == nil {
			a.wrote.Store(true)
		}
	}}
	resp, err := r.base.RoundTrip(req.WithContext(httptrace.WithClientTrace(req.Context(), trace)))
	if err != nil {
		return resp, err
	}
	a.status, a.retryAfter = resp.StatusCode, resp.Header.Get("Retry-After")
	if resp.StatusCode != http.StatusOK {
		buf, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		a.body = string(buf)
		resp.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(buf), resp.Body), resp.Body}
	}
	return resp, nil
}

// httpClient returns a client that records answers: a copy of c with its
// transport wrapped, or a new one with a timeout when c is nil.
func httpClient(c *http.Client) *http.Client {
	if c == nil {
		c = &http.Client{Timeout: defaultTimeout}
	}
	cp := *c
	base := cp.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	cp.Transport = recorder{base}
	return &cp
}

// redactor takes secrets (a token, a webhook URL) out of error texts. An
// incoming webhook's URL is a secret as a whole, and it appears in Go's
// network errors ("Post \"https://hooks.slack.com/services/...\": EOF").
type redactor []string

const redacted = "[redacted]"

// Patterns of Slack secrets, redacted whatever the configuration says.
var secretPatterns = regexp.MustCompile(`xox[a-z]-[A-Za-z0-9-]+|(?i)hooks\.slack(?:-gov)?\.com/[^\s"']*`)

// newRedactor redacts each secret as written, as Go quotes it in errors,
// and, for a URL, its path and query, which hold the secret part of a
// webhook's URL however the rest is spelled. Short strings are left alone:
// redacting "/" would make every error unreadable.
func newRedactor(secrets ...string) redactor {
	var r redactor
	add := func(s string) {
		if len(s) >= 6 {
			r = append(r, s, strings.Trim(strconv.Quote(s), `"`))
		}
	}
	for _, s := range secrets {
		add(s)
		if u, err := url.Parse(s); err == nil {
			add(u.String())
			add(u.EscapedPath())
			add(u.RawQuery)
		}
	}
	return r
}

// text returns s with every secret replaced.
func (r redactor) text(s string) string {
	for _, secret := range r {
		s = strings.ReplaceAll(s, secret, redacted)
	}
	return secretPatterns.ReplaceAllString(s, redacted)
}

// wrap returns err with its text redacted. It still answers errors.Is for
// what err wraps (context.Canceled, a deadline), but gives nothing else of
// it away: errors.As or Unwrap would hand back the text with the secret.
func (r redactor) wrap(err error) error {
	return &safeError{msg: r.text(err.Error()), cause: err}
}

type safeError struct {
	msg   string
	cause error
}

func (e *safeError) Error() string        { return e.msg }
func (e *safeError) Is(target error) bool { return errors.Is(e.cause, target) }
