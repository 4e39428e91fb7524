// Package web serves attaché's HTTP endpoints for operators: Prometheus
// metrics, liveness and readiness probes, and a read-only status page.
//
// Everything here reads; nothing changes the daemon's state. The handler is
// meant for a listener on a private address (127.0.0.1:9464 in the
// examples): it has no authentication, and it shows feed text and alert
// titles, which are public, along with who was alerted about what, which is
// not.
package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/store"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Source is what the endpoints read: the daemon's store. Every
// store.Store satisfies it.
type Source interface {
	// Ping checks that the state can still be read.
	Ping(ctx context.Context) error
	// FeedStates returns the saved state of every feed ever polled.
	FeedStates(ctx context.Context) ([]store.FeedState, error)
	// Alerts returns the latest limit alerts, newest first.
	Alerts(ctx context.Context, limit int) ([]attache.Alert, error)
	// RuleCounts returns how many alerts each rule produced within
	// retention; rules with none may be absent.
	RuleCounts(ctx context.Context) (map[string]int, error)
}

// Options configure the handler. Every field is optional.
type Options struct {
	// Logger receives failures to read the source and changes of readiness.
	// Nil discards them.
	Logger *slog.Logger
	// Now is the clock for the status page. Nil means time.Now.
	Now func() time.Time
	// Registry is served on /metrics. Nil: /metrics is not served (404).
	Registry prometheus.Gatherer
	// Ready is the daemon's own readiness check, called by /readyz after the
	// source answered: the configuration is loaded, the scheduler's
	// heartbeat is fresh. Its error's text is shown to the prober, so it
	// must carry no secret. Nil: the source alone decides.
	Ready func(ctx context.Context) error
	// Feeds and Rules return the names of the feeds and rules in the
	// current configuration, in its order; they are called at every request
	// since a reload changes them. The status page lists every configured
	// feed and rule, polled or not, matched or not. Nil: the page lists
	// what the source knows.
	Feeds func() []string
	Rules func() []string
	// RuleFeedback reads readers' verdicts per rule since a time, shown
	// beside each rule; Degraded lists what works only in part (a Slack
	// app reconnecting), shown on the page and in /readyz, which stays 200.
	RuleFeedback func(ctx context.Context, since time.Time) (map[string]store.FeedbackCount, error)
	// Stories reads the stories of several reports of the last day, newest
	// first; nil leaves their section out.
	Stories  func(ctx context.Context, now time.Time) ([]Story, error)
	Degraded func() []string
	// Polling says where each adaptive schedule stands, and TimeToAlert
	// reads each source's times to alert over the last day; nil leaves
	// their sections out.
	Polling     func() []Polling
	TimeToAlert func(ctx context.Context, now time.Time) ([]TimeToAlert, error)
	// Replicas, with a state shared by several processes, reads them and
	// their leases for the status page; OwnReplica and OwnConfigHash say
	// which of them serves the page and what configuration it runs. Nil:
	// no replicas section.
	Replicas      func(ctx context.Context) ([]store.Replica, error)
	OwnReplica    func() string
	OwnConfigHash func() string
	// Title heads the status page. Empty means "attaché".
	Title string
	// Location is the time zone of the times on the status page. Nil means
	// UTC.
	Location *time.Location
}

// Time limits for reading the source: a probe must answer before the
// prober's own timeout (1 s by default in Kubernetes, often raised), and a
// status page must not hang on a locked store.
const (
	readyTimeout  = 3 * time.Second
	statusTimeout = 10 * time.Second
)

// Log keys.
const (
	keyError = "error"
	keyPath  = "path"
)

type server struct {
	src      Source
	log      *slog.Logger
	now      func() time.Time
	ready    func(context.Context) error
	feeds    func() []string
	rules    func() []string
	title    string
	loc      *time.Location
	metrics  bool
	notReady readiness

	replicas      func(ctx context.Context) ([]store.Replica, error)
	ownReplica    func() string
	ownConfigHash func() string
	polling       func() []Polling
	feedback      func(ctx context.Context, since time.Time) (map[string]store.FeedbackCount, error)
	degraded      func() []string
	stories       func(ctx context.Context, now time.Time) ([]Story, error)
	timeToAlert   func(ctx context.Context, now time.Time) ([]TimeToAlert, error)
}

// New returns the handler of attaché's HTTP endpoints:
//
//	GET /         the status page (HTML)
//	GET /healthz  200 "ok" while the process serves
//	GET /readyz   200 "ready", or 503 and the reason in plain text
//	GET /metrics  the Prometheus exposition of opts.Registry
//
// HEAD is answered wherever GET is; other methods get 405, other paths 404.
func New(src Source, opts Options) http.Handler {
	s := &server{
		src:     src,
		log:     opts.Logger,
		now:     opts.Now,
		ready:   opts.Ready,
		feeds:   opts.Feeds,
		rules:   opts.Rules,
		title:   opts.Title,
		loc:     opts.Location,
		metrics: opts.Registry != nil,

		replicas: opts.Replicas, ownReplica: opts.OwnReplica, ownConfigHash: opts.OwnConfigHash,
		polling: opts.Polling, timeToAlert: opts.TimeToAlert,
		feedback: opts.RuleFeedback, degraded: opts.Degraded, stories: opts.Stories,
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.title == "" {
		s.title = "attaché"
	}
	if s.loc == nil {
		s.loc = time.UTC
	}

	mux := http.NewServeMux()
	// A GET pattern also matches HEAD; a path served for GET answers other
	// methods with 405 and an Allow header.
	mux.HandleFunc("GET /{$}", s.status)
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	if opts.Registry != nil {
		mux.Handle("GET /metrics", promhttp.HandlerFor(opts.Registry, promhttp.HandlerOpts{
			ErrorLog: promLogger{s.log},
			// One failing collector (the queue's, when the store is
			// closed) must not hide every other metric, least of all
			// when something is wrong.
			ErrorHandling: promhttp.ContinueOnError,
		}))
	}
	return secureHeaders(mux)
}

// secureHeaders sets the headers every answer carries: nothing here may be
// cached by a proxy, sniffed into another type, or framed by another site.
func secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}

func (s *server) healthz(w http.ResponseWriter, r *http.Request) {
	plain(w, http.StatusOK, "ok")
}

func (s *server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()
	reason := ""
	if err := s.src.Ping(ctx); err != nil {
		reason = "store: " + err.Error()
	} else if s.ready != nil {
		if err := s.ready(ctx); err != nil {
			reason = err.Error()
		}
	}
	s.notReady.set(s.log, reason)
	if reason != "" {
		plain(w, http.StatusServiceUnavailable, "not ready: "+reason)
		return
	}
	if s.degraded != nil {
		if d := s.degraded(); len(d) > 0 {
			plain(w, http.StatusOK, "ready; degraded: "+strings.Join(d, "; "))
			return
		}
	}
	plain(w, http.StatusOK, "ready")
}

// plain writes a one-line text answer.
func plain(w http.ResponseWriter, code int, text string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(code)
	fmt.Fprintln(w, text)
}

// readiness remembers why the daemon was last found not ready, so that a
// probe every few seconds logs a change, not every answer.
type readiness struct {
	mu     sync.Mutex
	reason string
}

func (r *readiness) set(log *slog.Logger, reason string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if reason == r.reason {
		return
	}
	if reason == "" {
		log.Info("ready again", "previous_error", r.reason)
	} else {
		log.Warn("not ready", keyError, reason)
	}
	r.reason = reason
}

// promLogger passes the metrics handler's errors to slog.
type promLogger struct{ log *slog.Logger }

func (l promLogger) Println(v ...any) {
	l.log.Warn("serve metrics", keyError, fmt.Sprint(v...))
}
