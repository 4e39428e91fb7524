package websub

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Status is where a subscription stands.
type Status string

// Statuses.
const (
	// Pending: asked, the hub has not yet verified it.
	Pending Status = "pending"
	// Active: verified; the hub pushes until LeaseEnd.
	Active Status = "active"
	// Denied: the hub refused (Reason says why).
	Denied Status = "denied"
	// Unsubscribing: asked to end, the hub has not yet verified it.
	Unsubscribing Status = "unsubscribing"
)

// Subscription is one feed's subscription to its hub. Its JSON form is what
// the store keeps, so that notifications keep being verified across
// restarts; it holds the secret, so it must be stored as a secret is.
type Subscription struct {
	Feed  string `json:"feed"`
	Topic string `json:"topic"`
	Hub   string `json:"hub"`
	// Token ends the callback URL and tells the feeds apart; it is random,
	// so that a callback cannot be guessed.
	Token  string `json:"token"`
	Secret string `json:"secret"`
	Status Status `json:"status"`
	// Lease is what the hub granted; LeaseEnd when it runs out.
	Lease    time.Duration `json:"lease"`
	LeaseEnd time.Time     `json:"lease_end,omitzero"`
	// Requested is when the last (re)subscription was asked for.
	Requested time.Time `json:"requested,omitzero"`
	// Reason is the hub's reason for a denial, or the last request's error.
	Reason string `json:"reason,omitempty"`
}

// Notification is content a hub pushed, its signature verified.
type Notification struct {
	Feed        string
	Topic       string
	ContentType string
	Body        []byte
	Received    time.Time
}

// Options configure a Subscriber.
type Options struct {
	// CallbackURL is the public URL that reaches the Handler, such as
	// https://attache.example.org/websub; each subscription adds /TOKEN.
	CallbackURL string
	// Deliver is given every verified notification. An error makes the
	// handler answer 500, so that the hub delivers it again.
	Deliver func(ctx context.Context, n Notification) error
	// Client makes the requests to hubs; http.DefaultClient when nil.
	Client *http.Client
	// Lease is the lease asked for; the hub decides. Zero asks for none.
	Lease time.Duration
	// MaxBody bounds a notification's body; 10 MiB when zero.
	MaxBody int64
	// AllowInsecureHub lets a secret travel to a plain-HTTP hub. Off, a
	// hub that is not HTTPS is refused: WebSub sends the secret in the
	// subscription request, and over HTTP anyone on the way could then
	// forge notifications.
	AllowInsecureHub bool
	Now              func() time.Time
	// Rand is the source of tokens and secrets; crypto/rand when nil.
	Rand   io.Reader
	Logger *slog.Logger
}

// Subscriber keeps the WebSub subscriptions of all feeds.
type Subscriber struct {
	opts     Options
	callback *url.URL
	mu       sync.Mutex
	byToken  map[string]*Subscription
	byFeed   map[string]*Subscription
}

// ErrInsecureHub is returned for a hub that is not HTTPS when
// Options.AllowInsecureHub is off.
var ErrInsecureHub = errors.New("hub is not https: the secret would travel in clear")

// New makes a subscriber.
func New(opts Options) (*Subscriber, error) {
	cb, err := url.Parse(opts.CallbackURL)
	if err != nil || (cb.Scheme != "https" && cb.Scheme != "http") || cb.Host == "" {
		return nil, fmt.Errorf("websub: callback_url %q: not an absolute http(s) URL", opts.CallbackURL)
	}
	if opts.Deliver == nil {
		return nil, errors.New("websub: no Deliver function")
	}
	if opts.Client == nil {
		opts.Client = http.DefaultClient
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = 10 << 20
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Rand == nil {
		opts.Rand = rand.Reader
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	cb.Path = strings.TrimSuffix(cb.Path, "/")
	return &Subscriber{opts: opts, callback: cb, byToken: map[string]*Subscription{}, byFeed: map[string]*Subscription{}}, nil
}

// Restore takes back subscriptions the store kept.
func (s *Subscriber) Restore(subs []Subscription) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sub := range subs {
		c := sub
		s.byToken[c.Token], s.byFeed[c.Feed] = &c, &c
	}
}

// Subscriptions are copies of every subscription, for the store and the
// status page.
func (s *Subscriber) Subscriptions() []Subscription {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Subscription, 0, len(s.byFeed))
	for _, sub := range s.byFeed {
		out = append(out, *sub)
	}
	return out
}

// Get is a copy of a feed's subscription.
func (s *Subscriber) Get(feed string) (Subscription, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sub, ok := s.byFeed[feed]
	if !ok {
		return Subscription{}, false
	}
	return *sub, true
}

// PushUntil is when a feed's verified lease ends: until then its hub
// pushes, and polling is only a fallback. Zero when no active lease covers
// now (pending, denied, expired or never subscribed).
func (s *Subscriber) PushUntil(feed string, now time.Time) time.Time {
	sub, ok := s.Get(feed)
	if !ok || sub.Status != Active || !now.Before(sub.LeaseEnd) {
		return time.Time{}
	}
	return sub.LeaseEnd
}

// CallbackFor is the callback URL of a subscription token.
func (s *Subscriber) CallbackFor(token string) string {
	u := *s.callback
	u.Path += "/" + token
	return u.String()
}

// Subscribe asks hub to push topic's updates for feed. A feed already
// subscribed to the same hub and topic keeps its token and secret (a
// renewal); another hub or topic replaces the subscription. The hub then
// verifies the intent through the Handler; until then the subscription is
// Pending.
func (s *Subscriber) Subscribe(ctx context.Context, feed, topic, hub string) error {
	hu, err := url.Parse(hub)
	if err != nil || hu.Host == "" {
		return fmt.Errorf("websub: feed %q: hub %q: not a URL", feed, hub)
	}
	if hu.Scheme != "https" && !s.opts.AllowInsecureHub {
		return fmt.Errorf("websub: feed %q: hub %q: %w", feed, hub, ErrInsecureHub)
	}
	s.mu.Lock()
	sub, ok := s.byFeed[feed]
	if !ok || sub.Hub != hub || sub.Topic != topic {
		token, err1 := s.random(16)
		secret, err2 := s.random(32)
		if err := errors.Join(err1, err2); err != nil {
			s.mu.Unlock()
			return fmt.Errorf("websub: feed %q: %w", feed, err)
		}
		if ok {
			delete(s.byToken, sub.Token)
		}
		sub = &Subscription{Feed: feed, Topic: topic, Hub: hub, Token: token, Secret: secret, Status: Pending}
		s.byToken[token], s.byFeed[feed] = sub, sub
	}
	if sub.Status != Active {
		sub.Status = Pending
	}
	sub.Requested = s.opts.Now()
	req := *sub
	s.mu.Unlock()

	form := url.Values{
		"hub.callback": {s.CallbackFor(req.Token)},
		"hub.mode":     {"subscribe"},
		"hub.topic":    {topic},
		"hub.secret":   {req.Secret},
	}
	if s.opts.Lease > 0 {
		form.Set("hub.lease_seconds", strconv.Itoa(int(s.opts.Lease/time.Second)))
	}
	if err := s.post(ctx, hub, form); err != nil {
		s.setReason(feed, err.Error())
		return fmt.Errorf("websub: feed %q: subscribe at %q: %w", feed, hub, err)
	}
	return nil
}

// Unsubscribe asks the hub to stop pushing a feed. The subscription goes
// when the hub verifies it; notifications still verify until then.
func (s *Subscriber) Unsubscribe(ctx context.Context, feed string) error {
	s.mu.Lock()
	sub, ok := s.byFeed[feed]
	if !ok {
		s.mu.Unlock()
		return nil
	}
	sub.Status = Unsubscribing
	req := *sub
	s.mu.Unlock()
	form := url.Values{
		"hub.callback": {s.CallbackFor(req.Token)},
		"hub.mode":     {"unsubscribe"},
		"hub.topic":    {req.Topic},
	}
	if err := s.post(ctx, req.Hub, form); err != nil {
		s.setReason(feed, err.Error())
		return fmt.Errorf("websub: feed %q: unsubscribe at %q: %w", feed, req.Hub, err)
	}
	return nil
}

// post sends a subscription request; the hub answers 202 Accepted (or
// another 2xx) and verifies later.
func (s *Subscriber) post(ctx context.Context, hub string, form url.Values) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hub, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := s.opts.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("hub answered %s: %s", resp.Status, strings.TrimSpace(string(msg)))
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return nil
}

func (s *Subscriber) setReason(feed, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sub, ok := s.byFeed[feed]; ok {
		sub.Reason = reason
	}
}

// random is n random bytes, as URL-safe text.
func (s *Subscriber) random(n int) (string, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(s.opts.Rand, b); err != nil {
		return "", fmt.Errorf("random: %w", err)
	}
	if n == 16 {
		return base64.RawURLEncoding.EncodeToString(b), nil
	}
	return hex.EncodeToString(b), nil
}
