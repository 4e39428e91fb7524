package slack

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/attache-dev/attache"
)

// maxPosted bounds the alert ids whose message time the Bot remembers, to
// thread later reports under them without reading the channel; maxParents
// the messages it keeps whole, to add to them who else reported the story.
const (
	maxPosted  = 10000
	maxParents = 500
)

// parent is a story's first message as the Bot posted it, with the sources
// that reported the story since.
type parent struct {
	ts      string
	msg     Message
	sources []string
	replies int
}

// threadFull counts a reply under a story's first message and reports
// whether the thread already has its StoryReplies; known only for first
// messages this process posted.
func (b *Bot) threadFull(id string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	p := b.parents[id]
	if p == nil {
		return false
	}
	if p.replies >= b.replies {
		return true
	}
	p.replies++
	return false
}

// AlsoReportedBlockID is the id of the line a story's first message gets
// naming the other sources that reported it.
const AlsoReportedBlockID = "attache_also_reported"

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
	if a.Thread != nil && a.Thread.Revision != "" {
		// An edit of a statement already alerted: what changed, word by word.
		blocks := []slack.Block{section("✎ *edited* · " + line[len("↳ "):])}
		var diff []string
		for _, l := range strings.Split(a.Thread.Revision, "\n") {
			diff = append(diff, escape(clean(l, 600)))
		}
		blocks = append(blocks, section(strings.Join(diff, "\n")))
		if a.Thread.Why != "" {
			blocks = append(blocks, contextBlock(mrkdwn(escape(clean(a.Thread.Why, 300)))))
		}
		return Message{Text: "Edited: " + fallback(a), Blocks: blocks}
	}
	blocks := []slack.Block{section(line)}
	if a.Thread != nil && a.Thread.Why != "" {
		blocks = append(blocks, contextBlock(mrkdwn("same story: "+escape(clean(a.Thread.Why, 300)))))
	}
	return Message{Text: "Also reported: " + fallback(a), Blocks: blocks}
}

// remember keeps the time of the message that carried alerts, and a single
// alert's message whole, as the possible first message of a story.
func (b *Bot) remember(alerts []attache.Alert, ts string, m Message) {
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
	if len(alerts) == 1 {
		if b.parents == nil || len(b.parents) >= maxParents {
			b.parents = map[string]*parent{}
		}
		b.parents[alerts[0].ID] = &parent{ts: ts, msg: m}
	}
}

// alsoReported updates a story's first message, when this process posted
// it, with the sources that reported the story since: "Also reported by
// belta-ru, tass-ru". A failure costs only that line; the reply is posted.
func (b *Bot) alsoReported(ctx context.Context, a attache.Alert) {
	b.mu.Lock()
	p := b.parents[a.Thread.Parent]
	var m Message
	if p != nil {
		if !slices.Contains(p.sources, a.Item.Feed) {
			p.sources = append(p.sources, a.Item.Feed)
		}
		names := make([]string, len(p.sources))
		for i, s := range p.sources {
			names[i] = escape(clean(s, maxName))
		}
		line := contextBlock(mrkdwn("Also reported by " + joinFit(names, ", ", 2000, func(n int) string { return "and " + itoa(n) + " more" })))
		line.BlockID = AlsoReportedBlockID
		m = Message{Text: p.msg.Text, Blocks: append(slices.Clone(p.msg.Blocks), line)}
	}
	b.mu.Unlock()
	if p == nil {
		return
	}
	channel := b.channelID()
	if channel == "" {
		return
	}
	opts := []slack.MsgOption{slack.MsgOptionText(m.Text, false), slack.MsgOptionBlocks(m.Blocks...)}
	_, _, _, _ = b.api.UpdateMessageContext(ctx, channel, p.ts, opts...)
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
	m, ok := found[parent]
	if !ok {
		return ""
	}
	b.adopt(parent, m)
	return m.Timestamp
}

// adopt takes a story's first message as the channel holds it, found after
// a restart, so that its "also reported by" line goes on from what it says.
func (b *Bot) adopt(id string, m slack.Message) {
	p := &parent{ts: m.Timestamp, msg: Message{Text: m.Text}}
	for _, blk := range m.Blocks.BlockSet {
		if cb, ok := blk.(*slack.ContextBlock); ok && cb.BlockID == AlsoReportedBlockID {
			for _, el := range cb.ContextElements.Elements {
				if t, ok := el.(*slack.TextBlockObject); ok {
					if list, ok := strings.CutPrefix(t.Text, "Also reported by "); ok {
						p.sources = strings.Split(list, ", ")
					}
				}
			}
			continue
		}
		p.msg.Blocks = append(p.msg.Blocks, blk)
	}
	if len(p.msg.Blocks) == 0 {
		return // a message whose blocks did not come back cannot be rebuilt
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.parents == nil || len(b.parents) >= maxParents {
		b.parents = map[string]*parent{}
	}
	b.parents[id] = p
}
