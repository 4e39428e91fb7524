package slack

import (
	"strings"
	"testing"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/notify"
)

func TestRenderSummary(t *testing.T) {
	moscow, _ := time.LoadLocation("Europe/Moscow")
	a, b := alert(), alert()
	b.Item.Title = "Second & *bold* <!here>"
	b.Item.Link = "ftp://example.org/x"
	b.Matches = []attache.Match{{Rule: "csto", Severity: attache.SeverityCritical}, {Rule: "belarus"}, {Rule: "third"}}
	w := toWire(t, RenderSummary([]attache.Alert{a, b}, moscow))
	checkLimits(t, w)

	cases := []struct{ name, got, want string }{
		{"the header counts the alerts under the highest severity", w.Blocks[0].Text.Text, ":sos: 2 new alerts"},
		{"a line gives severity, linked title, feed, time and rules",
			strings.Split(w.Blocks[1].Text.Text, "\n")[0],
			":rotating_light: *HIGH*  <http://en.kremlin.ru/events/president/news/1|Meeting with NATO envoys on the western borders> · kremlin-en · Nov 28 09:14 UTC (12:14 MSK) · nato-west"},
		{"a line escapes its title, leaves a link that is not http unlinked and counts extra rules",
			strings.Split(w.Blocks[1].Text.Text, "\n")[1],
			":sos: *CRITICAL*  Second &amp; ∗bold∗ &lt;!here&gt; · kremlin-en · Nov 28 09:14 UTC (12:14 MSK) · csto, belarus, +1"},
		{"the fallback counts alerts by severity and quotes no feed", w.Text, "2 new alerts: 1 critical, 1 high"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got  %q\nwant %q", c.got, c.want)
			}
		})
	}
}

func TestRenderSummaryListsAFullChunk(t *testing.T) {
	alerts := make([]attache.Alert, notify.SummaryChunk)
	for i := range alerts {
		alerts[i] = alert()
		alerts[i].Item.Title = strings.Repeat("A rather long title of a ministry's press release ", 3)
	}
	w := toWire(t, RenderSummary(alerts, time.UTC))
	checkLimits(t, w)
	lines := 0
	for _, b := range w.Blocks {
		if b.Type == "section" {
			lines += strings.Count(b.Text.Text, "\n") + 1
		}
		if b.Type == "context" {
			t.Errorf("got %q, want every alert listed", b.Elements[0].Text)
		}
	}
	if lines != len(alerts) {
		t.Errorf("got %d lines, want %d", lines, len(alerts))
	}
}

func TestRenderSummaryOfOne(t *testing.T) {
	w := toWire(t, RenderSummary([]attache.Alert{alert()}, nil))
	if got := w.Blocks[0].Text.Text; got != ":rotating_light: 1 new alert" {
		t.Errorf("got %q", got)
	}
	if w := RenderSummary(nil, nil); len(w.Blocks) != 0 {
		t.Errorf("a summary of nothing has %d blocks", len(w.Blocks))
	}
}
