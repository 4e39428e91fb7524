package source

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/attache-dev/attache"
)

func TestHTTPErrors(t *testing.T) {
	cloudflare := readTestdata(t, "botcheck-cloudflare.html")
	tests := []struct {
		name       string
		handler    http.HandlerFunc
		status     int
		retryAfter time.Duration
		botCheck   string
	}{
		{"a 500 is an HTTPError with status 500", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "boom", http.StatusInternalServerError)
		}, 500, 0, ""},
		{"a 503 carries its Retry-After in seconds", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "120")
			w.WriteHeader(http.StatusServiceUnavailable)
		}, 503, 2 * time.Minute, ""},
		{"a 429 carries its Retry-After date, measured from the answer's Date", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Date", "Wed, 21 Oct 2026 07:28:00 GMT")
			w.Header().Set("Retry-After", "Wed, 21 Oct 2026 07:33:00 GMT")
			w.WriteHeader(http.StatusTooManyRequests)
		}, 429, 5 * time.Minute, ""},
		{"a 403 with a Cloudflare challenge says bot check", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=UTF-8")
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write(cloudflare)
		}, 403, 0, "Cloudflare"},
		{"a 404 is an HTTPError with status 404", func(w http.ResponseWriter, r *http.Request) {
			http.NotFound(w, r)
		}, 404, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, tt.handler)
			_, err := newTestFetcher(Options{}).Items(context.Background(), attache.Feed{Name: "x", URL: srv.URL}, Conditional{}, testNow)
			var httpErr *HTTPError
			if !errors.As(err, &httpErr) {
				t.Fatalf("got error %v, want an *HTTPError", err)
			}
			if httpErr.StatusCode != tt.status || !strings.HasPrefix(httpErr.Status, fmt.Sprint(tt.status)) {
				t.Errorf("got status %d %q, want %d", httpErr.StatusCode, httpErr.Status, tt.status)
			}
			if httpErr.RetryAfter != tt.retryAfter {
				t.Errorf("got Retry-After %s, want %s", httpErr.RetryAfter, tt.retryAfter)
			}
			if httpErr.BotCheck != tt.botCheck {
				t.Errorf("got bot check %q, want %q", httpErr.BotCheck, tt.botCheck)
			}
			if tt.botCheck != "" && !strings.Contains(err.Error(), "bot check") {
				t.Errorf("got message %q, want it to say bot check", err)
			}
			if got := Classify(err); got != attache.PollHTTPError {
				t.Errorf("got class %q, want %q", got, attache.PollHTTPError)
			}
		})
	}
}

func TestErrorsHidePasswords(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no", http.StatusInternalServerError)
	})
	u := strings.Replace(srv.URL, "http://", "http://reader:s3cret@", 1)
	_, err := newTestFetcher(Options{}).Fetch(context.Background(), u, Conditional{})
	if err == nil {
		t.Fatal("got no error, want a 500")
	}
	if strings.Contains(err.Error(), "s3cret") {
		t.Errorf("got message %q, want the password hidden", err)
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want attache.PollClass
	}{
		{"no error is ok", nil, attache.PollOK},
		{"a wrapped not-modified is not_modified", fmt.Errorf("x: %w", ErrNotModified), attache.PollNotModified},
		{"a wrapped HTTPError is http_error", fmt.Errorf("x: %w", &HTTPError{StatusCode: 502}), attache.PollHTTPError},
		{"a deadline is a timeout", fmt.Errorf("x: %w", context.DeadlineExceeded), attache.PollTimeout},
		{"an error with Timeout() true is a timeout", fmt.Errorf("x: %w", os.ErrDeadlineExceeded), attache.PollTimeout},
		{"a wrapped not-a-feed is not_a_feed", fmt.Errorf("x: %w", ErrNotAFeed), attache.PollNotAFeed},
		{"a wrapped parse error is parse_error", fmt.Errorf("x: %w", ErrParse), attache.PollParseError},
		{"a wrapped too-large is too_large", fmt.Errorf("x: %w", ErrTooLarge), attache.PollTooLarge},
		{"anything else is network_error", errors.New("connection reset by peer"), attache.PollNetworkError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Classify(tt.err); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNetworkErrors(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {})
	addr := srv.URL
	srv.Close() // nothing listens there any more
	_, err := newTestFetcher(Options{}).Fetch(context.Background(), addr, Conditional{})
	if err == nil {
		t.Fatal("got no error from a closed server")
	}
	if got := Classify(err); got != attache.PollNetworkError {
		t.Errorf("got class %q for %v, want %q", got, err, attache.PollNetworkError)
	}
}
