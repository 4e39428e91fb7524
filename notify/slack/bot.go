package slack

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/notify"
)

// BotOptions configure a Bot.
type BotOptions struct {
	// Token is the bot token (xoxb-...), with the chat:write scope, and
	// channels:history (groups:history for a private channel) so that a
	// message whose post got no answer is looked for before it is sent
	// again.
	Token string
	// Channel is a channel id (C0123456789, best: it survives renames) or
	// #name; the app must be a member of it.
	Channel string
	// APIURL is the Web API's base URL; Slack's own by default. GovSlack and
	// test servers set their own.
	APIURL string
	// HTTPClient makes the requests; by default a client with a 30 second
	// timeout. It is copied, not changed.
	HTTPClient *http.Client
	// Location is the time zone that messages show publication times in,
	// besides UTC; nil shows UTC only.
	Location *time.Location
	// Actions adds to every alert the mute menus and feedback buttons that
	// an app on Socket Mode answers (WithActions); set it only when such an
	// app runs, or the controls would do nothing.
	Actions bool
	// StoryReplies caps the replies in a story's thread; beyond it later
	// reports only add their source to the first message's "also reported
	// by" line. 0 means DefaultStoryReplies.
	StoryReplies int
}

// DefaultStoryReplies is the thread cap of a story.
const DefaultStoryReplies = 20

// Bot posts alerts to one channel with a bot token, through chat.postMessage
// (destination type "slack"). It is safe for concurrent use.
//
// Every message carries message metadata with the ids of its alerts, so
// that Sent can find, in the channel's history, a message whose post got no
// answer.
type Bot struct {
	api     *slack.Client
	channel string
	loc     *time.Location
	redact  redactor
	render  []RenderOption
	replies int // the thread cap of a story

	mu      sync.Mutex
	id      string             // the channel's id, once known
	posted  map[string]string  // alert id → its message's ts (thread.go)
	parents map[string]*parent // alert id → its message, for "also reported by"
}

// NewBot returns a Bot. It fails without a token or a channel; the token is
// never part of an error.
func NewBot(o BotOptions) (*Bot, error) {
	if strings.TrimSpace(o.Token) == "" {
		return nil, errors.New("slack: a bot token is needed")
	}
	if strings.TrimSpace(o.Channel) == "" {
		return nil, errors.New("slack: a channel is needed")
	}
	opts := []slack.Option{slack.OptionHTTPClient(httpClient(o.HTTPClient))}
	if o.APIURL != "" {
		u := o.APIURL
		if !strings.HasSuffix(u, "/") {
			u += "/" // slack-go appends the method's name to it
		}
		opts = append(opts, slack.OptionAPIURL(u))
	}
	b := &Bot{
		api:     slack.New(o.Token, opts...),
		channel: o.Channel,
		loc:     o.Location,
		redact:  newRedactor(o.Token),
	}
	if o.Actions {
		b.render = []RenderOption{WithActions()}
	}
	b.replies = o.StoryReplies
	if b.replies <= 0 {
		b.replies = DefaultStoryReplies
	}
	if ch := strings.TrimSpace(o.Channel); channelID.MatchString(ch) {
		b.id = ch
	}
	return b, nil
}

// Send posts one alert. A failure is a *notify.SendError that says whether
// sending again may help.
//
// A follow-up of a story (Alert.Thread) goes into the thread of the
// story's first message, as one line; when that message cannot be found it
// goes out as an alert of its own, so that nothing is lost.
func (b *Bot) Send(ctx context.Context, a attache.Alert) error {
	if a.Thread != nil && a.Thread.Parent != "" {
		if ts := b.parentTS(ctx, a.Thread.Parent, a.Queued); ts != "" {
			edit := a.Thread.Revision != ""
			if !edit && b.threadFull(a.Thread.Parent) {
				// The thread has its share: the report is summed up on
				// the first message only.
				b.alsoReported(ctx, a)
				return nil
			}
			if err := b.postIn(ctx, RenderReply(a, b.loc), []attache.Alert{a}, ts); err != nil {
				return err
			}
			if !edit {
				b.alsoReported(ctx, a)
			}
			return nil
		}
	}
	return b.post(ctx, Render(a, b.loc, b.render...), []attache.Alert{a})
}

// SendSummary posts one message listing alerts. It sends nothing for none.
func (b *Bot) SendSummary(ctx context.Context, alerts []attache.Alert) error {
	if len(alerts) == 0 {
		return nil
	}
	return b.post(ctx, RenderSummary(alerts, b.loc), alerts)
}

func (b *Bot) post(ctx context.Context, m Message, alerts []attache.Alert) error {
	return b.postIn(ctx, m, alerts, "")
}

// postIn posts a message, in the thread of the message at thread when set.
func (b *Bot) postIn(ctx context.Context, m Message, alerts []attache.Alert, thread string) error {
	ctx, ans := withAnswer(ctx)
	opts := []slack.MsgOption{
		slack.MsgOptionText(m.Text, false), // escaped already
		slack.MsgOptionParse(false),        // parse=none: no mentions made from plain words
		slack.MsgOptionDisableLinkUnfurl(),
		slack.MsgOptionDisableMediaUnfurl(),
		slack.MsgOptionMetadata(alertMetadata(alerts)),
	}
	if len(m.Blocks) > 0 {
		opts = append(opts, slack.MsgOptionBlocks(m.Blocks...))
	}
	if thread != "" {
		opts = append(opts, slack.MsgOptionTS(thread))
	}
	channel, ts, err := b.api.PostMessageContext(ctx, b.channel, opts...)
	if err == nil {
		b.learnChannelID(channel)
		if thread == "" {
			b.remember(alerts, ts, m)
		}
	}
	return classify(err, ans, b.redact)
}

// Interface guards.
var (
	_ notify.Notifier   = (*Bot)(nil)
	_ notify.Summarizer = (*Bot)(nil)
)
