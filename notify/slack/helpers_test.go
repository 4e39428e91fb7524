package slack

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/notify"
	"github.com/attache-dev/attache/text"
)

// Secrets that must never show in an error.
const (
	testToken    = "xoxb-1111-2222-SECRETTOKEN"
	testHookPath = "/services/T000/B000/SECRETHOOK"
)

// wireBlock and wireText are blocks as Slack receives them, decoded from the
// JSON on the wire rather than from slack-go's types, so that the tests see
// what a reader would.
type wireBlock struct {
	Type     string     `json:"type"`
	Text     *wireText  `json:"text"`
	Elements []wireText `json:"elements"`
	Fields   []wireText `json:"fields"`
}

type wireText struct {
	Type     string `json:"type"`
	Text     string `json:"text"`
	Emoji    *bool  `json:"emoji"`
	Verbatim bool   `json:"verbatim"`
}

// wire is a message as Slack received it.
type wire struct {
	Text   string
	Blocks []wireBlock
	Raw    string // the blocks' JSON, as sent
}

// toWire puts a rendered message through JSON, as the notifiers do.
func toWire(t *testing.T, m Message) wire {
	t.Helper()
	raw, err := json.Marshal(m.Blocks)
	if err != nil {
		t.Fatalf("marshal blocks: %v", err)
	}
	return decodeWire(t, m.Text, string(raw))
}

func decodeWire(t *testing.T, text, blocks string) wire {
	t.Helper()
	w := wire{Text: text, Raw: blocks}
	if blocks != "" {
		if err := json.Unmarshal([]byte(blocks), &w.Blocks); err != nil {
			t.Fatalf("decode blocks %q: %v", blocks, err)
		}
	}
	return w
}

// texts lists every text of a message: the fallback first, then each text
// object of each block.
func (w wire) texts() []wireText {
	out := []wireText{{Type: "mrkdwn", Text: w.Text}}
	for _, b := range w.Blocks {
		if b.Text != nil {
			out = append(out, *b.Text)
		}
		out = append(out, b.Elements...)
		out = append(out, b.Fields...)
	}
	return out
}

// checkLimits fails the test for every limit of Slack's that the message
// breaks, and for any text that is not valid UTF-8 or that leaves mrkdwn
// markup open: an entity cut short, a "<" that starts no link of ours, a
// link without its end.
func checkLimits(t *testing.T, w wire) {
	t.Helper()
	if n := len(w.Blocks); n > maxBlocks {
		t.Errorf("%d blocks, want at most %d", n, maxBlocks)
	}
	total := 0
	for _, x := range w.texts() {
		total += slackLen(x.Text)
		if !utf8.ValidString(x.Text) {
			t.Errorf("text is not valid UTF-8: %q", x.Text)
		}
		if x.Type == "mrkdwn" {
			checkMarkup(t, x.Text)
		}
	}
	for i, b := range w.Blocks {
		switch b.Type {
		case "section":
			if b.Text == nil || b.Text.Text == "" {
				t.Errorf("block %d: section without text", i)
			} else if n := slackLen(b.Text.Text); n > maxSectionChars {
				t.Errorf("block %d: section of %d characters, want at most %d", i, n, maxSectionChars)
			}
		case "header":
			if b.Text == nil || b.Text.Type != "plain_text" {
				t.Errorf("block %d: header without plain text", i)
			} else if n := slackLen(b.Text.Text); n > maxHeaderChars {
				t.Errorf("block %d: header of %d characters, want at most %d", i, n, maxHeaderChars)
			}
		case "context":
			if len(b.Elements) == 0 || len(b.Elements) > 10 {
				t.Errorf("block %d: context with %d elements, want 1 to 10", i, len(b.Elements))
			}
			for _, e := range b.Elements {
				if n := slackLen(e.Text); n > maxContextChars || n == 0 {
					t.Errorf("block %d: context element of %d characters, want 1 to %d", i, n, maxContextChars)
				}
			}
		default:
			t.Errorf("block %d: unexpected type %q", i, b.Type)
		}
	}
	if total > maxMessageChars {
		t.Errorf("message of %d characters, want at most %d", total, maxMessageChars)
	}
}

// checkMarkup fails for an entity cut short or an angle bracket that is not
// one of our links, whole: "<http...|label>".
func checkMarkup(t *testing.T, s string) {
	t.Helper()
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '&':
			rest := s[i:]
			if !strings.HasPrefix(rest, "&amp;") && !strings.HasPrefix(rest, "&lt;") && !strings.HasPrefix(rest, "&gt;") {
				t.Errorf("bare or cut entity at %d in %q", i, clip(s, i))
			}
		case '<':
			end := strings.IndexByte(s[i:], '>')
			if !strings.HasPrefix(s[i:], "<http") || end < 0 {
				t.Errorf("open or foreign link at %d in %q", i, clip(s, i))
				continue
			}
			inner := s[i+1 : i+end]
			if strings.Contains(inner, "<") {
				t.Errorf("link inside a link at %d in %q", i, clip(s, i))
			}
			i += end
		case '>':
			if i > 0 && s[i-1] != '\n' { // a quote's mark is the only bare >
				t.Errorf("stray > at %d in %q", i, clip(s, i))
			}
		}
	}
}

func clip(s string, i int) string {
	lo, hi := max(i-40, 0), min(i+40, len(s))
	return strings.ToValidUTF8(s[lo:hi], "?")
}

// alert is a typical alert; change what a test needs.
func alert() attache.Alert {
	title := "Meeting with NATO envoys on the western borders"
	summary := "<p>The President met <b>NATO</b> envoys.</p><p>Talks covered Poland &amp; Lithuania.</p>"
	plain := text.Plain(summary)
	hit := func(term, text string) attache.Hit {
		i := strings.Index(plain, text)
		return attache.Hit{Field: "summary", Term: term, Text: text, Start: i, End: i + len(text)}
	}
	return attache.Alert{
		ID:          "a1",
		Destination: "analysts",
		Item: attache.Item{
			Feed:      "kremlin-en",
			Key:       "http://en.kremlin.ru/events/president/news/1",
			Title:     title,
			Link:      "http://en.kremlin.ru/events/president/news/1",
			Summary:   summary,
			Published: time.Date(2026, 11, 28, 9, 14, 0, 0, time.UTC),
		},
		Matches: []attache.Match{{
			Rule:        "nato-west",
			Description: "NATO activity near the CSTO western borders",
			Severity:    attache.SeverityHigh,
			Hits: []attache.Hit{
				hit("NATO", "NATO"),
				hit("@west", "Poland"),
			},
		}},
	}
}

// sendError asserts that err is a *notify.SendError and returns it.
func sendError(t *testing.T, err error) *notify.SendError {
	t.Helper()
	se, ok := errors.AsType[*notify.SendError](err)
	if !ok {
		t.Fatalf("got %T %v, want a *notify.SendError", err, err)
	}
	return se
}

// noSecrets fails if an error's text gives a secret away.
func noSecrets(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	for _, s := range []string{"SECRETTOKEN", "SECRETHOOK", testToken} {
		if strings.Contains(err.Error(), s) {
			t.Errorf("error %q gives away %q", err, s)
		}
	}
}

// recording is a transport that keeps the body of every request it carries.
type recording struct {
	mu     sync.Mutex
	bodies [][]byte
}

func (r *recording) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(b))
		r.mu.Lock()
		r.bodies = append(r.bodies, b)
		r.mu.Unlock()
	}
	return http.DefaultTransport.RoundTrip(req)
}

func (r *recording) last(t *testing.T) []byte {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.bodies) == 0 {
		t.Fatal("no request was sent")
	}
	return r.bodies[len(r.bodies)-1]
}
