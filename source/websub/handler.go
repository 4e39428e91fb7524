package websub

import (
	"errors"
	"io"
	"net/http"
	"path"
	"strconv"
	"time"
)

// defaultLease is taken when a hub verifies a subscription without a lease,
// which WebSub requires it to give: renewal comes soon enough either way.
const defaultLease = 24 * time.Hour

// ServeHTTP is the callback every subscription's URL reaches; mount it at
// the callback URL's path and below (/websub/...). The last path segment
// is the subscription's token. GET is the hub's verification of intent,
// POST a notification.
func (s *Subscriber) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	token := path.Base(r.URL.Path)
	switch r.Method {
	case http.MethodGet:
		s.verify(w, r, token)
	case http.MethodPost:
		s.notify(w, r, token)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// verify answers a hub's verification of intent (WebSub §5.3): the
// challenge is echoed only for a request this subscriber made, for the
// topic it asked for; anything else is refused with 404, so that nobody
// else can subscribe or unsubscribe it.
func (s *Subscriber) verify(w http.ResponseWriter, r *http.Request, token string) {
	q := r.URL.Query()
	mode, topic, challenge := q.Get("hub.mode"), q.Get("hub.topic"), q.Get("hub.challenge")
	s.mu.Lock()
	defer s.mu.Unlock()
	sub, ok := s.byToken[token]
	if !ok || sub.Topic != topic {
		http.NotFound(w, r)
		return
	}
	log := s.opts.Logger.With("feed", sub.Feed, "hub", sub.Hub)
	switch mode {
	case "denied":
		sub.Status, sub.Reason = Denied, q.Get("hub.reason")
		log.Warn("websub: hub denied the subscription", "reason", sub.Reason)
		w.WriteHeader(http.StatusOK)
		return
	case "subscribe":
		if sub.Status != Pending && sub.Status != Active || challenge == "" {
			http.NotFound(w, r)
			return
		}
		lease := defaultLease
		if n, err := strconv.ParseInt(q.Get("hub.lease_seconds"), 10, 64); err == nil && n > 0 {
			lease = time.Duration(min(n, int64(365*24*3600))) * time.Second
		}
		sub.Status, sub.Lease, sub.LeaseEnd, sub.Reason = Active, lease, s.opts.Now().Add(lease), ""
		log.Info("websub: subscription verified", "lease", lease)
	case "unsubscribe":
		if sub.Status != Unsubscribing || challenge == "" {
			http.NotFound(w, r)
			return
		}
		delete(s.byToken, token)
		if s.byFeed[sub.Feed] == sub {
			delete(s.byFeed, sub.Feed)
		}
		log.Info("websub: unsubscribed")
	default:
		http.Error(w, "unknown hub.mode", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, challenge)
}

// notify takes a notification (WebSub §7–8): its body must carry a valid
// X-Hub-Signature under the subscription's secret, or it is rejected (403)
// and never delivered. A token this subscriber does not know is answered
// 410 Gone, which tells a hub to stop.
func (s *Subscriber) notify(w http.ResponseWriter, r *http.Request, token string) {
	s.mu.Lock()
	sub, ok := s.byToken[token]
	var c Subscription
	if ok {
		c = *sub
	}
	s.mu.Unlock()
	if !ok || c.Status == Denied {
		http.Error(w, "no such subscription", http.StatusGone)
		return
	}
	log := s.opts.Logger.With("feed", c.Feed, "hub", c.Hub)
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.opts.MaxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			log.Warn("websub: notification too large", "limit", s.opts.MaxBody)
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "read error", http.StatusBadRequest)
		return
	}
	if err := Verify(r.Header.Get("X-Hub-Signature"), c.Secret, body); err != nil {
		log.Warn("websub: notification rejected", "error", err, "bytes", len(body))
		http.Error(w, "bad signature", http.StatusForbidden)
		return
	}
	n := Notification{Feed: c.Feed, Topic: c.Topic, ContentType: r.Header.Get("Content-Type"), Body: body, Received: s.opts.Now()}
	if err := s.opts.Deliver(r.Context(), n); err != nil {
		log.Error("websub: notification not taken", "error", err)
		http.Error(w, "not taken, try again", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
