package interact

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/attache-dev/attache"
	render "github.com/attache-dev/attache/notify/slack"
)

// Replies to a click that could not be carried out.
const (
	notAllowed   = "You are not allowed to act on attaché's alerts: ask an admin, or a member of the alerts' channel."
	cannotCheck  = "Slack could not tell whether you may act on this alert. Please try again in a minute."
	actionFailed = "That did not work (%s). Please try again; if it keeps failing, tell the operator."
)

// onInteraction acknowledges a click at once, with nothing to show, and
// carries out the alert's controls after.
func (a *App) onInteraction(ctx context.Context, req socketmode.Request, cb slack.InteractionCallback) {
	a.ack(ctx, req, nil)
	if cb.Type != slack.InteractionTypeBlockActions {
		return
	}
	var ours []*slack.BlockAction
	for _, act := range cb.ActionCallback.BlockActions {
		switch act.ActionID {
		case render.ActionMuteRule, render.ActionMuteSource, render.ActionUseful, render.ActionNotRelevant:
			ours = append(ours, act)
		}
	}
	if len(ours) == 0 {
		return
	}
	a.spawn(ctx, "block_actions", func(ctx context.Context) { a.blockActions(ctx, cb, ours) })
}

func (a *App) blockActions(ctx context.Context, cb slack.InteractionCallback, acts []*slack.BlockAction) {
	user, channel := cb.User.ID, cb.Channel.ID
	if channel == "" {
		channel = cb.Container.ChannelID
	}
	ok, err := a.access.allowed(ctx, user, channel)
	if err != nil {
		a.log.Error("slack app: cannot check who may act", keyUser, user, keyChannel, channel, keyError, a.errText(err))
		a.tell(ctx, channel, user, cb.ResponseURL, cannotCheck)
		return
	}
	if !ok {
		a.log.Warn("slack app: action refused", keyUser, user, keyChannel, channel, keyAction, acts[0].ActionID)
		a.tell(ctx, channel, user, cb.ResponseURL, notAllowed)
		return
	}
	var lines []string
	for _, act := range acts {
		line, err := a.act(ctx, user, act)
		if err != nil {
			a.log.Error("slack app: action failed", keyUser, user, keyAction, act.ActionID, keyError, a.errText(err))
			a.tell(ctx, channel, user, cb.ResponseURL, fmt.Sprintf(actionFailed, render.EscapeText(a.errText(err), 200)))
			continue
		}
		lines = append(lines, line)
	}
	if len(lines) == 0 {
		return
	}
	ts := cb.Container.MessageTs
	if ts == "" {
		ts = cb.Message.Timestamp
	}
	if err := a.annotate(ctx, channel, ts, cb.Message, lines); err != nil {
		a.log.Warn("slack app: cannot update the alert's message", keyChannel, channel, keyError, a.errText(err))
		a.tell(ctx, channel, user, cb.ResponseURL, strings.Join(lines, "\n"))
	}
}

// act carries out one control and says, in mrkdwn, what was done.
func (a *App) act(ctx context.Context, user string, act *slack.BlockAction) (string, error) {
	raw := act.Value
	if act.ActionID == render.ActionMuteRule || act.ActionID == render.ActionMuteSource {
		raw = act.SelectedOption.Value
	}
	v, err := render.DecodeActionValue(raw)
	if err != nil {
		return "", err
	}
	now := a.o.Now()
	switch act.ActionID {
	case render.ActionMuteRule, render.ActionMuteSource:
		m := attache.Mute{Kind: attache.MuteSource, Name: v.Feed, Until: now.Add(v.For), By: user, At: now}
		if act.ActionID == render.ActionMuteRule {
			if len(v.Rules) != 1 {
				return "", fmt.Errorf("mute: %d rules in the control's value: %w", len(v.Rules), render.ErrBadActionValue)
			}
			m.Kind, m.Name = attache.MuteRule, v.Rules[0]
		}
		if m.Name == "" || v.For < minMute || v.For > maxMute {
			return "", fmt.Errorf("mute: no name, or a duration of %v: %w", v.For, render.ErrBadActionValue)
		}
		if v.Alert != "" {
			m.Reason = "from alert " + v.Alert
		}
		if err := a.o.Mutes.SetMute(ctx, m); err != nil {
			return "", fmt.Errorf("mute %s %s: %w", m.Kind, m.Name, err)
		}
		a.log.Info("slack app: muted", keyUser, user, keyKind, string(m.Kind), keyName, m.Name,
			keyUntil, m.Until, keyAlert, v.Alert)
		return fmt.Sprintf("%s muted for %s (until %s) by %s", target(m.Kind, m.Name),
			render.DurationText(v.For), when(m.Until), mention(user)), nil
	}
	verdict := attache.VerdictUseful
	if act.ActionID == render.ActionNotRelevant {
		verdict = attache.VerdictNotRelevant
	}
	if v.Alert == "" || len(v.Rules) == 0 {
		return "", fmt.Errorf("feedback: no alert or rules: %w", render.ErrBadActionValue)
	}
	fb := make([]attache.Feedback, 0, len(v.Rules))
	for _, r := range v.Rules {
		fb = append(fb, attache.Feedback{AlertID: v.Alert, Rule: r, Verdict: verdict, By: user, At: now})
	}
	if err := a.o.Feedback.AddFeedback(ctx, fb); err != nil {
		return "", fmt.Errorf("feedback on alert %s: %w", v.Alert, err)
	}
	a.log.Info("slack app: feedback", keyUser, user, keyVerdict, string(verdict), keyAlert, v.Alert,
		keyName, strings.Join(v.Rules, ","))
	if verdict == attache.VerdictUseful {
		return "Marked useful by " + mention(user), nil
	}
	return "Marked not relevant by " + mention(user), nil
}

// tell replies to one person only: chat.postEphemeral, or the request's
// response_url when that fails (in a channel the bot is not in, say).
func (a *App) tell(ctx context.Context, channel, user, responseURL, text string) {
	_, err := a.api.PostEphemeralContext(ctx, channel, user,
		slack.MsgOptionText(text, false), slack.MsgOptionParse(false))
	if err == nil {
		return
	}
	if responseURL == "" {
		a.log.Warn("slack app: cannot reply", keyUser, user, keyError, a.errText(err))
		return
	}
	if err2 := a.respond(ctx, responseURL, reply{Text: text}); err2 != nil {
		a.log.Warn("slack app: cannot reply", keyUser, user, keyError, a.errText(errors.Join(err, err2)))
	}
}

// when is a time as Slack shows it in each reader's own time zone, with a
// UTC fallback for clients that cannot.
func when(t time.Time) string {
	return fmt.Sprintf("<!date^%d^{date_short_pretty} {time}|%s>", t.Unix(), t.UTC().Format("2006-01-02 15:04 UTC"))
}
