package slack

import (
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/attache-dev/attache"
)

// Caps of a summary's lines, before escaping.
const (
	maxSummaryTitle = 120 // characters of a title (at most 600 escaped)
	maxSummaryURL   = 500 // bytes of a link, encoded; a longer one is not linked
	maxSummaryRules = 2   // rule names on a line, then "+N"
)

// RenderSummary lays out one message listing many alerts, a line each with
// the severity, the title linked to the item, the feed, the publication time
// and the rules that matched. The dispatcher sends bursts in chunks small
// enough to fit (notify.SummaryChunk); if the lines still do not fit
// Slack's limits, as many as fit are listed, followed by "and N more".
func RenderSummary(alerts []attache.Alert, loc *time.Location) Message {
	if len(alerts) == 0 {
		return Message{Text: "no new alerts"}
	}
	text := summaryText(alerts)
	var top attache.Severity
	for _, a := range alerts {
		top = max(top, a.Severity())
	}
	head := severityEmoji(top) + " " + countOf(len(alerts), "new alert")
	blocks := []slack.Block{
		slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, head, true, false)),
	}

	// What the lines may use of the message's budget, keeping room for the
	// closing "and N more" line.
	budget := maxMessageChars - slackLen(text) - slackLen(head) - 100
	var cur strings.Builder
	curLen, used, shown := 0, 0, 0
	for _, a := range alerts {
		line := summaryLine(a, loc)
		n := slackLen(line)
		if used+n+1 > budget {
			break
		}
		if cur.Len() > 0 && curLen+1+n > maxSectionChars {
			if len(blocks)+1 >= maxBlocks-1 {
				break // the next section would leave no room for "and N more"
			}
			blocks = append(blocks, section(cur.String()))
			cur.Reset()
			curLen = 0
		}
		if cur.Len() > 0 {
			cur.WriteByte('\n')
			curLen++
			used++
		}
		cur.WriteString(line)
		curLen += n
		used += n
		shown++
	}
	if cur.Len() > 0 {
		blocks = append(blocks, section(cur.String()))
	}
	if rest := len(alerts) - shown; rest > 0 {
		blocks = append(blocks, contextBlock(mrkdwn("and "+countOf(rest, "more alert")+" not listed here")))
	}
	return Message{Text: text, Blocks: blocks}
}

// summaryLine is one alert of a summary.
func summaryLine(a attache.Alert, loc *time.Location) string {
	title := clean(a.Item.Title, maxSummaryTitle)
	if title == "" {
		title = "(no title)"
	}
	var b strings.Builder
	b.WriteString(severityLabel(a.Severity()))
	b.WriteString("  " + linked(a.Item.Link, escape(title), maxSummaryURL))
	if feed := clean(a.Item.Feed, maxName); feed != "" {
		b.WriteString(" · " + escape(feed))
	}
	b.WriteString(" · " + shortWhen(a.Item, loc))
	if names := ruleNames(a.Matches, maxSummaryRules); names != "" {
		b.WriteString(" · " + names)
	}
	return b.String()
}

// summaryText is a summary's plain fallback: how many alerts of each
// severity, and nothing taken from a feed.
func summaryText(alerts []attache.Alert) string {
	counts := map[attache.Severity]int{}
	for _, a := range alerts {
		counts[a.Severity()]++
	}
	var parts []string
	for s := attache.SeverityCritical; s >= attache.SeverityInfo; s-- {
		if counts[s] > 0 {
			parts = append(parts, itoa(counts[s])+" "+s.String())
		}
	}
	return countOf(len(alerts), "new alert") + ": " + strings.Join(parts, ", ")
}

// shortWhen is the publication time for a summary's line: "Nov 28 09:14 UTC",
// with the hour in loc after it unless loc is nil or UTC.
func shortWhen(it attache.Item, loc *time.Location) string {
	if it.Published.IsZero() || it.DateMissing {
		return "date unknown"
	}
	s := it.Published.UTC().Format("Jan 2 15:04") + " UTC"
	if loc != nil && loc != time.UTC && loc.String() != "UTC" {
		s += " (" + escape(it.Published.In(loc).Format("15:04 MST")) + ")"
	}
	return s
}

// countOf is "1 new alert" or "3 new alerts".
func countOf(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return itoa(n) + " " + noun + "s"
}
