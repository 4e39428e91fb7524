package slack

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/notify"
)

// WebhookOptions configure a Webhook.
type WebhookOptions struct {
	// URL is the incoming webhook's URL. It is a secret: whoever has it can
	// post to the channel, so it never appears in errors.
	URL string
	// HTTPClient makes the requests; by default a client with a 30 second
	// timeout. It is copied, not changed.
	HTTPClient *http.Client
	// Location is the time zone that messages show publication times in,
	// besides UTC; nil shows UTC only.
	Location *time.Location
}

// Webhook posts alerts through an incoming webhook (destination type
// "slack-webhook"), to the channel the webhook was made for. It is safe for
// concurrent use.
type Webhook struct {
	url    string
	client *http.Client
	loc    *time.Location
	redact redactor
}

// NewWebhook returns a Webhook. It fails unless the URL is an http or https
// URL; the URL is never part of an error.
func NewWebhook(o WebhookOptions) (*Webhook, error) {
	u, err := url.Parse(strings.TrimSpace(o.URL))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, errors.New("slack webhook: want an http or https URL (value not shown)")
	}
	return &Webhook{
		url:    u.String(),
		client: httpClient(o.HTTPClient),
		loc:    o.Location,
		redact: newRedactor(o.URL, u.String()),
	}, nil
}

// Send posts one alert. A failure is a *notify.SendError that says whether
// sending again may help.
//
// A webhook cannot reply in a thread: a follow-up of a story goes out as
// one compact line saying it is another report of a story already alerted.
func (w *Webhook) Send(ctx context.Context, a attache.Alert) error {
	if a.Thread != nil {
		return w.post(ctx, RenderReply(a, w.loc))
	}
	return w.post(ctx, Render(a, w.loc))
}

// SendSummary posts one message listing alerts. It sends nothing for none.
func (w *Webhook) SendSummary(ctx context.Context, alerts []attache.Alert) error {
	if len(alerts) == 0 {
		return nil
	}
	return w.post(ctx, RenderSummary(alerts, w.loc))
}

func (w *Webhook) post(ctx context.Context, m Message) error {
	ctx, ans := withAnswer(ctx)
	off := false
	msg := &slack.WebhookMessage{
		Text:        m.Text,
		Parse:       "none", // no mentions made from plain words
		UnfurlLinks: &off,
		UnfurlMedia: &off,
	}
	if len(m.Blocks) > 0 {
		msg.Blocks = &slack.Blocks{BlockSet: m.Blocks}
	}
	err := slack.PostWebhookCustomHTTPContext(ctx, w.url, w.client, msg)
	return classify(err, ans, w.redact)
}

// Interface guards.
var (
	_ notify.Notifier   = (*Webhook)(nil)
	_ notify.Summarizer = (*Webhook)(nil)
)
