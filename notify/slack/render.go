// Package slack delivers alerts to Slack, through a bot token
// (chat.postMessage, type "slack") or an incoming webhook (type
// "slack-webhook"). Both render an alert the same way, in Block Kit with a
// plain text fallback, and both classify Slack's answers the same way for
// the dispatcher: what is worth another try, how long Slack asked to be
// left alone, and Slack's error code.
//
// A feed's text is untrusted. Everything taken from a feed is escaped for
// mrkdwn (&, < and > as entities, so that "<!channel>" or
// "<https://evil.example|your bank>" is shown as written and never pings or
// disguises a link); its formatting characters *, _, ~ and ` are replaced
// by look-alikes (∗ ˍ ∼ ˋ), since mrkdwn has no escape for them and a
// title's own asterisks would otherwise pair with the bold of our
// highlights; text objects are marked verbatim so that Slack does not
// linkify names in them; and messages are posted with parse=none. Every text
// is cut on a character boundary before it is escaped, so that it stays
// inside Slack's limits without ever splitting a character, an entity or a
// link.
package slack

import (
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/attache-dev/attache"
)

// Slack's limits, in characters, and the budget of a whole message.
const (
	maxSectionChars = 3000
	maxHeaderChars  = 150
	maxContextChars = 2000
	maxBlocks       = 50
	maxMessageChars = 12000
)

// How much of each text is kept before escaping. Escaping at most
// multiplies a length by five ("&" becomes "&amp;"), which these caps allow
// for.
const (
	maxTitle    = 250  // characters of the title in an alert's first section (at most 1,250 escaped)
	maxText     = 300  // characters of the title in the plain text fallback
	maxURL      = 1000 // bytes of a link, encoded; a longer one is not linked
	maxName     = 80   // characters of a feed, rule or term name
	maxDesc     = 200  // characters of a rule's description
	rulesBudget = 1500 // characters of the list of rules in the context
	termsBudget = 400  // characters of the list of matched terms
)

// Message is what Slack receives: Blocks for the message itself, and Text,
// the plain fallback that notifications and clients without Block Kit show.
// Both are mrkdwn with every feed text escaped.
type Message struct {
	Text   string
	Blocks []slack.Block
}

// Render lays out one alert: its severity and the item's title linked to the
// item, a context line with the feed and the publication time (in UTC, and
// in loc too unless loc is nil or UTC), the rules that matched with their
// descriptions and the terms they matched, and a snippet of the item's text
// with the matched words in bold. WithActions adds the controls to mute and
// to judge the alert.
func Render(a attache.Alert, loc *time.Location, opts ...RenderOption) Message {
	var o renderOptions
	for _, opt := range opts {
		opt(&o)
	}
	sev := a.Severity()
	title := clean(a.Item.Title, maxTitle)
	if title == "" {
		title = "(no title)"
	}
	head := severityLabel(sev) + "  *" + linked(a.Item.Link, escape(title), maxURL) + "*"

	blocks := []slack.Block{
		section(head),
		contextBlock(mrkdwn("*" + escape(clean(a.Item.Feed, maxName)) + "* · " + when(a.Item, loc))),
	}
	var rulesCtx []slack.MixedElement
	if r := rulesLine(a.Matches); r != "" {
		rulesCtx = append(rulesCtx, mrkdwn(r))
	}
	if t := termsLine(a.Matches); t != "" {
		rulesCtx = append(rulesCtx, mrkdwn(t))
	}
	if len(rulesCtx) > 0 {
		blocks = append(blocks, contextBlock(rulesCtx...))
	}
	if s := snippet(snippetSource(a)); s != "" {
		blocks = append(blocks, section("> "+s))
	}
	if o.actions {
		blocks = append(blocks, actionsBlock(a))
	}
	return Message{Text: fallback(a), Blocks: blocks}
}

// EscapeText makes untrusted text safe to show in mrkdwn, as Render does
// with a feed's text: one line of at most max characters, escaped.
func EscapeText(s string, max int) string { return escape(clean(s, max)) }

// LinkText is label (escaped already, as EscapeText gives it) as a link to
// target, or label alone when target is not an http or https URL that can be
// linked safely.
func LinkText(target, label string) string { return linked(target, label, maxURL) }

// fallback is the alert as one line of text: "HIGH nato-west: Title — <link>".
func fallback(a attache.Alert) string {
	var b strings.Builder
	b.WriteString(strings.ToUpper(a.Severity().String()))
	if names := ruleNames(a.Matches, 3); names != "" {
		b.WriteString(" " + names)
	}
	title := clean(a.Item.Title, maxText)
	if title == "" {
		title = "(no title)"
	}
	b.WriteString(": " + escape(title))
	if u, ok := linkURL(a.Item.Link, maxURL); ok {
		b.WriteString(" — <" + u + ">")
	}
	return b.String()
}

// ruleNames lists up to max rule names, escaped, and how many more there are.
func ruleNames(ms []attache.Match, max int) string {
	var names []string
	for i, m := range ms {
		if i == max {
			names = append(names, "+"+itoa(len(ms)-max))
			break
		}
		names = append(names, escape(clean(m.Rule, maxName)))
	}
	return strings.Join(names, ", ")
}

// rulesLine names each rule that matched, with its description.
func rulesLine(ms []attache.Match) string {
	parts := make([]string, 0, len(ms))
	for _, m := range ms {
		p := "*" + escape(clean(m.Rule, maxName)) + "*"
		if d := clean(m.Description, maxDesc); d != "" {
			p += ": " + escape(d)
		}
		parts = append(parts, p)
	}
	return joinFit(parts, "\n", rulesBudget, func(n int) string { return "and " + itoa(n) + " more rules" })
}

// termsLine lists the query terms that matched, each once.
func termsLine(ms []attache.Match) string {
	var terms []string
	seen := map[string]bool{}
	for _, m := range ms {
		for _, h := range m.Hits {
			t := escape(clean(h.Term, maxName))
			if t != "" && !seen[t] {
				seen[t] = true
				terms = append(terms, t)
			}
		}
	}
	if len(terms) == 0 {
		return ""
	}
	return "matched: " + joinFit(terms, ", ", termsBudget, func(n int) string { return "+" + itoa(n) })
}

// when gives the item's publication time in UTC, and in loc too unless loc
// is nil or UTC: "2026-11-28 09:14 UTC (12:14 Europe/Moscow)". An item
// without a date of its own says so.
func when(it attache.Item, loc *time.Location) string {
	t := it.Published
	if t.IsZero() {
		return "date unknown"
	}
	u := t.UTC()
	s := u.Format("2006-01-02 15:04") + " UTC"
	if loc != nil && loc != time.UTC && loc.String() != "UTC" {
		l := t.In(loc)
		name := loc.String()
		if name == "" || name == "Local" {
			name = l.Format("MST")
		}
		layout := "15:04"
		if l.Format(time.DateOnly) != u.Format(time.DateOnly) {
			layout = "2006-01-02 15:04"
		}
		s += " (" + l.Format(layout) + " " + escape(name) + ")"
	}
	if it.DateMissing {
		s = "date unknown, first seen " + s
	}
	return s
}

// severityLabel is an emoji and the severity in bold capitals.
func severityLabel(s attache.Severity) string {
	return severityEmoji(s) + " *" + strings.ToUpper(escape(s.String())) + "*"
}

// severityEmoji is the emoji code that stands for a severity.
func severityEmoji(s attache.Severity) string {
	switch s {
	case attache.SeverityInfo:
		return ":information_source:"
	case attache.SeverityWarning:
		return ":warning:"
	case attache.SeverityHigh:
		return ":rotating_light:"
	case attache.SeverityCritical:
		return ":sos:"
	}
	return ":grey_question:"
}

// mrkdwn is a text object for our own mrkdwn. It is verbatim: Slack then
// does no linkifying or mention parsing of its own, only what the text says
// explicitly.
func mrkdwn(text string) *slack.TextBlockObject {
	return &slack.TextBlockObject{Type: slack.MarkdownType, Text: text, Verbatim: true}
}

func section(text string) *slack.SectionBlock {
	return slack.NewSectionBlock(mrkdwn(text), nil, nil)
}

func contextBlock(elements ...slack.MixedElement) *slack.ContextBlock {
	return slack.NewContextBlock("", elements...)
}
