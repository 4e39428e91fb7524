package source

import (
	"context"
	"errors"
	"fmt"
	"github.com/attache-dev/attache/source/jsonapi"
	"github.com/attache-dev/attache/source/sitemap"
	"github.com/attache-dev/attache/source/telegram"
	"net/http"
	"strings"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/internal/retry"
)

// Sentinel errors. Errors returned by this package wrap one of them (or are
// an *HTTPError, a timeout or a network error) with the detail that explains
// it; test them with errors.Is and name them with Classify.
var (
	// ErrNotAFeed: the source answered, but with something other than an
	// RSS, Atom or JSON feed: an HTML page (a bot check, an error page, a
	// website), another XML document, or plain text.
	ErrNotAFeed = errors.New("not a feed")
	// ErrParse: the document looks like a feed but cannot be parsed
	// (truncated or broken XML), or it is empty.
	ErrParse = errors.New("feed does not parse")
	// ErrSelectorsMatchedNothing: an HTML list page answered, but its item
	// selector matched no element that has a title or a link: the site
	// changed its layout, or answered with another page. It is a failure
	// of the source, never an empty list.
	ErrSelectorsMatchedNothing = errors.New("selectors matched nothing")
	// ErrTooLarge: the body, counted after decompression, exceeds MaxBody.
	ErrTooLarge = errors.New("body too large")
	// ErrTooManyRedirects: the server redirected more than MaxRedirects times.
	ErrTooManyRedirects = errors.New("too many redirects")
	// ErrNotModified is never returned by Fetch or Items, which report a 304
	// through Response.NotModified and Result.NotModified. It exists for
	// callers that carry a 304 on as an error value, so that Classify still
	// names it "not_modified".
	ErrNotModified = errors.New("not modified")
)

// HTTPError is a non-2xx answer (other than 304).
type HTTPError struct {
	// URL is the address that answered, with any password removed.
	URL string
	// StatusCode and Status are the answer's, such as 503 and
	// "503 Service Unavailable".
	StatusCode int
	Status     string
	// RetryAfter is the wait that the server asked for in its Retry-After
	// header (seconds or an HTTP date), or 0 when it asked for none.
	RetryAfter time.Duration
	// BotCheck names the bot-protection service whose challenge page came
	// with the answer ("Cloudflare", "F5/Shape", ...), or is empty.
	BotCheck string
}

// Error says which address answered what, and whether it was a bot check.
func (e *HTTPError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: http %s", e.URL, e.Status)
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	if e.BotCheck != "" {
		fmt.Fprintf(&b, ": bot check (%s)", e.BotCheck)
	}
	return b.String()
}

// Classify names the class of an error returned by this package: one of
// ok (nil), not_modified, http_error (a non-2xx answer, or too many
// redirects), timeout, not_a_feed, parse_error, too_large,
// selectors_matched_nothing (an HTML list page whose selectors found no
// item) and network_error (everything else: DNS, connection, TLS, a local
// file that cannot be read).
//
// A context cancelled by the caller is a network_error; callers shutting down
// should check their own context before counting the failure.
func Classify(err error) attache.PollClass {
	var httpErr *HTTPError
	var timeout interface{ Timeout() bool }
	switch {
	case err == nil:
		return attache.PollOK
	case errors.Is(err, ErrNotModified):
		return attache.PollNotModified
	case errors.Is(err, ErrTooLarge):
		return attache.PollTooLarge
	case errors.Is(err, ErrNotAFeed):
		return attache.PollNotAFeed
	case errors.Is(err, ErrSelectorsMatchedNothing):
		return attache.PollSelectorsMatchedNothing
	case errors.Is(err, telegram.ErrPreviewUnavailable):
		return attache.PollPreviewUnavailable
	case errors.Is(err, telegram.ErrNotAPreview), errors.Is(err, sitemap.ErrNotASitemap):
		return attache.PollNotAFeed
	case errors.Is(err, jsonapi.ErrNotJSON):
		return attache.PollNotAFeed
	case errors.Is(err, jsonapi.ErrItemsNotFound):
		return attache.PollSelectorsMatchedNothing
	case errors.Is(err, sitemap.ErrParse):
		return attache.PollParseError
	case errors.Is(err, sitemap.ErrTooLarge):
		return attache.PollTooLarge
	case errors.Is(err, ErrParse):
		return attache.PollParseError
	case errors.As(err, &httpErr), errors.Is(err, ErrTooManyRedirects):
		return attache.PollHTTPError
	case errors.Is(err, context.DeadlineExceeded):
		return attache.PollTimeout
	case errors.As(err, &timeout) && timeout.Timeout():
		return attache.PollTimeout
	}
	return attache.PollNetworkError
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP date.
// A date is measured against the answer's own Date header when it has one,
// so that a skewed local clock does not change the wait. It is 0 when the
// server asked for no wait.
func parseRetryAfter(h http.Header, now time.Time) time.Duration {
	if date, err := http.ParseTime(h.Get("Date")); err == nil {
		now = date
	}
	d, _ := retry.After(h.Get("Retry-After"), now)
	return d
}
