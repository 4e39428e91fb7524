package slack

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/attache-dev/attache"
)

// wireActions is an actions block as Slack receives it.
type wireActions struct {
	Type     string `json:"type"`
	BlockID  string `json:"block_id"`
	Elements []struct {
		Type        string `json:"type"`
		ActionID    string `json:"action_id"`
		Value       string `json:"value"`
		Text        *wireText
		Placeholder *wireText
		Options     []wireOption `json:"options"`
		Groups      []struct {
			Label   wireText     `json:"label"`
			Options []wireOption `json:"options"`
		} `json:"option_groups"`
	} `json:"elements"`
}

type wireOption struct {
	Text  wireText `json:"text"`
	Value string   `json:"value"`
}

// splitActions renders a with its controls and returns the message without
// them (for the checks the other tests make) and the controls as sent.
func splitActions(t *testing.T, a attache.Alert) (wire, wireActions) {
	t.Helper()
	m := Render(a, nil, WithActions())
	last := len(m.Blocks) - 1
	if last < 0 || m.Blocks[last].BlockType() != slack.MBTAction {
		t.Fatalf("the last block is not an actions block: %+v", m.Blocks)
	}
	raw, err := json.Marshal(m.Blocks[last])
	if err != nil {
		t.Fatal(err)
	}
	var act wireActions
	if err := json.Unmarshal(raw, &act); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	m.Blocks = m.Blocks[:last]
	return toWire(t, m), act
}

// checkActions fails for each of Slack's limits on controls that act breaks.
func checkActions(t *testing.T, act wireActions) {
	t.Helper()
	if len(act.Elements) == 0 || len(act.Elements) > 25 {
		t.Errorf("%d elements, want 1 to 25", len(act.Elements))
	}
	for _, e := range act.Elements {
		if len(e.Value) > maxButtonValue {
			t.Errorf("%s: value of %d bytes", e.ActionID, len(e.Value))
		}
		n := len(e.Options)
		for _, g := range e.Groups {
			n += len(g.Options)
			if l := slackLen(g.Label.Text); l == 0 || l > maxOptionText {
				t.Errorf("%s: group label of %d characters", e.ActionID, l)
			}
			for _, o := range g.Options {
				if len(o.Value) > maxOptionValue || o.Value == "" {
					t.Errorf("%s: option value of %d bytes: %q", e.ActionID, len(o.Value), o.Value)
				}
				if l := slackLen(o.Text.Text); l == 0 || l > maxOptionText {
					t.Errorf("%s: option text of %d characters", e.ActionID, l)
				}
			}
		}
		if n > 100 {
			t.Errorf("%s: %d options, want at most 100", e.ActionID, n)
		}
	}
}

func TestRenderWithActions(t *testing.T) {
	a := alert()
	a.ID = "3f2a9c0d1e4b5a6978c1d2e3f4a5b6c7"
	w, act := splitActions(t, a)
	checkLimits(t, w)
	checkActions(t, act)
	if len(w.Blocks) != 4 {
		t.Errorf("the alert itself has %d blocks, want the 4 it has without controls", len(w.Blocks))
	}
	ids := []string{}
	for _, e := range act.Elements {
		ids = append(ids, e.ActionID)
	}
	t.Run("the controls are the two menus and the two buttons, in that order", func(t *testing.T) {
		want := []string{ActionMuteRule, ActionMuteSource, ActionUseful, ActionNotRelevant}
		if !slices.Equal(ids, want) || act.BlockID != ActionsBlockID {
			t.Fatalf("got block %q with %v, want %q with %v", act.BlockID, ids, ActionsBlockID, want)
		}
	})
	t.Run("the rule menu offers each duration for the rule, naming the alert", func(t *testing.T) {
		g := act.Elements[0].Groups
		if len(g) != 1 || g[0].Label.Text != "nato-west" || len(g[0].Options) != len(MuteChoices) {
			t.Fatalf("got %+v", g)
		}
		for i, o := range g[0].Options {
			v, err := DecodeActionValue(o.Value)
			if err != nil {
				t.Fatal(err)
			}
			want := ActionValue{Alert: a.ID, Rules: []string{"nato-west"}, For: MuteChoices[i]}
			if v.Alert != want.Alert || !slices.Equal(v.Rules, want.Rules) || v.For != want.For || v.Feed != "" {
				t.Errorf("option %q: got %+v, want %+v", o.Text.Text, v, want)
			}
		}
		if got := g[0].Options[2].Text.Text; got != "for 24 hours" {
			t.Errorf("got %q", got)
		}
	})
	t.Run("the source menu offers each duration for the item's feed", func(t *testing.T) {
		g := act.Elements[1].Groups
		if len(g) != 1 || g[0].Label.Text != "kremlin-en" {
			t.Fatalf("got %+v", g)
		}
		v, err := DecodeActionValue(g[0].Options[3].Value)
		if err != nil || v.Feed != "kremlin-en" || v.For != 7*24*time.Hour || len(v.Rules) != 0 || v.Alert != a.ID {
			t.Errorf("got %+v, %v", v, err)
		}
	})
	t.Run("the buttons name the alert, its feed and its rules", func(t *testing.T) {
		for _, e := range act.Elements[2:] {
			v, err := DecodeActionValue(e.Value)
			if err != nil || v.Alert != a.ID || v.Feed != "kremlin-en" || !slices.Equal(v.Rules, []string{"nato-west"}) {
				t.Errorf("%s: got %+v, %v", e.ActionID, v, err)
			}
		}
	})
	t.Run("without the option there are no controls", func(t *testing.T) {
		for _, b := range Render(a, nil).Blocks {
			if b.BlockType() == slack.MBTAction {
				t.Error("an actions block")
			}
		}
	})
}

func TestRenderActionsStayWithinSlacksLimits(t *testing.T) {
	for name, a := range oversized() {
		t.Run(name+" makes valid controls", func(t *testing.T) {
			a.ID = strings.Repeat("f", 32)
			w, act := splitActions(t, a)
			checkLimits(t, w)
			checkActions(t, act)
		})
	}
	t.Run("a name too long for a menu leaves its group out, and a shorter one drops the alert's id", func(t *testing.T) {
		a := alert()
		a.ID = strings.Repeat("f", 32)
		a.Matches = []attache.Match{{Rule: strings.Repeat("r", 140)}, {Rule: strings.Repeat("s", 200)}, {Rule: "short"}}
		_, act := splitActions(t, a)
		checkActions(t, act)
		g := act.Elements[0].Groups
		if len(g) != 2 {
			t.Fatalf("got %d groups, want 2", len(g))
		}
		v, _ := DecodeActionValue(g[0].Options[0].Value)
		if v.Alert != "" || v.Rules[0] != strings.Repeat("r", 140) {
			t.Errorf("long name: got %+v", v)
		}
		v, _ = DecodeActionValue(g[1].Options[0].Value)
		if v.Alert != a.ID || v.Rules[0] != "short" {
			t.Errorf("short name: got %+v", v)
		}
	})
	t.Run("two hundred rules: ten in the menu, as many as fit in the buttons", func(t *testing.T) {
		a := oversized()["two hundred rules with long descriptions"]
		_, act := splitActions(t, a)
		if n := len(act.Elements[0].Groups); n != maxMenuRules {
			t.Errorf("got %d groups", n)
		}
		v, err := DecodeActionValue(act.Elements[2].Value)
		if err != nil || len(v.Rules) < 10 || len(v.Rules) == 200 {
			t.Errorf("got %d rules, %v", len(v.Rules), err)
		}
	})
}

func TestDecodeActionValueRefusesWhatItDidNotWrite(t *testing.T) {
	cases := map[string]string{
		"an unknown key":           "a=x&z=1",
		"a repeated alert":         "a=x&a=y",
		"a name with a space":      "r=nato+west",
		"a name with markup":       "f=%3C%21channel%3E",
		"a negative duration":      "r=x&d=-5",
		"a duration that is words": "r=x&d=day",
		"bad escaping":             "r=%zz",
		"an empty name":            "r=",
	}
	for name, s := range cases {
		t.Run(name, func(t *testing.T) {
			if v, err := DecodeActionValue(s); !errors.Is(err, ErrBadActionValue) {
				t.Errorf("got %+v, %v", v, err)
			}
		})
	}
}

func FuzzDecodeActionValue(f *testing.F) {
	f.Add(ActionValue{Alert: "a1", Feed: "mid", Rules: []string{"x", "y"}, For: time.Hour}.Encode())
	f.Add("a=%zz&r=")
	f.Fuzz(func(t *testing.T, s string) {
		v, err := DecodeActionValue(s)
		if err != nil {
			return
		}
		again, err := DecodeActionValue(v.Encode())
		if err != nil || again.Alert != v.Alert || again.Feed != v.Feed || again.For != v.For || !slices.Equal(again.Rules, v.Rules) {
			t.Errorf("%q: decoded %+v, encoded and decoded again %+v, %v", s, v, again, err)
		}
	})
}

func TestDurationText(t *testing.T) {
	cases := map[time.Duration]string{
		30 * time.Minute:               "30 minutes",
		time.Minute + time.Second:      "1 minute",
		time.Hour:                      "1 hour",
		90 * time.Minute:               "1 hour 30 minutes",
		8 * time.Hour:                  "8 hours",
		24 * time.Hour:                 "24 hours",
		30 * time.Hour:                 "1 day 6 hours",
		7 * 24 * time.Hour:             "7 days",
		2*24*time.Hour + 5*time.Minute: "2 days",
		0:                              "0 minutes",
	}
	for d, want := range cases {
		if got := DurationText(d); got != want {
			t.Errorf("DurationText(%v) = %q, want %q", d, got, want)
		}
	}
}
