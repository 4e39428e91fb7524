package slack

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/text"
)

// hugeSummary is 100 KB of HTML with hits at its start, middle and end.
func hugeSummary() (string, []attache.Hit) {
	var b strings.Builder
	b.WriteString("<p>NATO ")
	for b.Len() < 50_000 {
		b.WriteString("Talks &amp; <b>more</b> talks on <i>security</i> in Europe. ")
	}
	b.WriteString("Poland ")
	for b.Len() < 100_000 {
		b.WriteString("Североатлантический альянс & <западные> границы. ")
	}
	b.WriteString(" Lithuania</p>")
	html := b.String()
	return html, hitsOf("summary", text.Plain(html), "NATO", "Poland", "Lithuania")
}

// oversized are alerts with every field as long or awkward as a feed can
// make it.
func oversized() map[string]attache.Alert {
	summary, summaryHits := hugeSummary()
	cyrillic := strings.Repeat("Ж", 4990) + " НАТО"
	out := map[string]attache.Alert{}

	a := alert()
	a.Item.Summary, a.Matches[0].Hits = summary, summaryHits
	out["a 100 KB summary"] = a

	a = alert()
	a.Item.Title = cyrillic
	a.Matches[0].Hits = hitsOf("title", cyrillic, "НАТО")
	a.Item.Summary = ""
	out["a title of 5,000 Cyrillic characters"] = a

	a = alert()
	a.Item.Title = strings.Repeat("&<>", 2000)
	a.Item.Summary = strings.Repeat("&amp;&lt;", 20_000)
	out["text that escaping makes five times longer"] = a

	a = alert()
	a.Item.Title = strings.Repeat("🚀", 5000)
	a.Item.Summary = strings.Repeat("🛰 NATO ", 10_000)
	a.Matches[0].Hits = hitsOf("summary", text.Plain(a.Item.Summary), "NATO")
	out["emoji that Slack counts twice"] = a

	a = alert()
	a.Item.Link = "https://example.org/" + strings.Repeat("a&", 490)
	a.Item.Feed = strings.Repeat("f&", 500)
	out["a link too long to be linked and a long feed name"] = a

	a = alert()
	a.Item.Link = "https://example.org/" + strings.Repeat("a", maxURL-len("https://example.org/"))
	a.Item.Title = strings.Repeat("&", 5000)
	out["the longest link that is linked, with a title of ampersands"] = a

	a = alert()
	for i := range 200 {
		a.Matches = append(a.Matches, attache.Match{
			Rule:        strings.Repeat("r", 100) + itoa(i),
			Description: strings.Repeat("<description> ", 100),
			Hits:        []attache.Hit{{Field: "summary", Term: strings.Repeat("t&", 60) + itoa(i), Text: "NATO", Start: 18, End: 22}},
		})
	}
	out["two hundred rules with long descriptions"] = a

	a = alert()
	a.Item.Summary = strings.Repeat("NATO ", 20_000)
	a.Matches[0].Hits = hitsOf("summary", text.Plain(a.Item.Summary), "NATO")
	out["thousands of hits"] = a
	return out
}

func TestRenderStaysWithinSlacksLimits(t *testing.T) {
	moscow, _ := time.LoadLocation("Europe/Moscow")
	for name, a := range oversized() {
		t.Run(name+" makes a valid message", func(t *testing.T) {
			w := toWire(t, Render(a, moscow))
			checkLimits(t, w)
		})
	}
}

func TestRenderCutsLongTextsOnCharacters(t *testing.T) {
	a := oversized()["a title of 5,000 Cyrillic characters"]
	w := toWire(t, Render(a, nil))
	t.Run("the title is cut with an ellipsis on a character boundary", func(t *testing.T) {
		head := w.Blocks[0].Text.Text
		label := head[strings.Index(head, "|")+1 : strings.LastIndex(head, ">")]
		if want := strings.Repeat("Ж", maxTitle-1) + "…"; label != want {
			t.Errorf("got a label of %d characters (%q...), want %d Ж and an ellipsis", utf8.RuneCountInString(label), cutRunes(label, 5), maxTitle-1)
		}
	})
	t.Run("the snippet shows the title's hit in bold", func(t *testing.T) {
		if got := w.Blocks[len(w.Blocks)-1].Text.Text; !strings.Contains(got, "*НАТО*") || !utf8.ValidString(got) {
			t.Errorf("got %q", got)
		}
	})
	t.Run("the fallback is cut too", func(t *testing.T) {
		if n := utf8.RuneCountInString(w.Text); n > 400 {
			t.Errorf("fallback of %d characters", n)
		}
	})
}

func TestRenderSummaryStaysWithinSlacksLimits(t *testing.T) {
	var worst []attache.Alert
	for _, a := range oversized() {
		worst = append(worst, a)
	}
	for len(worst) < 40 {
		worst = append(worst, worst...)
	}
	worst = worst[:40]
	many := make([]attache.Alert, 500)
	for i := range many {
		many[i] = alert()
	}
	cases := []struct {
		name   string
		alerts []attache.Alert
	}{
		{"forty alerts with the longest fields", worst},
		{"five hundred alerts", many},
	}
	for _, c := range cases {
		t.Run(c.name+" make a valid message that counts what it leaves out", func(t *testing.T) {
			w := toWire(t, RenderSummary(c.alerts, time.UTC))
			checkLimits(t, w)
			last := w.Blocks[len(w.Blocks)-1]
			if last.Type != "context" || !strings.HasPrefix(last.Elements[0].Text, "and ") {
				t.Errorf("last block %+v, want the count of alerts left out", last)
			}
		})
	}
}
