package attache

import (
	"strings"
	"time"
)

// MuteKind says what a mute silences: one rule, or one source.
type MuteKind string

// Mute kinds.
const (
	MuteRule   MuteKind = "rule"
	MuteSource MuteKind = "source"
)

// Mute silences a rule or a source until a time. A mute ends by itself: it
// applies while now is before Until, and nothing has to remove it.
type Mute struct {
	Kind MuteKind
	// Name is the rule's or the source's configured name.
	Name  string
	Until time.Time
	// By is who set it: a Slack user id (U0123ABCD) or an operator's name.
	By     string
	Reason string
	// At is when it was set.
	At time.Time
}

// Active reports whether the mute applies at now.
func (m Mute) Active(now time.Time) bool { return now.Before(m.Until) }

// Muted decides, as a pure function of now, whether alert a must not be
// sent: its source is muted, or every rule that matched it is. by lists the
// active mutes that silence it (a source mute, or one mute per rule).
//
// An alert that several rules matched is sent while any of them is not
// muted: that rule still wants it seen. A muted alert is recorded as such
// and never sent, not even after the mute ends; the mute said the news was
// not wanted, and sending it late would make it look new.
func Muted(a Alert, mutes []Mute, now time.Time) (muted bool, by []Mute) {
	for _, m := range mutes {
		if m.Kind == MuteSource && m.Active(now) && m.Name == a.Item.Feed {
			return true, []Mute{m}
		}
	}
	if len(a.Matches) == 0 {
		return false, nil
	}
	for _, x := range a.Matches {
		m, ok := ruleMute(x.Rule, mutes, now)
		if !ok {
			return false, nil
		}
		if !containsMute(by, m) {
			by = append(by, m)
		}
	}
	return true, by
}

// ruleMute finds an active mute of rule, the one that lasts longest when
// there are several.
func ruleMute(rule string, mutes []Mute, now time.Time) (Mute, bool) {
	var best Mute
	found := false
	for _, m := range mutes {
		if m.Kind == MuteRule && m.Name == rule && m.Active(now) && (!found || m.Until.After(best.Until)) {
			best, found = m, true
		}
	}
	return best, found
}

func containsMute(ms []Mute, m Mute) bool {
	for _, x := range ms {
		if x.Kind == m.Kind && x.Name == m.Name && x.Until.Equal(m.Until) {
			return true
		}
	}
	return false
}

// Verdict is what a reader said of an alert.
type Verdict string

// Verdicts.
const (
	VerdictUseful      Verdict = "useful"
	VerdictNotRelevant Verdict = "not_relevant"
)

// Feedback is one reader's verdict on one alert, for one of the rules that
// matched it: the precision of a rule in use is its useful verdicts over
// all of its verdicts.
type Feedback struct {
	AlertID string
	Rule    string
	Verdict Verdict
	// By is the Slack user id of the reader.
	By string
	At time.Time
}

// DescribeMutes says which mutes silence an alert, for its record and the
// log: "rule nato until 2026-12-03 14:00 UTC by U0123".
func DescribeMutes(ms []Mute) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = string(m.Kind) + " " + m.Name + " until " + m.Until.UTC().Format("2006-01-02 15:04 MST")
		if m.By != "" {
			parts[i] += " by " + m.By
		}
	}
	return strings.Join(parts, ", ")
}
