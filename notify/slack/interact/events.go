package interact

import (
	"context"
	"errors"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// events reads what the Socket Mode client reports until ctx ends: the
// connection's life, which the tracker keeps, and Slack's requests, which
// are acknowledged and handed to workers.
func (a *App) events(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case evt := <-a.smc.Events:
			a.event(ctx, evt)
		}
	}
}

func (a *App) event(ctx context.Context, evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		if a.conn.connecting() == StateConnected {
			a.log.Warn("slack app: connection lost; reconnecting")
		}
	case socketmode.EventTypeConnectionError:
		msg := "connection error"
		if e, ok := evt.Data.(*slack.ConnectionErrorEvent); ok && e.ErrorObj != nil {
			msg = a.errText(e.ErrorObj)
		}
		if a.conn.failed(msg, false) != StateReconnecting {
			a.log.Warn("slack app: cannot connect; retrying", keyError, msg)
		}
	case socketmode.EventTypeInvalidAuth:
		a.conn.failed("invalid_auth", true)
	case socketmode.EventTypeConnected:
		was := a.conn.set(StateConnected)
		a.log.Info("slack app: connected", keyPrevious, string(was), keyConnects, a.conn.get().Connects)
	case socketmode.EventTypeIncomingError, socketmode.EventTypeErrorBadMessage:
		a.log.Warn("slack app: unreadable message from Slack", keyError, a.badMessage(evt))
	case socketmode.EventTypeErrorWriteFailed:
		a.log.Warn("slack app: an acknowledgement could not be sent", keyError, a.badMessage(evt))
	case socketmode.EventTypeSlashCommand:
		cmd, ok := evt.Data.(slack.SlashCommand)
		if ok && evt.Request != nil {
			a.onCommand(ctx, *evt.Request, cmd)
		}
	case socketmode.EventTypeInteractive:
		cb, ok := evt.Data.(slack.InteractionCallback)
		if ok && evt.Request != nil {
			a.onInteraction(ctx, *evt.Request, cb)
		}
	default:
		// Events API events and anything new: acknowledged, so that Slack
		// does not send them again, and otherwise ignored.
		if evt.Request != nil && evt.Request.EnvelopeID != "" {
			a.ack(ctx, *evt.Request, nil)
		}
	}
}

func (a *App) badMessage(evt socketmode.Event) string {
	var err error
	switch d := evt.Data.(type) {
	case *slack.IncomingEventError:
		err = d.ErrorObj
	case *socketmode.ErrorBadMessage:
		err = d.Cause
	case *socketmode.ErrorWriteFailed:
		err = d.Cause
	}
	if err == nil {
		err = errors.New(string(evt.Type))
	}
	return a.errText(err)
}

// ack acknowledges a request, with payload as the answer when there is one.
// An answer that Slack would drop (20 KB or more) is replaced by a short
// one, so that the request is still acknowledged; replies are cut to fit
// well before that, so this is a last guard.
func (a *App) ack(ctx context.Context, req socketmode.Request, payload any) {
	err := a.smc.AckCtx(ctx, req.EnvelopeID, payload)
	if err != nil && payload != nil && ctx.Err() == nil {
		a.log.Error("slack app: answer too large; sent a short one", keyError, err.Error())
		err = a.smc.AckCtx(ctx, req.EnvelopeID, ephemeral("The answer was too long to show. See the daemon's log."))
	}
	if err != nil && ctx.Err() == nil {
		a.log.Warn("slack app: acknowledgement failed", keyError, a.errText(err))
	}
}
