package storetest

import (
	"testing"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/store"
)

// testMutes: a mute is active until it ends by itself, replaced by a new
// one of the same kind and name, ended early by Unmute, and kept across a
// restart.
func testMutes(t *testing.T, open Open) {
	s, reopen := open(t)
	ctx := t.Context()
	ms := func(st store.Store, at time.Time) []string {
		t.Helper()
		active, err := st.ActiveMutes(ctx, at)
		must(t, err)
		var out []string
		for _, m := range active {
			out = append(out, string(m.Kind)+":"+m.Name+":"+m.By)
		}
		return out
	}
	must(t, s.SetMute(ctx, attache.Mute{Kind: attache.MuteRule, Name: "nato", Until: t0.Add(time.Hour), By: "U1", At: t0}))
	must(t, s.SetMute(ctx, attache.Mute{Kind: attache.MuteSource, Name: "belta-ru", Until: t0.Add(8 * time.Hour), By: "U2", Reason: "noisy", At: t0}))
	if got := ms(s, t0.Add(time.Minute)); len(got) != 2 || got[0] != "rule:nato:U1" || got[1] != "source:belta-ru:U2" {
		t.Errorf("active %v, want the rule and the source", got)
	}
	if got := ms(s, t0.Add(2*time.Hour)); len(got) != 1 || got[0] != "source:belta-ru:U2" {
		t.Errorf("after an hour %v, want only the source's, the rule's ended by itself", got)
	}
	// Muting again for less shortens the mute.
	must(t, s.SetMute(ctx, attache.Mute{Kind: attache.MuteSource, Name: "belta-ru", Until: t0.Add(30 * time.Minute), By: "U3", At: t0}))
	if got := ms(s, t0.Add(time.Hour)); len(got) != 0 {
		t.Errorf("after a shorter mute replaced it: %v", got)
	}
	if err := s.SetMute(ctx, attache.Mute{Kind: "channel", Name: "x", Until: t0}); err == nil {
		t.Error("a mute of an unknown kind was kept")
	}
	ended, err := s.Unmute(ctx, attache.MuteRule, "nato", t0.Add(time.Minute))
	must(t, err)
	if !ended || len(ms(s, t0.Add(2*time.Minute))) != 1 {
		t.Errorf("unmute: ended %v; the source's mute should be the one left", ended)
	}
	if ended, _ := s.Unmute(ctx, attache.MuteRule, "nato", t0.Add(time.Minute)); ended {
		t.Error("a mute already ended was ended again")
	}
	s.Close()
	again := reopen(t)
	if got := ms(again, t0.Add(time.Minute)); len(got) != 1 || got[0] != "source:belta-ru:U3" {
		t.Errorf("after a restart: %v", got)
	}
}

// testFeedback: one verdict per alert, rule and reader, the latest; counted
// per rule since a time.
func testFeedback(t *testing.T, open Open) {
	s, _ := open(t)
	ctx := t.Context()
	must(t, s.AddFeedback(ctx, []attache.Feedback{
		{AlertID: "a1", Rule: "nato", Verdict: attache.VerdictUseful, By: "U1", At: t0},
		{AlertID: "a1", Rule: "csto", Verdict: attache.VerdictUseful, By: "U1", At: t0},
		{AlertID: "a2", Rule: "nato", Verdict: attache.VerdictNotRelevant, By: "U1", At: t0.Add(-10 * 24 * time.Hour)},
	}))
	// U1 changes their mind on a1; U2 agrees with the first verdict.
	must(t, s.AddFeedback(ctx, []attache.Feedback{
		{AlertID: "a1", Rule: "nato", Verdict: attache.VerdictNotRelevant, By: "U1", At: t0.Add(time.Minute)},
		{AlertID: "a1", Rule: "nato", Verdict: attache.VerdictUseful, By: "U2", At: t0.Add(time.Minute)},
	}))
	week, err := s.RuleFeedback(ctx, t0.Add(-7*24*time.Hour))
	must(t, err)
	if week["nato"] != (store.FeedbackCount{Useful: 1, NotRelevant: 1}) || week["csto"] != (store.FeedbackCount{Useful: 1}) {
		t.Errorf("last 7 days: %v", week)
	}
	month, err := s.RuleFeedback(ctx, t0.Add(-30*24*time.Hour))
	must(t, err)
	if month["nato"] != (store.FeedbackCount{Useful: 1, NotRelevant: 2}) {
		t.Errorf("last 30 days: %v", month)
	}
	if p, ok := month["nato"].Precision(); !ok || p < 0.33 || p > 0.34 {
		t.Errorf("precision %v %v, want 1/3", p, ok)
	}
	if err := s.AddFeedback(ctx, []attache.Feedback{{AlertID: "a3", Rule: "nato", Verdict: "meh", By: "U1", At: t0}}); err == nil {
		t.Error("an unknown verdict was kept")
	}
}

// testMarkMuted: a queued alert silenced by a mute is muted, never due
// again, counted apart, and pruned like a delivered one.
func testMarkMuted(t *testing.T, open Open) {
	s, _ := open(t)
	ctx := t.Context()
	id := queueOne(t, s, "k1")
	must(t, s.MarkMuted(ctx, id, "muted: rule nato until 13:00 by U1"))
	a := alertByID(t, s, id)
	if a.Status != attache.AlertMuted || a.LastError != "muted: rule nato until 13:00 by U1" {
		t.Errorf("alert %+v, want muted with its reason", a)
	}
	if ids := dueIDs(t, s, t0.Add(time.Hour)); len(ids) != 0 {
		t.Errorf("due after muting: %v", ids)
	}
	wantErr(t, s.MarkMuted(ctx, id, "again"), store.ErrStatus)
	stats, err := s.QueueStats(ctx)
	must(t, err)
	if len(stats) != 1 || stats[0].Muted != 1 || stats[0].Queued != 0 {
		t.Errorf("queue stats %+v, want one muted", stats)
	}
	res, err := s.Prune(ctx, t0.Add(time.Hour))
	must(t, err)
	if res.Alerts != 1 {
		t.Errorf("pruned %d alerts, want the muted one", res.Alerts)
	}
}
