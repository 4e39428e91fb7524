package slack

import (
	"strings"
	"testing"
	"time"

	"github.com/attache-dev/attache"
)

func TestRenderReadsAsAnAlert(t *testing.T) {
	moscow, err := time.LoadLocation("Europe/Moscow")
	if err != nil {
		t.Fatal(err)
	}
	w := toWire(t, Render(alert(), moscow))
	checkLimits(t, w)
	if len(w.Blocks) != 4 {
		t.Fatalf("got %d blocks, want 4: %s", len(w.Blocks), w.Raw)
	}
	cases := []struct{ name, got, want string }{
		{"the first line gives the severity and the title linked to the item",
			w.Blocks[0].Text.Text,
			":rotating_light: *HIGH*  *<http://en.kremlin.ru/events/president/news/1|Meeting with NATO envoys on the western borders>*"},
		{"the context gives the feed and the time in UTC and in the configured zone",
			w.Blocks[1].Elements[0].Text, "*kremlin-en* · 2026-11-28 09:14 UTC (12:14 Europe/Moscow)"},
		{"the rules are named with their descriptions",
			w.Blocks[2].Elements[0].Text, "*nato-west*: NATO activity near the CSTO western borders"},
		{"the matched terms are listed",
			w.Blocks[2].Elements[1].Text, "matched: NATO, @west"},
		{"the snippet quotes the summary's text with the hits in bold",
			w.Blocks[3].Text.Text, "> The President met *NATO* envoys. Talks covered *Poland* &amp; Lithuania."},
		{"the fallback text says it all on one line",
			w.Text, "HIGH nato-west: Meeting with NATO envoys on the western borders — <http://en.kremlin.ru/events/president/news/1>"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got  %q\nwant %q", c.got, c.want)
			}
		})
	}
	t.Run("every text object is verbatim mrkdwn, so Slack parses nothing of its own", func(t *testing.T) {
		for _, x := range w.texts()[1:] {
			if x.Type != "mrkdwn" || !x.Verbatim {
				t.Errorf("text %q is %s, verbatim %v", x.Text, x.Type, x.Verbatim)
			}
		}
	})
}

func TestRenderTimes(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	at := time.Date(2026, 11, 28, 21, 5, 0, 0, time.UTC)
	cases := []struct {
		name    string
		item    attache.Item
		loc     *time.Location
		want    string
		wantNot string
	}{
		{"UTC alone when no zone is configured", attache.Item{Published: at}, nil, "2026-11-28 21:05 UTC", "("},
		{"UTC alone when the zone is UTC", attache.Item{Published: at}, time.UTC, "2026-11-28 21:05 UTC", "("},
		{"the local date too when it differs", attache.Item{Published: at}, tokyo, "2026-11-28 21:05 UTC (2026-11-29 06:05 Asia/Tokyo)", ""},
		{"an item without a date says when it was first seen", attache.Item{Published: at, DateMissing: true}, nil, "date unknown, first seen 2026-11-28 21:05 UTC", ""},
		{"an item without any time says so", attache.Item{}, nil, "date unknown", "0001"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.item.Feed = "f"
			got := toWire(t, Render(attache.Alert{Item: c.item}, c.loc)).Blocks[1].Elements[0].Text
			if !strings.HasSuffix(got, c.want) || (c.wantNot != "" && strings.Contains(got, c.wantNot)) {
				t.Errorf("got %q, want it to end with %q", got, c.want)
			}
		})
	}
}

func TestRenderLinks(t *testing.T) {
	cases := []struct {
		name, link string
		wantHead   string
		wantText   string
	}{
		{"a javascript link is not linked", "javascript:alert(1)",
			":rotating_light: *HIGH*  *Title*", "HIGH nato-west: Title"},
		{"an empty link leaves the title unlinked", "",
			":rotating_light: *HIGH*  *Title*", "HIGH nato-west: Title"},
		{"a link's bar cannot start a label of the feed's choosing", "https://bank.example/?x=|Your bank",
			":rotating_light: *HIGH*  *<https://bank.example/?x=%7CYour%20bank|Title>*", "HIGH nato-west: Title — <https://bank.example/?x=%7CYour%20bank>"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := alert()
			a.Item.Title, a.Item.Link = "Title", c.link
			w := toWire(t, Render(a, nil))
			checkLimits(t, w)
			if got := w.Blocks[0].Text.Text; got != c.wantHead {
				t.Errorf("head %q, want %q", got, c.wantHead)
			}
			if w.Text != c.wantText {
				t.Errorf("text %q, want %q", w.Text, c.wantText)
			}
		})
	}
}

func TestRenderNamesEveryRule(t *testing.T) {
	a := alert()
	a.Matches = append(a.Matches,
		attache.Match{Rule: "csto", Description: "CSTO & allies", Severity: attache.SeverityCritical},
		attache.Match{Rule: "belarus", Severity: attache.SeverityInfo},
		attache.Match{Rule: "fourth", Severity: attache.SeverityInfo})
	w := toWire(t, Render(a, nil))
	checkLimits(t, w)
	t.Run("the highest severity leads", func(t *testing.T) {
		if got := w.Blocks[0].Text.Text; !strings.HasPrefix(got, ":sos: *CRITICAL*") {
			t.Errorf("got %q", got)
		}
	})
	t.Run("the context lists every rule with its description", func(t *testing.T) {
		want := "*nato-west*: NATO activity near the CSTO western borders\n*csto*: CSTO &amp; allies\n*belarus*\n*fourth*"
		if got := w.Blocks[2].Elements[0].Text; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	})
	t.Run("the fallback names three rules and counts the rest", func(t *testing.T) {
		if !strings.HasPrefix(w.Text, "CRITICAL nato-west, csto, belarus, +1: ") {
			t.Errorf("got %q", w.Text)
		}
	})
}

func TestRenderSeverityLabels(t *testing.T) {
	want := map[attache.Severity]string{
		attache.SeverityInfo:     ":information_source: *INFO*",
		attache.SeverityWarning:  ":warning: *WARNING*",
		attache.SeverityHigh:     ":rotating_light: *HIGH*",
		attache.SeverityCritical: ":sos: *CRITICAL*",
	}
	for sev, label := range want {
		t.Run("severity "+sev.String()+" reads "+label, func(t *testing.T) {
			a := attache.Alert{Item: attache.Item{Title: "T"}, Matches: []attache.Match{{Rule: "r", Severity: sev}}}
			if got := toWire(t, Render(a, nil)).Blocks[0].Text.Text; !strings.HasPrefix(got, label+"  ") {
				t.Errorf("got %q, want it to start with %q", got, label)
			}
		})
	}
}

func TestRenderInjection(t *testing.T) {
	a := alert()
	a.Item.Title = injection
	// A summary is HTML: markup in it is not text, but its escaped form is.
	a.Item.Summary = "NATO " + strings.NewReplacer("<", "&lt;", ">", "&gt;", "&", "&amp;").Replace(injection)
	a.Matches[0].Hits = []attache.Hit{{Field: "summary", Term: "NATO", Text: "NATO", Start: 0, End: 4}}
	a.Matches[0].Description = injection
	w := toWire(t, Render(a, nil))
	checkLimits(t, w)

	t.Run("the title arrives as literal text", func(t *testing.T) {
		want := "*<http://en.kremlin.ru/events/president/news/1|" + injectionEscaped + ">*"
		if got := w.Blocks[0].Text.Text; !strings.HasSuffix(got, want) {
			t.Errorf("got %q, want it to end with %q", got, want)
		}
	})
	t.Run("the summary arrives as literal text", func(t *testing.T) {
		if got, want := w.Blocks[3].Text.Text, "> *NATO* "+injectionEscaped; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	})
	t.Run("the fallback arrives as literal text", func(t *testing.T) {
		if !strings.Contains(w.Text, ": "+injectionEscaped+" — ") {
			t.Errorf("got %q", w.Text)
		}
	})
	t.Run("nothing anywhere can ping or link elsewhere", func(t *testing.T) {
		for _, x := range w.texts() {
			for _, bad := range []string{"<!", "<@", "<https://evil", "*bold*"} {
				if strings.Contains(x.Text, bad) {
					t.Errorf("text %q contains %q", x.Text, bad)
				}
			}
		}
	})
}
