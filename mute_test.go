package attache

import (
	"testing"
	"time"
)

func TestMuted(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	hour := now.Add(time.Hour)
	alert := func(feed string, rules ...string) Alert {
		a := Alert{Item: Item{Feed: feed}}
		for _, r := range rules {
			a.Matches = append(a.Matches, Match{Rule: r})
		}
		return a
	}
	rule := func(name string, until time.Time) Mute { return Mute{Kind: MuteRule, Name: name, Until: until} }
	source := func(name string, until time.Time) Mute { return Mute{Kind: MuteSource, Name: name, Until: until} }
	cases := []struct {
		name  string
		alert Alert
		mutes []Mute
		want  bool
		by    int
	}{
		{"no mutes send everything", alert("mid", "nato"), nil, false, 0},
		{"a muted rule silences an alert that only it matched", alert("mid", "nato"), []Mute{rule("nato", hour)}, true, 1},
		{"a mute that has ended silences nothing", alert("mid", "nato"), []Mute{rule("nato", now)}, false, 0},
		{"a mute of another rule silences nothing", alert("mid", "nato"), []Mute{rule("csto", hour)}, false, 0},
		{"an alert that an unmuted rule also matched is sent", alert("mid", "nato", "csto"), []Mute{rule("nato", hour)}, false, 0},
		{"an alert whose every rule is muted is silenced", alert("mid", "nato", "csto"), []Mute{rule("nato", hour), rule("csto", hour)}, true, 2},
		{"a muted source silences every alert of its items", alert("mid", "nato", "csto"), []Mute{source("mid", hour)}, true, 1},
		{"a mute of another source silences nothing", alert("mfa", "nato"), []Mute{source("mid", hour)}, false, 0},
		{"a source mute that has ended silences nothing", alert("mid", "nato"), []Mute{source("mid", now.Add(-time.Second))}, false, 0},
		{"a rule's name does not mute a source of that name", alert("nato", "csto"), []Mute{rule("nato", hour)}, false, 0},
		{"an alert without matches is muted only by its source", alert("mid"), []Mute{rule("nato", hour)}, false, 0},
		{"two mutes of one rule count once", alert("mid", "nato"), []Mute{rule("nato", hour), rule("nato", hour.Add(time.Hour))}, true, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, by := Muted(c.alert, c.mutes, now)
			if got != c.want || len(by) != c.by {
				t.Errorf("got %v by %v, want %v by %d mutes", got, by, c.want, c.by)
			}
		})
	}
	t.Run("the longest of two mutes of one rule is named", func(t *testing.T) {
		_, by := Muted(alert("mid", "nato"), []Mute{rule("nato", hour), rule("nato", hour.Add(time.Hour))}, now)
		if len(by) != 1 || !by[0].Until.Equal(hour.Add(time.Hour)) {
			t.Errorf("got %v", by)
		}
	})
}
