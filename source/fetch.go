package source

import (
	"context"
	"errors"
	"fmt"
	"github.com/attache-dev/attache/source/hints"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/internal/redact"
)

// Defaults for Options left at zero, besides attache.DefaultTimeout,
// attache.DefaultMaxBody and attache.DefaultUserAgent.
const (
	DefaultConnectTimeout = 10 * time.Second
	DefaultMaxRedirects   = 10
)

// bodyPeek is how much of a non-2xx answer is read to recognise a bot check.
const bodyPeek = 64 << 10

// Options bound a Fetcher. Zero values take the defaults.
type Options struct {
	// Timeout bounds a whole fetch: connecting, redirects, headers and body.
	Timeout time.Duration
	// ConnectTimeout bounds establishing a connection (TCP and TLS).
	ConnectTimeout time.Duration
	// MaxBody is the most bytes a body may have, counted after
	// decompression.
	MaxBody int64
	// MaxText is the most bytes kept of each text field of an item (title,
	// summary, content), cut at a character boundary; DefaultMaxText when
	// zero.
	MaxText int
	// MaxRedirects is the most redirects followed for one fetch.
	MaxRedirects int
	UserAgent    string
	// Now is the clock, for Retry-After dates; time.Now when nil.
	Now func() time.Time
	// DenyPrivate refuses every connection to an address that is not
	// public (loopback, private, link-local, the cloud metadata service,
	// carrier-grade NAT, ...), checked when the connection is made, so
	// after redirects and whatever DNS answered, and refuses local files.
	// Proxies from the environment are then not used: through a proxy,
	// the address finally connected to could not be checked.
	DenyPrivate bool
}

func (o Options) withDefaults() Options {
	if o.Timeout <= 0 {
		o.Timeout = attache.DefaultTimeout
	}
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = DefaultConnectTimeout
	}
	if o.MaxBody <= 0 {
		o.MaxBody = attache.DefaultMaxBody
	}
	if o.MaxText <= 0 {
		o.MaxText = attache.DefaultMaxText
	}
	if o.MaxRedirects <= 0 {
		o.MaxRedirects = DefaultMaxRedirects
	}
	if o.UserAgent == "" {
		o.UserAgent = attache.DefaultUserAgent
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Conditional holds the validators of the last answer, for a conditional GET.
type Conditional struct {
	ETag         string
	LastModified string
}

// Response is a fetched document.
type Response struct {
	// URL is the final address after redirects (file:// for local files).
	URL        string
	StatusCode int
	// NotModified is true for a 304 answer; Body is then empty.
	NotModified bool
	Body        []byte
	// ContentType is the HTTP Content-Type header, whose charset parameter
	// is honoured when the document declares none.
	ContentType string
	// ETag and LastModified are the validators to send next time. A 304
	// that repeats none of them keeps the ones that were sent.
	ETag         string
	LastModified string
	// Hints are what the answer's headers say of when to ask again
	// (Retry-After, Cache-Control, Expires).
	Hints hints.Hints
	// Link holds the answer's Link headers (RFC 8288), where a feed may
	// name its WebSub hub.
	Link []string
}

// Fetcher fetches feeds over HTTP(S) and from local files, within bounds.
// It is safe for concurrent use.
type Fetcher struct {
	opts   Options
	client *http.Client
	slots  hostSlots // item pages in flight per host (Follow)
}

// Client is the fetcher's HTTP client, for other requests to the sources'
// side, such as a WebSub hub's: they get the same timeout, proxy rules and
// deny_private.
func (f *Fetcher) Client() *http.Client { return f.client }

// NewFetcher returns a Fetcher with its own http.Client.
func NewFetcher(opts Options) *Fetcher {
	opts = opts.withDefaults()
	dialer := &net.Dialer{Timeout: opts.ConnectTimeout, KeepAlive: 30 * time.Second}
	proxy := http.ProxyFromEnvironment
	if opts.DenyPrivate {
		dialer.Control = denyPrivateControl
		proxy = nil
	}
	transport := &http.Transport{
		Proxy:                 proxy,
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   opts.ConnectTimeout,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   2,
		IdleConnTimeout:       90 * time.Second,
		ExpectContinueTimeout: time.Second,
		// Compression stays with the transport: it asks for gzip and
		// decompresses as the body is read, so that readLimited counts
		// decompressed bytes.
	}
	max := opts.MaxRedirects
	client := &http.Client{
		Transport: transport,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			// via holds every request made so far: the first and one per
			// redirect already followed.
			if len(via) > max {
				return fmt.Errorf("%w: stopped after %d, at %s", ErrTooManyRedirects, max, req.URL.Redacted())
			}
			return nil
		},
	}
	return &Fetcher{opts: opts, client: client}
}

// Fetch reads one source: an http(s) URL, a file:// URL or a local path.
// Over HTTP it always sends the validators in cond; a 304 answer comes back
// as a Response with NotModified set and no body. A non-2xx answer is an
// *HTTPError. Files are read whole, with the same size limit and no
// validators.
func (f *Fetcher) Fetch(ctx context.Context, source string, cond Conditional) (*Response, error) {
	return f.fetch(ctx, source, cond, acceptFeed)
}

// What a fetch asks for: a feed, or a web page (list pages and the pages
// of their items, which some servers answer differently when a feed is
// preferred).
const (
	acceptFeed = "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8"
	acceptPage = "text/html, application/xhtml+xml;q=0.9, */*;q=0.8"
)

func (f *Fetcher) fetch(ctx context.Context, source string, cond Conditional, accept string) (*Response, error) {
	return f.fetchWith(ctx, source, cond, accept, nil)
}

// fetchWith is fetch with the source's own request headers (a JSON API's
// token); the client's own headers (User-Agent, Accept, validators) win.
func (f *Fetcher) fetchWith(ctx context.Context, source string, cond Conditional, accept string, extra http.Header) (*Response, error) {
	path, local, err := localPath(source)
	if err != nil {
		return nil, err
	}
	if local {
		if f.opts.DenyPrivate {
			return nil, refuseLocal(path)
		}
		return readFile(ctx, path, f.opts.MaxBody)
	}
	shown := redact.URL(source)

	ctx, cancel := context.WithTimeout(ctx, f.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, source, nil)
	if err != nil {
		return nil, f.wrapErr(ctx, shown, err)
	}
	for name, values := range extra {
		req.Header[name] = values
	}
	req.Header.Set("User-Agent", f.opts.UserAgent)
	req.Header.Set("Accept", accept)
	if cond.ETag != "" {
		req.Header.Set("If-None-Match", cond.ETag)
	}
	if cond.LastModified != "" {
		req.Header.Set("If-Modified-Since", cond.LastModified)
	}

	resp, err := f.client.Do(req)
	if err != nil {
		return nil, f.wrapErr(ctx, shown, err)
	}
	defer resp.Body.Close()

	out := &Response{
		URL:          resp.Request.URL.Redacted(),
		StatusCode:   resp.StatusCode,
		ContentType:  resp.Header.Get("Content-Type"),
		ETag:         resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"),
		Hints:        hints.FromHeader(resp.Header, f.opts.Now()),
		Link:         resp.Header.Values("Link"),
	}
	switch {
	case resp.StatusCode == http.StatusNotModified:
		out.NotModified = true
		if out.ETag == "" && out.LastModified == "" {
			out.ETag, out.LastModified = cond.ETag, cond.LastModified
		}
		return out, nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return nil, f.httpError(resp, out.URL)
	}

	// A declared length is only trusted for refusing early when the
	// transport has not decompressed the body (then it is the real size).
	if resp.ContentLength > f.opts.MaxBody && !resp.Uncompressed {
		return nil, fmt.Errorf("fetch %s: %w", shown, tooLarge(f.opts.MaxBody))
	}
	out.Body, err = readLimited(resp.Body, f.opts.MaxBody, resp.ContentLength)
	if err != nil {
		return nil, f.wrapErr(ctx, shown, fmt.Errorf("read body: %w", err))
	}
	return out, nil
}

// httpError builds the error for a non-2xx answer, reading a little of its
// body to tell a bot check (often a 403 or 503) from a plain refusal.
func (f *Fetcher) httpError(resp *http.Response, shown string) error {
	e := &HTTPError{
		URL:        shown,
		StatusCode: resp.StatusCode,
		Status:     resp.Status,
		RetryAfter: parseRetryAfter(resp.Header, f.opts.Now()),
	}
	if peek, err := io.ReadAll(io.LimitReader(resp.Body, bodyPeek)); err == nil || len(peek) > 0 {
		e.BotCheck = detectBotCheck(peek)
	}
	return e
}

// wrapErr gives transport errors their context. A fetch that ran out of
// its own time budget says so and satisfies errors.Is(err,
// context.DeadlineExceeded), whatever the transport's error said.
func (f *Fetcher) wrapErr(ctx context.Context, shown string, err error) error {
	if ue, ok := err.(*url.Error); ok {
		// It repeats the URL, unredacted: keep only its cause.
		err = ue.Err
	}
	var denied *deniedError
	if errors.As(err, &denied) {
		// Not "dial tcp 127.0.0.1:80: refused to connect to 127.0.0.1".
		return fmt.Errorf("fetch %s: %w", shown, denied)
	}
	if errors.Is(err, ErrTooLarge) {
		return fmt.Errorf("fetch %s: %w", shown, err)
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) && !errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("%w: %w", context.DeadlineExceeded, err)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("fetch %s: timed out (timeout %s): %w", shown, f.opts.Timeout, err)
	}
	return fmt.Errorf("fetch %s: %w", shown, err)
}
