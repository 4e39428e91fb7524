package slack

import (
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// Answers of a fake Slack, for the tables of failures.

func status(code int, retryAfter, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		w.WriteHeader(code)
		_, _ = io.WriteString(w, body)
	}
}

// resetAfterRequest reads the whole request, then drops the connection with
// a reset: the request was sent, no answer comes.
func resetAfterRequest(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// stall answers nothing until the client gives up.
func stall(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	select {
	case <-r.Context().Done():
	case <-time.After(10 * time.Second):
	}
}

// outcome is what a table expects of a send: nil, or a SendError like this.
type outcome struct {
	ok         bool
	retry      bool
	unknown    bool // the request went out and no answer came
	retryAfter time.Duration
	code       string
}

func checkOutcome(t *testing.T, err error, want outcome) {
	t.Helper()
	noSecrets(t, err)
	if want.ok {
		if err != nil {
			t.Fatalf("got %v, want delivered", err)
		}
		return
	}
	se := sendError(t, err)
	if se.Retry != want.retry || se.Unknown != want.unknown || se.RetryAfter != want.retryAfter || se.Code != want.code {
		t.Errorf("got Retry=%v Unknown=%v RetryAfter=%s Code=%q (%v), want Retry=%v Unknown=%v RetryAfter=%s Code=%q",
			se.Retry, se.Unknown, se.RetryAfter, se.Code, err, want.retry, want.unknown, want.retryAfter, want.code)
	}
}

// Slack's error codes, as the tables expect them classified.
var (
	permanentCodes = []string{
		"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired",
		"no_permission", "missing_scope", "channel_not_found", "not_in_channel", "is_archived",
		"invalid_blocks", "invalid_blocks_format", "msg_too_long", "no_text", "invalid_arguments",
		"restricted_action", "team_access_not_granted",
	}
	transientCodeList = []string{"fatal_error", "internal_error", "service_unavailable", "request_timeout"}
)
