package slack

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/attache-dev/attache"
)

// The controls an alert message carries when it is rendered WithActions:
// the actions block's id and each control's action id. The app that answers
// them (notify/slack/interact) tells them apart by these.
const (
	ActionsBlockID    = "attache_actions"
	ActionMuteRule    = "attache_mute_rule"
	ActionMuteSource  = "attache_mute_source"
	ActionUseful      = "attache_useful"
	ActionNotRelevant = "attache_not_relevant"
)

// MuteChoices are the durations that the mute menus offer.
var MuteChoices = []time.Duration{time.Hour, 8 * time.Hour, 24 * time.Hour, 7 * 24 * time.Hour}

// Slack's limits on controls, in characters.
const (
	maxOptionValue = 150  // a menu option's value
	maxButtonValue = 2000 // a button's value
	maxOptionText  = 75   // a menu option's text, and an option group's label
	maxMenuRules   = 10   // rules offered in the rule menu: 40 options, well under Slack's 100
)

// ActionValue is what a control carries in its value: the alert it belongs
// to, and what it acts on. A mute menu's option names one rule (Rules) or
// the source (Feed) and a duration (For); a feedback button names the alert's
// source and every rule that matched, as far as they fit.
type ActionValue struct {
	Alert string
	Feed  string
	Rules []string
	For   time.Duration
}

// Encode writes v as a short query string ("a=…&d=1440&r=nato-west"):
// configured names need no escaping, so it stays compact within Slack's
// 150 characters for a menu option.
func (v ActionValue) Encode() string {
	q := url.Values{}
	if v.Alert != "" {
		q.Set("a", v.Alert)
	}
	if v.Feed != "" {
		q.Set("f", v.Feed)
	}
	if v.For > 0 {
		q.Set("d", strconv.FormatInt(int64(v.For/time.Minute), 10))
	}
	for _, r := range v.Rules {
		q.Add("r", r)
	}
	return q.Encode()
}

// validValueName is what a configured rule or source name may be.
var validValueName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,200}$`)

// ErrBadActionValue is the error for a control's value that this package did
// not write.
var ErrBadActionValue = errors.New("not an attaché action value")

// DecodeActionValue reads what Encode wrote. It refuses anything else: a
// name that no configuration allows, a duration that is not a positive
// number of minutes, an unknown key.
func DecodeActionValue(s string) (ActionValue, error) {
	q, err := url.ParseQuery(s)
	if err != nil {
		return ActionValue{}, fmt.Errorf("action value %q: %w: %v", cutRunes(s, 40), ErrBadActionValue, err)
	}
	bad := func(why string) (ActionValue, error) {
		return ActionValue{}, fmt.Errorf("action value %q: %s: %w", cutRunes(s, 40), why, ErrBadActionValue)
	}
	var v ActionValue
	for k, vs := range q {
		switch k {
		case "a", "f", "d":
			if len(vs) != 1 {
				return bad("key " + k + " repeated")
			}
		case "r":
		default:
			return bad("unknown key " + strconv.Quote(cutRunes(k, 10)))
		}
	}
	v.Alert = q.Get("a")
	if v.Alert != "" && !validValueName.MatchString(v.Alert) {
		return bad("bad alert id")
	}
	v.Feed = q.Get("f")
	if v.Feed != "" && !validValueName.MatchString(v.Feed) {
		return bad("bad source name")
	}
	for _, r := range q["r"] {
		if !validValueName.MatchString(r) {
			return bad("bad rule name")
		}
		v.Rules = append(v.Rules, r)
	}
	if d := q.Get("d"); d != "" {
		n, err := strconv.ParseInt(d, 10, 32)
		if err != nil || n <= 0 {
			return bad("bad duration")
		}
		v.For = time.Duration(n) * time.Minute
	}
	return v, nil
}

// RenderOption changes how Render lays out an alert.
type RenderOption func(*renderOptions)

type renderOptions struct {
	actions bool
}

// WithActions adds the controls that an app with Socket Mode answers: a
// "Mute rule" menu, a "Mute source" menu, and "Useful" and "Not relevant"
// buttons. Only a message that such an app can receive the clicks of
// should carry them.
func WithActions() RenderOption {
	return func(o *renderOptions) { o.actions = true }
}

// actionsBlock lays out an alert's controls. A control whose value would not
// fit Slack's limits (a name of more than about a hundred characters) is
// left out rather than cut, since a cut name would mute nothing.
func actionsBlock(a attache.Alert) *slack.ActionBlock {
	var elements []slack.BlockElement
	var groups []*slack.OptionGroupBlockObject
	for i, m := range a.Matches {
		if i == maxMenuRules {
			break
		}
		if g := muteGroup(m.Rule, func(d time.Duration, withAlert bool) ActionValue {
			v := ActionValue{Rules: []string{m.Rule}, For: d}
			if withAlert {
				v.Alert = a.ID
			}
			return v
		}); g != nil {
			groups = append(groups, g)
		}
	}
	if len(groups) > 0 {
		elements = append(elements, slack.NewOptionsGroupSelectBlockElement(slack.OptTypeStatic,
			plain("Mute rule"), ActionMuteRule, groups...))
	}
	if g := muteGroup(a.Item.Feed, func(d time.Duration, withAlert bool) ActionValue {
		v := ActionValue{Feed: a.Item.Feed, For: d}
		if withAlert {
			v.Alert = a.ID
		}
		return v
	}); g != nil {
		elements = append(elements, slack.NewOptionsGroupSelectBlockElement(slack.OptTypeStatic,
			plain("Mute source"), ActionMuteSource, g))
	}
	fb := feedbackValue(a)
	elements = append(elements,
		slack.NewButtonBlockElement(ActionUseful, fb, plain("Useful")),
		slack.NewButtonBlockElement(ActionNotRelevant, fb, plain("Not relevant")),
	)
	return slack.NewActionBlock(ActionsBlockID, elements...)
}

// muteGroup is one menu group: the name as its label and one option per
// MuteChoices duration. The alert's id is left out of the values when the
// name is too long for both; nil when the name alone is too long.
func muteGroup(name string, value func(d time.Duration, withAlert bool) ActionValue) *slack.OptionGroupBlockObject {
	if name == "" {
		return nil
	}
	withAlert := true
	longest := MuteChoices[len(MuteChoices)-1]
	if len(value(longest, true).Encode()) > maxOptionValue {
		withAlert = false
		if len(value(longest, false).Encode()) > maxOptionValue {
			return nil
		}
	}
	opts := make([]*slack.OptionBlockObject, 0, len(MuteChoices))
	for _, d := range MuteChoices {
		opts = append(opts, slack.NewOptionBlockObject(value(d, withAlert).Encode(), plain("for "+DurationText(d)), nil))
	}
	return slack.NewOptionGroupBlockElement(plain(clean(name, maxOptionText)), opts...)
}

// feedbackValue names the alert, its source and as many of its rules as fit
// in a button's value; the source only when it fits too, since a verdict is
// about the alert and its rules.
func feedbackValue(a attache.Alert) string {
	v := ActionValue{Alert: a.ID, Feed: a.Item.Feed}
	if len(v.Encode()) > maxButtonValue {
		v.Feed = ""
	}
	for _, m := range a.Matches {
		next := v
		next.Rules = append(append([]string(nil), v.Rules...), m.Rule)
		if len(next.Encode()) > maxButtonValue {
			break
		}
		v = next
	}
	return v.Encode()
}

// plain is a plain text object, as controls take.
func plain(text string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, text, false, false)
}

// DurationText says a duration the way people do: "30 minutes", "1 hour",
// "24 hours", "7 days", "1 day 6 hours". A day is 24 hours; seconds are
// dropped.
func DurationText(d time.Duration) string {
	d = d.Truncate(time.Minute)
	if d <= 0 {
		return "0 minutes"
	}
	unit := func(n int64, one string) string {
		if n == 1 {
			return "1 " + one
		}
		return strconv.FormatInt(n, 10) + " " + one + "s"
	}
	days, hours, mins := int64(d/(24*time.Hour)), int64(d%(24*time.Hour)/time.Hour), int64(d%time.Hour/time.Minute)
	if days == 1 && hours == 0 && mins == 0 {
		return "24 hours" // what people choose from a menu, and read back
	}
	var parts []string
	if days > 0 {
		parts = append(parts, unit(days, "day"))
	}
	if hours > 0 {
		parts = append(parts, unit(hours, "hour"))
	}
	if mins > 0 && days == 0 {
		parts = append(parts, unit(mins, "minute"))
	}
	return strings.Join(parts, " ")
}
