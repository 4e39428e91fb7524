package interact

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/attache-dev/attache"
	render "github.com/attache-dev/attache/notify/slack"
	"github.com/attache-dev/attache/notify/slack/interact/sockettest"
)

const alertID = "3f2a9c0d1e4b5a6978c1d2e3f4a5b6c7"

// posted alert: what the bot posted, as the dispatcher will with
// render.WithActions.
func postedAlert(t *testing.T) render.Message {
	t.Helper()
	return render.Render(attache.Alert{
		ID: alertID, Destination: "analysts",
		Item: attache.Item{Feed: "kremlin-en", Title: "Meeting with NATO envoys <b>now</b>",
			Link: "http://en.kremlin.ru/events/president/news/1", Published: t0},
		Matches: []attache.Match{{Rule: "nato-west", Severity: attache.SeverityHigh}, {Rule: "csto"}},
	}, nil, render.WithActions())
}

// control finds a control of the message's actions block.
func control(t *testing.T, m render.Message, actionID string) slack.BlockElement {
	t.Helper()
	for _, b := range m.Blocks {
		if ab, ok := b.(*slack.ActionBlock); ok {
			for _, e := range ab.Elements.ElementSet {
				switch x := e.(type) {
				case *slack.SelectBlockElement:
					if x.ActionID == actionID {
						return x
					}
				case *slack.ButtonBlockElement:
					if x.ActionID == actionID {
						return x
					}
				}
			}
		}
	}
	t.Fatalf("no control %s", actionID)
	return nil
}

// pick is the action of choosing option opt of group g of a mute menu.
func pick(t *testing.T, m render.Message, actionID string, g, opt int) sockettest.Action {
	t.Helper()
	menu := control(t, m, actionID).(*slack.SelectBlockElement)
	return sockettest.Action{ActionID: actionID, BlockID: render.ActionsBlockID, Type: "static_select",
		SelectedValue: menu.OptionGroups[g].Options[opt].Value}
}

// press is the action of pressing a button.
func press(t *testing.T, m render.Message, actionID string) sockettest.Action {
	t.Helper()
	b := control(t, m, actionID).(*slack.ButtonBlockElement)
	return sockettest.Action{ActionID: actionID, BlockID: render.ActionsBlockID, Type: "button", Value: b.Value}
}

const ts = "1700000000.000100"

// click delivers user's actions on message m, as it was when posted, and
// checks the acknowledgement: at once, and empty.
func (h *harness) click(user string, m render.Message, acts ...sockettest.Action) {
	h.t.Helper()
	msg, err := sockettest.MessageJSON(ts, m.Text, m.Blocks)
	if err != nil {
		h.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ack, err := h.sock.Click(ctx, sockettest.BlockActions{UserID: user, ChannelID: channel, ChannelName: "alerts",
		MessageTs: ts, Message: msg, ResponseURL: h.api.GetAPIURL() + "response/2", Actions: acts})
	if err != nil {
		h.t.Fatal(err)
	}
	if ack.Latency > 3*time.Second || (len(ack.Payload) > 0 && string(ack.Payload) != "null") {
		h.t.Errorf("acknowledged after %v with %s, want at once with nothing", ack.Latency, ack.Payload)
	}
}

// lastUpdate waits for the nth chat.update and returns it.
func (h *harness) nthUpdate(n int) update {
	h.t.Helper()
	h.eventually("the message is updated", func() bool { u, _, _, _ := h.web.get(); return len(u) >= n })
	u, _, _, _ := h.web.get()
	return u[n-1]
}

// notes are the lines of the notes block of an update.
func notesOf(t *testing.T, u update) []string {
	t.Helper()
	last := u.Blocks[len(u.Blocks)-1]
	if last["block_id"] != notesBlockID || last["type"] != "context" {
		t.Fatalf("the last block is not the notes: %v", last)
	}
	var out []string
	for _, e := range last["elements"].([]any) {
		out = append(out, e.(map[string]any)["text"].(string))
	}
	return out
}

func TestMuteFromAnAlert(t *testing.T) {
	h := newHarness(t).start()
	m := postedAlert(t)
	h.click(anna, m, pick(t, m, render.ActionMuteRule, 0, 2))
	u := h.nthUpdate(1)
	t.Run("the rule is muted for 24 hours by the person who chose it", func(t *testing.T) {
		want := attache.Mute{Kind: attache.MuteRule, Name: "nato-west", Until: t0.Add(24 * time.Hour), By: anna, At: t0,
			Reason: "from alert " + alertID}
		if got := h.d.allMutes(); len(got) != 1 || got[0] != want {
			t.Errorf("mutes %+v, want %+v", got, want)
		}
	})
	t.Run("the message says who did what, under the alert left as it was", func(t *testing.T) {
		if u.Channel != channel || u.TS != ts || u.Text != m.Text {
			t.Errorf("updated %s/%s with text %q", u.Channel, u.TS, u.Text)
		}
		var orig []map[string]any
		raw, _ := json.Marshal(m.Blocks)
		_ = json.Unmarshal(raw, &orig)
		if len(u.Blocks) != len(orig)+1 || !reflect.DeepEqual(u.Blocks[:len(orig)], orig) {
			t.Errorf("blocks changed:\n got %v\nwant %v", u.Blocks, orig)
		}
		want := []string{fmt.Sprintf("Rule *nato-west* muted for 24 hours (until <!date^%d^{date_short_pretty} {time}|2026-11-29 12:00 UTC>) by <@U0ANNA>", t0.Add(24*time.Hour).Unix())}
		if got := notesOf(t, u); !slices.Equal(got, want) {
			t.Errorf("notes %q, want %q", got, want)
		}
	})
	t.Run("the action is logged with the user's id", func(t *testing.T) {
		if l := h.logs.String(); !strings.Contains(l, `"msg":"slack app: muted","user":"U0ANNA","kind":"rule","name":"nato-west"`) {
			t.Errorf("logs:\n%s", l)
		}
	})
	t.Run("the source menu mutes the item's source", func(t *testing.T) {
		h.click(boris, m, pick(t, m, render.ActionMuteSource, 0, 3))
		u := h.nthUpdate(2)
		notes := notesOf(t, u)
		if len(notes) != 2 || !strings.HasPrefix(notes[1], "Source *kremlin-en* muted for 7 days (until ") || !strings.HasSuffix(notes[1], "by <@U0BORIS>") {
			t.Errorf("notes %q: both clicks should show, although the second was on the message as posted", notes)
		}
		ms := h.d.allMutes()
		if len(ms) != 2 || ms[1].Kind != attache.MuteSource || ms[1].Name != "kremlin-en" || !ms[1].Until.Equal(t0.Add(7*24*time.Hour)) {
			t.Errorf("mutes %+v", ms)
		}
	})
	t.Run("the second rule of the alert has its own group", func(t *testing.T) {
		h.click(anna, m, pick(t, m, render.ActionMuteRule, 1, 0))
		h.nthUpdate(3)
		ms := h.d.allMutes()
		if len(ms) != 3 || ms[2].Name != "csto" || !ms[2].Until.Equal(t0.Add(time.Hour)) {
			t.Errorf("mutes %+v", ms)
		}
	})
}

func TestFeedbackFromAnAlert(t *testing.T) {
	h := newHarness(t).start()
	m := postedAlert(t)
	h.click(boris, m, press(t, m, render.ActionUseful))
	u := h.nthUpdate(1)
	want := []attache.Feedback{
		{AlertID: alertID, Rule: "nato-west", Verdict: attache.VerdictUseful, By: boris, At: t0},
		{AlertID: alertID, Rule: "csto", Verdict: attache.VerdictUseful, By: boris, At: t0},
	}
	if got := h.d.allFeedback(); !slices.Equal(got, want) {
		t.Errorf("feedback %+v, want %+v", got, want)
	}
	if got := notesOf(t, u); !slices.Equal(got, []string{"Marked useful by <@U0BORIS>"}) {
		t.Errorf("notes %q", got)
	}
	t.Run("a reader who changes their mind replaces their verdict", func(t *testing.T) {
		h.click(boris, m, press(t, m, render.ActionNotRelevant))
		u := h.nthUpdate(2)
		fb := h.d.allFeedback()
		if len(fb) != 2 || fb[0].Verdict != attache.VerdictNotRelevant || fb[1].Verdict != attache.VerdictNotRelevant {
			t.Errorf("feedback %+v", fb)
		}
		if got := notesOf(t, u); len(got) != 2 || got[1] != "Marked not relevant by <@U0BORIS>" {
			t.Errorf("notes %q", got)
		}
	})
	t.Run("the notes keep the last ten", func(t *testing.T) {
		for range 10 {
			h.click(anna, m, press(t, m, render.ActionUseful))
		}
		u := h.nthUpdate(12)
		if got := notesOf(t, u); len(got) != maxNotes || got[0] == "Marked useful by <@U0BORIS>" {
			t.Errorf("notes %q", got)
		}
	})
	if l := h.logs.String(); !strings.Contains(l, `"msg":"slack app: feedback","user":"U0BORIS","verdict":"useful"`) {
		t.Errorf("logs:\n%s", l)
	}
}

func TestWhoMayClick(t *testing.T) {
	h := newHarness(t).start()
	m := postedAlert(t)
	mute := pick(t, m, render.ActionMuteRule, 0, 0)
	t.Run("someone outside the channel is told no, and nothing changes", func(t *testing.T) {
		h.click(eve, m, mute)
		h.eventually("eve is told", func() bool { _, e, _, _ := h.web.get(); return len(e) == 1 })
		_, e, _, _ := h.web.get()
		if e[0].User != eve || e[0].Channel != channel || e[0].Text != notAllowed {
			t.Errorf("told %+v", e[0])
		}
		u, _, _, _ := h.web.get()
		if len(u) != 0 || len(h.d.allMutes()) != 0 {
			t.Errorf("updates %v, mutes %v", u, h.d.allMutes())
		}
		if l := h.logs.String(); !strings.Contains(l, `"msg":"slack app: action refused","user":"U0EVE"`) {
			t.Errorf("logs:\n%s", l)
		}
	})
	t.Run("an admin outside the channel may act, without asking Slack", func(t *testing.T) {
		_, _, _, before := h.web.get()
		h.click(admin, m, mute)
		h.nthUpdate(1)
		if _, _, _, after := h.web.get(); after != before {
			t.Errorf("conversations.members called %d times", after-before)
		}
	})
	t.Run("members are asked of Slack once, then kept for the TTL", func(t *testing.T) {
		_, _, _, before := h.web.get()
		h.click(anna, m, mute)
		h.click(boris, m, mute)
		h.nthUpdate(3)
		if _, _, _, after := h.web.get(); after != before {
			t.Errorf("conversations.members called %d more times within the TTL", after-before)
		}
	})
	t.Run("someone who left the channel loses the right once the TTL has passed", func(t *testing.T) {
		h.web.mu.Lock()
		h.web.members[channel] = []string{boris}
		h.web.mu.Unlock()
		h.clock.Advance(DefaultMembersTTL)
		h.click(anna, m, mute)
		h.eventually("anna is told", func() bool { _, e, _, _ := h.web.get(); return len(e) == 2 })
		_, e, _, _ := h.web.get()
		if e[1].User != anna || e[1].Text != notAllowed {
			t.Errorf("told %+v", e[1])
		}
	})
}

func TestClicksThatFail(t *testing.T) {
	h := newHarness(t).start()
	m := postedAlert(t)
	t.Run("a value this app did not write is refused and told", func(t *testing.T) {
		forged := sockettest.Action{ActionID: render.ActionMuteRule, BlockID: render.ActionsBlockID, Type: "static_select",
			SelectedValue: "r=nato-west&d=60&x=<!channel>"}
		h.click(anna, m, forged)
		h.eventually("anna is told", func() bool { _, e, _, _ := h.web.get(); return len(e) == 1 })
		_, e, _, _ := h.web.get()
		if !strings.HasPrefix(e[0].Text, "That did not work") || strings.Contains(e[0].Text, "<!channel>") {
			t.Errorf("told %q", e[0].Text)
		}
		if len(h.d.allMutes()) != 0 {
			t.Errorf("mutes %+v", h.d.allMutes())
		}
	})
	t.Run("a duration longer than any menu offers is refused", func(t *testing.T) {
		forged := sockettest.Action{ActionID: render.ActionMuteSource, BlockID: render.ActionsBlockID, Type: "static_select",
			SelectedValue: "f=kremlin-en&d=99999999"}
		h.click(anna, m, forged)
		h.eventually("anna is told", func() bool { _, e, _, _ := h.web.get(); return len(e) == 2 })
		if len(h.d.allMutes()) != 0 {
			t.Errorf("mutes %+v", h.d.allMutes())
		}
	})
	t.Run("when the message cannot be updated, the person is told what was done", func(t *testing.T) {
		h.web.mu.Lock()
		h.web.updateFail = true
		h.web.mu.Unlock()
		h.click(anna, m, press(t, m, render.ActionNotRelevant))
		h.eventually("anna is told", func() bool { _, e, _, _ := h.web.get(); return len(e) == 3 })
		_, e, _, _ := h.web.get()
		if e[2].Text != "Marked not relevant by <@U0ANNA>" {
			t.Errorf("told %q", e[2].Text)
		}
	})
	t.Run("other apps' controls and other interactions are acknowledged and left alone", func(t *testing.T) {
		h.click(anna, m, sockettest.Action{ActionID: "someone_elses", Type: "button", Value: "x"})
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		for _, typ := range []string{"interactive", "events_api"} {
			if _, err := h.sock.Deliver(ctx, typ, map[string]any{"type": "view_submission"}); err != nil {
				t.Errorf("%s: %v", typ, err)
			}
		}
	})
}
