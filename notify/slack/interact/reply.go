package interact

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/slack-go/slack"
)

// maxReplyBytes bounds a reply's text as JSON encodes it (where "<" takes
// six bytes), so that an acknowledgement that carries it stays well under
// the 20 KB that Slack accepts on the socket; a longer answer is cut by
// whole lines and says how many it left out.
const maxReplyBytes = 16 * 1024

// reply is an answer to a command: shown to the person who asked only,
// unless InChannel.
type reply struct {
	Text      string
	InChannel bool
}

// ackPayload is a command's answer inside its acknowledgement.
type ackPayload struct {
	ResponseType string `json:"response_type"`
	Text         string `json:"text"`
}

func (r reply) responseType() string {
	if r.InChannel {
		return slack.ResponseTypeInChannel
	}
	return slack.ResponseTypeEphemeral
}

func (r reply) payload() ackPayload {
	return ackPayload{ResponseType: r.responseType(), Text: r.Text}
}

// ephemeral is an acknowledgement's answer shown to one person.
func ephemeral(text string) ackPayload { return reply{Text: text}.payload() }

// respond sends an answer through a request's response_url.
func (a *App) respond(ctx context.Context, responseURL string, r reply) error {
	if responseURL == "" {
		return errors.New("no response_url")
	}
	return slack.PostWebhookCustomHTTPContext(ctx, responseURL, a.o.HTTPClient, &slack.WebhookMessage{
		Text:         r.Text,
		ResponseType: r.responseType(),
	})
}

// jsonLen is how many bytes s takes as a JSON string, quotes left out.
func jsonLen(s string) int {
	b, err := json.Marshal(s)
	if err != nil {
		return len(s) * 6
	}
	return len(b) - 2
}

// fit joins head and as many whole lines as fit in maxReplyBytes, and then
// more(n) for the n lines left out. line(i) makes line i of n, and is called
// only for the lines that are looked at: an answer about five thousand
// sources formats the few that it shows.
func fit(head string, n int, line func(i int) string, more func(n int) string) string {
	var b strings.Builder
	b.WriteString(head)
	size := jsonLen(head)
	for i := range n {
		l := "\n" + line(i)
		cost := jsonLen(l)
		tail := 0
		if i < n-1 {
			tail = jsonLen("\n" + more(n-i-1))
		}
		if size+cost+tail > maxReplyBytes {
			b.WriteString("\n" + more(n-i))
			return b.String()
		}
		b.WriteString(l)
		size += cost
	}
	return b.String()
}

func moreLines(n int) string { return "…and " + strconv.Itoa(n) + " more" }
