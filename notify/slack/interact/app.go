// Package interact lets people act on alerts from Slack: mute a rule or a
// source from an alert's menus, say whether an alert was useful, and ask the
// daemon through the /attache slash command. It talks to Slack through
// Socket Mode only: the daemon opens a WebSocket to Slack with an app-level
// token (xapp-…, connections:write), so it needs no public URL, and nothing
// reaches it except what arrives on that connection.
//
// Every request is acknowledged at once (Slack waits 3 seconds); the work is
// done after the acknowledgement, and its outcome is told by updating the
// alert's message (chat.update) or by a reply to the person who asked.
// Only the configured admins and the members of a destination's channel may
// act; everyone else is told so, and every action is logged with the user's
// id.
//
// The package knows nothing of the store or the watcher: it states what it
// needs (Mutes, FeedbackStore, Inspector, Backtester) and the daemon
// provides it.
package interact

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// Options configure an App.
type Options struct {
	// AppToken is the app-level token (xapp-…) with connections:write.
	AppToken string
	// BotToken is the bot token (xoxb-…) that posted the alerts: it updates
	// them, replies, and reads channel members (chat:write,
	// channels:read, groups:read).
	BotToken string
	// Channels are the ids (C…, G…) of the channels the alerts go to. Their
	// members may act; a name (#alerts) cannot be checked and is refused.
	// With none, only the Admins may act.
	Channels []string
	// Admins are user ids (U…, W…) who may act wherever they are.
	Admins []string

	// APIURL is the Web API's base URL; Slack's own by default.
	APIURL string
	// HTTPClient makes the Web API requests and the replies; by default a
	// client with a 30 second timeout.
	HTTPClient *http.Client
	// Logger receives what the app does; nothing is logged without it.
	Logger *slog.Logger
	// Now is the clock; time.Now by default.
	Now func() time.Time

	Mutes      Mutes
	Feedback   FeedbackStore
	Inspector  Inspector
	Backtester Backtester

	// MembersTTL is how long a channel's member list is trusted; 5 minutes
	// by default.
	MembersTTL time.Duration
	// AckBudget is how long a command may take before its acknowledgement
	// says that the answer will follow; 2 seconds by default, inside
	// Slack's 3.
	AckBudget time.Duration
	// WorkTimeout bounds the work done for one request; 30 seconds by
	// default.
	WorkTimeout time.Duration
	// PingInterval is how long the connection may go without a ping from
	// Slack before it is taken for dead and opened again; 30 seconds by
	// default, as Slack pings more often.
	PingInterval time.Duration
	// RetryMin and RetryMax bound the wait between attempts when Slack
	// refuses the app token; 1 second and 5 minutes by default. Other
	// failures are retried by slack-go's own backoff (from 100 ms to 5
	// minutes).
	RetryMin, RetryMax time.Duration
}

// Defaults.
const (
	DefaultMembersTTL   = 5 * time.Minute
	DefaultAckBudget    = 2 * time.Second
	DefaultWorkTimeout  = 30 * time.Second
	DefaultPingInterval = 30 * time.Second
	maxWorkers          = 16      // requests worked on at once
	maxIncoming         = 1 << 20 // bytes of one WebSocket message
)

// App answers alerts' controls and the /attache command over Socket Mode.
type App struct {
	o      Options
	log    *slog.Logger
	api    *slack.Client
	smc    *socketmode.Client
	conn   *tracker
	access *access
	notes  *notes
	redact *strings.Replacer
	sem    chan struct{}
	wg     sync.WaitGroup
	once   sync.Once
}

var channelID = regexp.MustCompile(`^[CG][A-Z0-9]{6,}$`)

// New returns an App; Run connects it. It fails without the two tokens, the
// four interfaces, or with a channel that is not an id. No token is ever
// part of an error or a log line.
func New(o Options) (*App, error) {
	switch {
	case !strings.HasPrefix(o.AppToken, "xapp-"):
		return nil, errors.New("slack app: an app-level token (xapp-…) is needed")
	case strings.TrimSpace(o.BotToken) == "":
		return nil, errors.New("slack app: a bot token is needed")
	case o.Mutes == nil || o.Feedback == nil || o.Inspector == nil || o.Backtester == nil:
		return nil, errors.New("slack app: mutes, feedback, inspector and backtester are needed")
	}
	for _, c := range o.Channels {
		if !channelID.MatchString(c) {
			return nil, fmt.Errorf("slack app: channel %q: give the channel's id (C…), so that its members can be checked", c)
		}
	}
	setDefaults(&o)
	opts := []slack.Option{slack.OptionHTTPClient(o.HTTPClient), slack.OptionAppLevelToken(o.AppToken)}
	if o.APIURL != "" {
		u := o.APIURL
		if !strings.HasSuffix(u, "/") {
			u += "/" // slack-go appends the method's name to it
		}
		opts = append(opts, slack.OptionAPIURL(u))
	}
	api := slack.New(o.BotToken, opts...)
	a := &App{
		o:      o,
		log:    o.Logger,
		api:    api,
		conn:   newTracker(o.Now),
		access: newAccess(api, o.Admins, o.Channels, o.MembersTTL, o.Now),
		notes:  newNotes(),
		redact: strings.NewReplacer(o.AppToken, "xapp-…", o.BotToken, "xoxb-…"),
		sem:    make(chan struct{}, maxWorkers),
	}
	a.smc = socketmode.New(api,
		socketmode.OptionPingInterval(o.PingInterval),
		socketmode.OptionReadLimit(maxIncoming),
		socketmode.OptionLog(discard{}),
	)
	return a, nil
}

func setDefaults(o *Options) {
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.MembersTTL, DefaultMembersTTL)
	def(&o.AckBudget, DefaultAckBudget)
	def(&o.WorkTimeout, DefaultWorkTimeout)
	def(&o.PingInterval, DefaultPingInterval)
	def(&o.RetryMin, time.Second)
	def(&o.RetryMax, 5*time.Minute)
}

// discard quiets slack-go's own logger: the app logs what matters itself.
type discard struct{}

func (discard) Output(int, string) error { return nil }

// Status is the connection's state, for /readyz and the status page.
func (a *App) Status() ConnStatus { return a.conn.get() }

// Run connects to Slack and answers requests until ctx ends, reconnecting
// by itself whenever the connection is lost or refused. It then waits for
// the work under way (each bounded by WorkTimeout) and returns. It may be
// called once.
func (a *App) Run(ctx context.Context) error {
	ran := false
	a.once.Do(func() { ran = true })
	if !ran {
		return errors.New("slack app: Run called twice")
	}
	events := make(chan struct{})
	go func() {
		defer close(events)
		a.events(ctx)
	}()
	b := backoff{min: a.o.RetryMin, max: a.o.RetryMax}
	for {
		connects := a.conn.get().Connects
		err := a.smc.RunContext(ctx)
		if ctx.Err() != nil {
			break
		}
		// slack-go gives up only when Slack refuses the token.
		msg := a.errText(err)
		a.conn.failed(msg, true)
		if a.conn.get().Connects > connects {
			b.reset()
		}
		a.log.Error("slack app: Slack refused the connection; trying again", keyError, msg)
		if !b.wait(ctx) {
			break
		}
	}
	<-events
	a.wg.Wait()
	a.conn.set(StateStopped)
	return nil
}

// errText is err's message with any token taken out.
func (a *App) errText(err error) string {
	if err == nil {
		return "unknown error"
	}
	return a.redact.Replace(err.Error())
}

// spawn runs f after the acknowledgement, with at most maxWorkers at once,
// on a context that shutdown does not cut (a mute half done would be lost)
// but that WorkTimeout bounds.
func (a *App) spawn(ctx context.Context, what string, f func(ctx context.Context)) {
	select {
	case a.sem <- struct{}{}:
	case <-ctx.Done():
		return
	}
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		defer func() { <-a.sem }()
		defer func() {
			if p := recover(); p != nil {
				a.log.Error("slack app: request failed", keyRequest, what, keyError, fmt.Sprint(p))
			}
		}()
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.o.WorkTimeout)
		defer cancel()
		f(wctx)
	}()
}
