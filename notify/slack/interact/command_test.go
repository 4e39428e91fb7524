package interact

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/notify/slack/interact/sockettest"
)

// run types "/attache text" as user in ch and returns the answer, having
// checked the acknowledgement. The answer is in the acknowledgement, or,
// when the machine is so busy that the app said it would follow, the one
// that follows through response_url.
func (h *harness) run(user, ch, text string) ackPayload {
	h.t.Helper()
	_, _, before, _ := h.web.get()
	ack := h.deliver(user, ch, text)
	var p ackPayload
	if err := json.Unmarshal(ack.Payload, &p); err != nil {
		h.t.Fatalf("the acknowledgement of %q carries no answer: %s (%v)", text, ack.Payload, err)
	}
	if p.Text == working {
		h.eventually("the answer follows", func() bool { _, _, r, _ := h.web.get(); return len(r) > len(before) })
		_, _, r, _ := h.web.get()
		p = ackPayload{ResponseType: r[len(before)].ResponseType, Text: r[len(before)].Text}
	}
	return p
}

func (h *harness) deliver(user, ch, text string) sockettest.Ack {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ack, err := h.sock.SlashCommand(ctx, slack.SlashCommand{
		Command: "/attache", Text: text, UserID: user, UserName: "someone", ChannelID: ch, ChannelName: "alerts",
		TeamID: "T0SOCKTEST", ResponseURL: h.api.GetAPIURL() + "response/1", TriggerID: "1.2.3", APIAppID: "A0SOCKTEST",
	})
	if err != nil {
		h.t.Fatalf("/attache %s: %v", text, err)
	}
	if ack.Latency > 3*time.Second {
		h.t.Errorf("/attache %s: acknowledged after %v, want within Slack's 3 s", text, ack.Latency)
	}
	return ack
}

func contains(t *testing.T, got ackPayload, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got.Text, w) {
			t.Errorf("answer %q\nlacks %q", got.Text, w)
		}
	}
}

func TestHelp(t *testing.T) {
	h := newHarness(t).start()
	for _, text := range []string{"", "help", "  HELP  "} {
		t.Run("“"+text+"” shows the commands, to anyone", func(t *testing.T) {
			got := h.run(eve, other, text)
			contains(t, got, "/attache status", "/attache test QUERY", "/attache mute RULE|SOURCE DURATION", "/attache unmute", "/attache mutes", "/attache rules")
			if got.ResponseType != "ephemeral" {
				t.Errorf("response type %q", got.ResponseType)
			}
		})
	}
	t.Run("an unknown command says so and shows the commands", func(t *testing.T) {
		contains(t, h.run(anna, channel, "frobnicate <!channel>"), "There is no command “frobnicate”", "/attache status")
	})
}

func TestWhoMayCommand(t *testing.T) {
	h := newHarness(t).start()
	cases := []struct {
		name, user, ch string
		allowed        bool
	}{
		{"a member of the alerts' channel, there", anna, channel, true},
		{"a member of the alerts' channel, in a direct message", boris, "D0DIRECT", true},
		{"an admin in no channel of ours", admin, "D0DIRECT", true},
		{"someone in no channel of ours", eve, channel, false},
		{"a member of another channel only, there", "U0DAN", other, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := h.run(c.user, c.ch, "mutes")
			if refused := got.Text == notAllowed; refused == c.allowed {
				t.Errorf("answer %q, allowed %v", got.Text, c.allowed)
			}
		})
	}
	t.Run("a refusal is logged with the user's id", func(t *testing.T) {
		if l := h.logs.String(); !strings.Contains(l, `"msg":"slack app: command refused","user":"U0EVE"`) {
			t.Errorf("logs:\n%s", l)
		}
	})
	t.Run("a refused mute mutes nothing", func(t *testing.T) {
		h.run(eve, channel, "mute nato-west 1h")
		if m := h.d.allMutes(); len(m) != 0 {
			t.Errorf("mutes: %+v", m)
		}
	})
	t.Run("when Slack cannot tell, nobody but an admin may act", func(t *testing.T) {
		h.web.mu.Lock()
		h.web.membersFail = true
		h.web.mu.Unlock()
		h.clock.Advance(DefaultMembersTTL)
		if got := h.run(anna, channel, "mutes"); got.Text != cannotCheck {
			t.Errorf("got %q", got.Text)
		}
		if got := h.run(admin, channel, "mutes"); got.Text == cannotCheck || got.Text == notAllowed {
			t.Errorf("got %q", got.Text)
		}
	})
}

func TestMuteCommands(t *testing.T) {
	h := newHarness(t).start()
	h.d.status.Sources = append(h.d.status.Sources, Source{Name: "csto"}) // a source named like a rule
	t.Run("mute RULE DURATION REASON mutes the rule and tells the channel", func(t *testing.T) {
		got := h.run(anna, channel, "mute nato-west 8h exercise season, <!channel> *noise*")
		contains(t, got, "Rule *nato-west* muted for 8 hours (until <!date^", "by <@U0ANNA>: exercise season, &lt;!channel&gt; ∗noise∗.")
		if got.ResponseType != "in_channel" {
			t.Errorf("response type %q", got.ResponseType)
		}
		m := h.d.allMutes()
		want := attache.Mute{Kind: attache.MuteRule, Name: "nato-west", Until: t0.Add(8 * time.Hour), By: anna, At: t0,
			Reason: "exercise season, <!channel> *noise*"}
		if len(m) != 1 || m[0] != want {
			t.Errorf("mutes %+v, want %+v", m, want)
		}
	})
	t.Run("a source is muted by name", func(t *testing.T) {
		contains(t, h.run(anna, channel, "mute mid-ru 2w"), "Source *mid-ru* muted for 14 days")
	})
	t.Run("a name that is a rule and a source needs its kind", func(t *testing.T) {
		contains(t, h.run(anna, channel, "mute csto 1h"), "*csto* is a rule and a source: write `rule:csto` or `source:csto`")
		contains(t, h.run(anna, channel, "mute source:csto 1d12h"), "Source *csto* muted for 1 day 12 hours")
	})
	cases := []struct{ name, text, want string }{
		{"an unknown name", "mute nato-east 1h", "There is no rule or source named *nato-east*"},
		{"a kind that does not fit", "mute rule:mid-ru 1h", "There is no rule named *mid-ru*"},
		{"an unknown kind", "mute team:x 1h", "Write `rule:NAME` or `source:NAME`"},
		{"a name no configuration allows", "mute <b>x</b> 1h", "“&lt;b&gt;x&lt;/b&gt;” is not a rule's or a source's name"},
		{"no duration", "mute nato-west", "Write `/attache mute RULE|SOURCE DURATION [REASON]`"},
		{"a duration that is not one", "mute nato-west soon", "“soon” is not a duration"},
		{"a duration of more than 30 days", "mute nato-west 5w", "5w is longer than 30 days"},
		{"a duration of no time", "mute nato-west 0m", "0m is too short"},
		{"no target to unmute", "unmute", "Write `/attache unmute RULE|SOURCE`"},
	}
	for _, c := range cases {
		t.Run(c.name+" is answered clearly and changes nothing", func(t *testing.T) {
			before := h.d.allMutes()
			got := h.run(anna, channel, c.text)
			contains(t, got, c.want)
			if got.ResponseType != "ephemeral" {
				t.Errorf("response type %q", got.ResponseType)
			}
			if after := h.d.allMutes(); len(after) != len(before) {
				t.Errorf("mutes changed: %+v", after)
			}
		})
	}
	t.Run("mutes lists the mutes in force, soonest to end first", func(t *testing.T) {
		got := h.run(boris, channel, "mutes")
		contains(t, got, "*3 muted*", "• Rule *nato-west* until <!date^", "(8 hours left), by <@U0ANNA>: exercise season")
		if i, j := strings.Index(got.Text, "nato-west"), strings.Index(got.Text, "mid-ru"); i > j {
			t.Errorf("the 8 hour mute is listed after the 2 week one:\n%s", got.Text)
		}
	})
	t.Run("rules marks the muted rules", func(t *testing.T) {
		got := h.run(boris, channel, "rules")
		contains(t, got, "*2 rules*", "• *nato-west* (info): NATO near the western borders · muted until <!date^")
		if !strings.HasSuffix(got.Text, "\n• *csto* (info)") {
			t.Errorf("the unmuted rule is not listed plainly: %q", got.Text)
		}
	})
	t.Run("unmute ends a mute and tells the channel", func(t *testing.T) {
		got := h.run(boris, channel, "unmute rule:nato-west")
		contains(t, got, "Rule *nato-west* unmuted by <@U0BORIS>.")
		if got.ResponseType != "in_channel" || len(h.d.allMutes()) != 2 {
			t.Errorf("got %+v, mutes %+v", got, h.d.allMutes())
		}
		contains(t, h.run(boris, channel, "unmute nato-west"), "Rule *nato-west* was not muted.")
	})
	t.Run("a mute of a rule since removed can still be ended", func(t *testing.T) {
		_ = h.d.SetMute(context.Background(), attache.Mute{Kind: attache.MuteRule, Name: "gone", Until: t0.Add(time.Hour)})
		contains(t, h.run(boris, channel, "unmute gone"), "Rule *gone* unmuted")
	})
	t.Run("a store that fails is reported, not hidden", func(t *testing.T) {
		h.d.mu.Lock()
		h.d.fail = errors.New("disk I/O error")
		h.d.mu.Unlock()
		defer func() { h.d.mu.Lock(); h.d.fail = nil; h.d.mu.Unlock() }()
		contains(t, h.run(anna, channel, "mute nato-west 1h"), "The mute could not be saved")
	})
}

func TestMuteExpires(t *testing.T) {
	h := newHarness(t).start()
	h.run(anna, channel, "mute nato-west 1h")
	alert := attache.Alert{Item: attache.Item{Feed: "kremlin-en"}, Matches: []attache.Match{{Rule: "nato-west"}}}
	muted := func() bool {
		active, _ := h.d.ActiveMutes(context.Background(), h.clock.Now())
		m, _ := attache.Muted(alert, active, h.clock.Now())
		return m
	}
	if !muted() {
		t.Fatal("the alert is not muted")
	}
	h.clock.Advance(59 * time.Minute)
	contains(t, h.run(anna, channel, "mutes"), "(1 minute left)")
	if !muted() {
		t.Error("the alert is not muted a minute before the end")
	}
	h.clock.Advance(time.Minute)
	if got := h.run(anna, channel, "mutes"); got.Text != "Nothing is muted." {
		t.Errorf("after an hour: %q", got.Text)
	}
	if muted() {
		t.Error("the alert is still muted after an hour")
	}
	if got := h.run(anna, channel, "rules"); strings.Contains(got.Text, "muted") {
		t.Errorf("rules: %q", got.Text)
	}
	if m := h.d.allMutes(); len(m) != 1 {
		t.Errorf("the mute was removed rather than expired: %+v", m)
	}
}
