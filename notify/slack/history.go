package slack

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/slack-go/slack"

	"github.com/attache-dev/attache/notify"
)

// How the channel's history is read to find the messages of alerts whose
// send got no answer.
const (
	// historyMargin is how long before the first such send the history is
	// read from: room for this host's clock and Slack's to differ.
	historyMargin = 5 * time.Minute
	// historyPage messages are asked for at a time, and at most
	// historyPages pages: a busy channel is not read without end.
	historyPage  = 200
	historyPages = 10
)

// historyScopeHint says what to do when the token may not read the channel.
const historyScopeHint = "give the app the channels:history scope (groups:history for a private channel) " +
	"under OAuth & Permissions and reinstall it; until then an alert whose send got no answer " +
	"is sent again at most twice, then given up"

// Sent reports which of ids are in messages of the channel from since on
// (less historyMargin), by the message metadata every message of the Bot
// carries. It reads the channel with conversations.history, which needs the
// channels:history scope (groups:history for a private channel). An error
// wrapping notify.ErrCannotCheck means the channel cannot be read (no
// scope, no channel id yet) or was not read to since (more than
// historyPages pages); the ids found until then are returned with it.
func (b *Bot) Sent(ctx context.Context, ids []string, since time.Time) (map[string]bool, error) {
	found, err := b.find(ctx, ids, since)
	sent := make(map[string]bool, len(found))
	for id := range found {
		sent[id] = true
	}
	return sent, err
}

// find is Sent with the message each id was found in.
func (b *Bot) find(ctx context.Context, ids []string, since time.Time) (map[string]slack.Message, error) {
	where := channelName(b.channel)
	channel := b.channelID()
	if channel == "" {
		return nil, fmt.Errorf("%w: conversations.history needs the id of %s, configured by name, and no message has given it yet: configure the channel by its id",
			notify.ErrCannotCheck, where)
	}
	want := make(map[string]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	found := make(map[string]slack.Message)
	params := slack.GetConversationHistoryParameters{
		ChannelID:          channel,
		Oldest:             slackTS(since.Add(-historyMargin)),
		Inclusive:          true,
		Limit:              historyPage,
		IncludeAllMetadata: true,
	}
	for range historyPages {
		rctx, ans := withAnswer(ctx)
		resp, err := b.api.GetConversationHistoryContext(rctx, &params)
		if err != nil {
			return found, b.historyError(err, ans, where)
		}
		for _, m := range resp.Messages {
			for _, id := range metadataIDs(m.Metadata) {
				if want[id] {
					found[id] = m
				}
			}
		}
		next := resp.ResponseMetaData.NextCursor
		if len(found) == len(want) || !resp.HasMore || next == "" {
			return found, nil
		}
		params.Cursor = next
	}
	return found, fmt.Errorf("%w: more than %d messages in %s since %s; looked no further",
		notify.ErrCannotCheck, historyPage*historyPages, where, since.UTC().Format(time.RFC3339))
}

// historyError classifies a failure of conversations.history as a send's
// is: Slack's refusal (a missing scope, a channel the app cannot see) means
// the channel cannot be checked; anything else may pass.
func (b *Bot) historyError(err error, ans *answer, where string) error {
	e := classify(err, ans, b.redact)
	if se, ok := errors.AsType[*notify.SendError](e); ok && !se.Retry {
		hint := Hint(se.Code, b.channel)
		if se.Code == "missing_scope" || se.Code == "not_allowed_token_type" {
			hint = historyScopeHint
		}
		if hint != "" {
			hint = ": " + hint
		}
		return fmt.Errorf("%w: conversations.history of %s: %v%s", notify.ErrCannotCheck, where, e, hint)
	}
	return fmt.Errorf("conversations.history of %s: %w", where, e)
}

// channelID is the channel's id: as configured, or as Slack's answer to a
// post gave it when the channel is configured by name. conversations.history
// takes only an id.
func (b *Bot) channelID() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.id
}

// learnChannelID keeps the id of the channel from an answer to a post.
func (b *Bot) learnChannelID(id string) {
	if id == "" {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.id = id
}

// slackTS writes t as Slack writes a message's time: seconds, then
// microseconds.
func slackTS(t time.Time) string {
	if t.Unix() <= 0 {
		return "0"
	}
	us := t.Nanosecond() / 1000
	return strconv.FormatInt(t.Unix(), 10) + "." + fmt.Sprintf("%06d", us)
}

// Interface guard.
var _ notify.Checker = (*Bot)(nil)
