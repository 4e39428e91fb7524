package slack

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
	"time"

	"github.com/attache-dev/attache/internal/redact"
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
type redactor = redact.Redactor

// newRedactor redacts the secrets of a destination.
func newRedactor(secrets ...string) redactor { return redact.NewSlack(secrets...) }

// redacted is what a secret becomes.
const redacted = redact.Mark
