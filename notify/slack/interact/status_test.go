package interact

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/notify/slack/interact/sockettest"
)

func TestStatus(t *testing.T) {
	h := newHarness(t).start()
	h.d.status = Status{
		Sources: []Source{
			{Name: "kremlin-en", LastSuccess: t0},
			{Name: "mid-ru", Failing: true, Failures: 4, LastError: "http_503: <html>Service Unavailable</html>", LastSuccess: t0.Add(-time.Hour)},
			{Name: "mfa-by", Failing: true, Failures: 1, LastError: "dns: no such host"},
		},
		Queue: Queue{Queued: 3, InFlight: 1, Dead: 2, Muted: 5, Oldest: t0.Add(-time.Minute)},
		LastAlerts: []AlertLine{{ID: "a1", Queued: t0, Feed: "kremlin-en", Rules: []string{"nato-west"},
			Title: "NATO *envoys* & <friends>", Link: "http://en.kremlin.ru/1", Status: attache.AlertDelivered}},
	}
	got := h.run(anna, channel, "status")
	contains(t, got,
		"*Sources*: 3, 2 failing",
		"*Queue*: 3 queued (oldest <!date^", "1 in flight, 2 dead, 5 muted",
		"*Mutes*: 0 in force",
		"*Failing sources*\n• *mid-ru*: 4 failed polls, last good poll <!date^",
		": httpˍ503: &lt;html&gt;Service Unavailable&lt;/html&gt;",
		"• *mfa-by*: 1 failed polls, never polled well: dns: no such host",
		"*Last alerts*\n• <!date^", "· *kremlin-en* · nato-west: <http://en.kremlin.ru/1|NATO ∗envoys∗ &amp; &lt;friends&gt;> (delivered)",
	)
	if strings.Contains(got.Text, "*kremlin-en*:") {
		t.Errorf("a healthy source is listed as failing:\n%s", got.Text)
	}
	if got.ResponseType != "ephemeral" {
		t.Errorf("response type %q", got.ResponseType)
	}
}

func TestHugeAnswersStayUnderSlacksLimit(t *testing.T) {
	// the answer must come in the acknowledgement, busy machine or not
	h := newHarness(t, func(o *Options) { o.AckBudget = 2500 * time.Millisecond }).start()
	var st Status
	for i := range 5000 {
		st.Sources = append(st.Sources, Source{Name: fmt.Sprintf("source-%04d", i), Failing: true, Failures: i,
			LastError: strings.Repeat("<&>", 400)})
	}
	for range 1000 {
		st.LastAlerts = append(st.LastAlerts, AlertLine{Title: strings.Repeat("<НАТО & ОДКБ>", 100), Feed: "f", Link: "https://example.org/?a=1&b=2"})
	}
	h.d.status = st
	for i := range 3000 {
		h.d.rules = append(h.d.rules, Rule{Name: fmt.Sprintf("rule-%d", i), Description: strings.Repeat("<b>&amp;</b>", 50)})
	}
	for _, text := range []string{"status", "rules", "mutes"} {
		t.Run(text+" is cut by lines and says how many it left out", func(t *testing.T) {
			if text == "mutes" {
				for i := range 2000 {
					_ = h.d.SetMute(t.Context(), attache.Mute{Kind: attache.MuteRule, Name: fmt.Sprintf("rule-%d", i),
						Until: t0.Add(time.Hour), By: anna, Reason: strings.Repeat("<>", 100)})
				}
			}
			ack := h.deliver(anna, channel, text) // fails when the acknowledgement reaches 20 KB
			if ack.Size > 18*1024 {
				t.Errorf("acknowledgement of %d bytes, want well under Slack's %d", ack.Size, sockettest.MaxAckBytes)
			}
			var p ackPayload
			if err := json.Unmarshal(ack.Payload, &p); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(p.Text, "\n…and ") || !strings.HasSuffix(p.Text, " more") {
				t.Errorf("the answer does not say what it left out: …%s", p.Text[max(len(p.Text)-200, 0):])
			}
			if ack.Size < 10*1024 {
				t.Errorf("acknowledgement of %d bytes: the answer was cut more than it needed", ack.Size)
			}
		})
	}
}

func TestBacktestCommand(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.AckBudget = 300 * time.Millisecond }).start()
	for i := range 9 { // the ninth is eight days old
		h.d.items = append(h.d.items, attache.Item{Feed: "mid-ru", Title: fmt.Sprintf("NATO & borders %d", i),
			Link: fmt.Sprintf("https://mid.ru/%d", i), Published: t0.Add(-time.Duration(i) * 24 * time.Hour)})
	}
	h.d.items = append(h.d.items, attache.Item{Feed: "mid-ru", Title: "Weather", Published: t0})
	t.Run("the query runs over the last 7 days and shows the count and the first 5", func(t *testing.T) {
		got := h.run(anna, channel, "test nato &amp; borders")
		contains(t, got, "`nato &amp; borders` matches *8* of the 9 items of the last 7 days; the first 5:",
			"• <!date^", "· *mid-ru* · <https://mid.ru/0|NATO &amp; borders 0>", "<https://mid.ru/4|NATO &amp; borders 4>")
		if strings.Contains(got.Text, "borders 5") {
			t.Errorf("more than 5 shown:\n%s", got.Text)
		}
		if q := h.d.lastQuery(); q != "nato & borders" {
			t.Errorf("the daemon was asked %q: Slack's entities should be undone", q)
		}
	})
	t.Run("curly quotes that clients type become straight ones", func(t *testing.T) {
		h.run(anna, channel, "test “NATO & borders”")
		if q := h.d.lastQuery(); q != `"NATO & borders"` {
			t.Errorf("asked %q", q)
		}
	})
	t.Run("a query that does not parse says why", func(t *testing.T) {
		contains(t, h.run(anna, channel, "test ((NATO"), "The query `((NATO` does not parse: invalid query: unbalanced parentheses at 1")
	})
	t.Run("no query says how to write one", func(t *testing.T) {
		contains(t, h.run(anna, channel, "test   "), "Write a query: `/attache test NATO AND border`.")
	})
	t.Run("nothing matched says so", func(t *testing.T) {
		contains(t, h.run(anna, channel, "test Arctic"), "`Arctic` matches *0* of the 9 items of the last 7 days.")
	})
	t.Run("a slow test is acknowledged in time, and its answer follows through response_url", func(t *testing.T) {
		h.d.mu.Lock()
		h.d.delay = time.Second
		h.d.mu.Unlock()
		_, _, before, _ := h.web.get()
		ack := h.deliver(anna, channel, "test weather")
		if !strings.Contains(string(ack.Payload), `"text":"`+working+`"`) {
			t.Errorf("acknowledged with %s", ack.Payload)
		}
		h.eventually("the answer follows", func() bool { _, _, r, _ := h.web.get(); return len(r) > len(before) })
		_, _, r, _ := h.web.get()
		if a := r[len(before)]; !strings.Contains(a.Text, "`weather` matches *1*") || a.ResponseType != "ephemeral" {
			t.Errorf("answered %+v", a)
		}
	})
}
