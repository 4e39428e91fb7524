package slack

import (
	"context"
	"time"

	"github.com/slack-go/slack"

	"github.com/attache-dev/attache"
)

// maxPosted bounds the alert ids whose message time the Bot remembers, to
// thread later reports under them without reading the channel.
const maxPosted = 10000

// storyLookBack is how far back the channel is read for a story's first
// message: a story stays open 48 hours after its latest report.
const storyLookBack = 4 * 24 * time.Hour

// RenderReply lays out a follow-up: one line for the thread of its story's
// first message — source, language, time, title linked — and why it was
// taken for the same story.
func RenderReply(a attache.Alert, loc *time.Location) Message {
	title := clean(a.Item.Title, maxTitle)
	if title == "" {
		title = "(no title)"
	}
	line := "↳ *" + escape(clean(a.Item.Feed, maxName)) + "*"
	if a.Item.Lang != "" {
		line += " · " + escape(clean(a.Item.Lang, 8))
	}
	line += " · " + when(a.Item, loc) + " · " + linked(a.Item.Link, escape(title), maxURL)
	blocks := []slack.Block{section(line)}
	if a.Thread != nil && a.Thread.Why != "" {
		blocks = append(blocks, contextBlock(mrkdwn("same story: "+escape(clean(a.Thread.Why, 300)))))
	}
	return Message{Text: "Also reported: " + fallback(a), Blocks: blocks}
}

// remember keeps the time of the message that carried alerts.
func (b *Bot) remember(alerts []attache.Alert, ts string) {
	if ts == "" {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.posted == nil || len(b.posted) >= maxPosted {
		b.posted = map[string]string{}
	}
	for _, a := range alerts {
		b.posted[a.ID] = ts
	}
}

// parentTS finds the message of a story's first alert: remembered from its
// post, or else in the channel's history by its metadata. Empty when it
// cannot be found (another process posted it long ago, the history cannot
// be read): the follow-up then goes out as an alert of its own.
func (b *Bot) parentTS(ctx context.Context, parent string, queued time.Time) string {
	b.mu.Lock()
	ts := b.posted[parent]
	b.mu.Unlock()
	if ts != "" {
		return ts
	}
	if queued.IsZero() {
		queued = time.Now()
	}
	found, _ := b.find(ctx, []string{parent}, queued.Add(-storyLookBack))
	return found[parent]
}
