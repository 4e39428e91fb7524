package interact

import (
	"context"
	"errors"
	"regexp"
	"sync"

	"github.com/slack-go/slack"

	"github.com/attache-dev/attache"
	render "github.com/attache-dev/attache/notify/slack"
)

const (
	// notesBlockID is the context block, under the controls, that says who
	// did what to an alert.
	notesBlockID = "attache_notes"
	// maxNotes is how many lines it keeps, the newest: Slack allows ten
	// elements in a context block.
	maxNotes = 10
	// maxKnown is how many messages' blocks are remembered.
	maxKnown = 256
)

// notes remembers the blocks last written to each message, so that two
// clicks on one alert in quick succession both show: each click's payload
// carries the message as it was when it was clicked, which may predate the
// other's update. Updates are made one at a time.
type notes struct {
	mu    sync.Mutex
	known map[string][]slack.Block
	order []string
}

func newNotes() *notes { return &notes{known: map[string][]slack.Block{}} }

// annotate adds lines to the notes under an alert and updates its message
// with chat.update; the rest of the message stays as it was.
func (a *App) annotate(ctx context.Context, channel, ts string, msg slack.Message, lines []string) error {
	if channel == "" || ts == "" {
		return errors.New("no message to update")
	}
	n := a.notes
	n.mu.Lock()
	defer n.mu.Unlock()
	key := channel + "/" + ts
	blocks, ok := n.known[key]
	if !ok {
		blocks = msg.Blocks.BlockSet
	}
	if len(blocks) == 0 {
		return errors.New("the message has no blocks")
	}
	blocks = withNotes(blocks, lines)
	_, _, _, err := a.api.UpdateMessageContext(ctx, channel, ts,
		slack.MsgOptionText(msg.Text, false),
		slack.MsgOptionBlocks(blocks...),
		slack.MsgOptionParse(false))
	if err != nil {
		return err
	}
	if !ok {
		n.order = append(n.order, key)
		if len(n.order) > maxKnown {
			delete(n.known, n.order[0])
			n.order = n.order[1:]
		}
	}
	n.known[key] = blocks
	return nil
}

// withNotes returns blocks with lines added to the notes block, made at the
// end when there is none yet. blocks is not changed.
func withNotes(blocks []slack.Block, lines []string) []slack.Block {
	out := make([]slack.Block, 0, len(blocks)+1)
	var elements []slack.MixedElement
	for _, b := range blocks {
		if c, ok := b.(*slack.ContextBlock); ok && c.BlockID == notesBlockID {
			elements = append(elements, c.ContextElements.Elements...)
			continue
		}
		out = append(out, b)
	}
	for _, l := range lines {
		elements = append(elements, &slack.TextBlockObject{Type: slack.MarkdownType, Text: l, Verbatim: true})
	}
	if len(elements) > maxNotes {
		elements = elements[len(elements)-maxNotes:]
	}
	return append(out, slack.NewContextBlock(notesBlockID, elements...))
}

var userID = regexp.MustCompile(`^[UW][A-Z0-9]{2,}$`)

// mention is a user id as Slack shows a person, or the text escaped when it
// is not an id.
func mention(user string) string {
	if userID.MatchString(user) {
		return "<@" + user + ">"
	}
	return render.EscapeText(user, 80)
}

// target names a mute's target in mrkdwn: "Rule *nato-west*".
func target(kind attache.MuteKind, name string) string {
	k := "Rule"
	if kind == attache.MuteSource {
		k = "Source"
	}
	return k + " *" + render.EscapeText(name, 80) + "*"
}
