package notify_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/notify"
)

// TestAMutedAlertIsRecordedAndNeverSent: while a mute of its rule is
// active, an alert is recorded as muted, with the mute that silenced it,
// and not sent; when the mute ends it is still not sent; the alerts the
// mute does not cover go out.
func TestAMutedAlertIsRecordedAndNeverSent(t *testing.T) {
	s, _ := openStore(t)
	clk := newClock(t0)
	ids := enqueue(t, s, t0, "ops", "a", "b")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.SetMute(t.Context(), attache.Mute{Kind: attache.MuteRule, Name: "nato", Until: t0.Add(time.Hour), By: "U0ANNA", At: t0}))
	n := &fakeNotifier{}
	d := newDispatcher(t, s, map[string]notify.Notifier{"ops": n}, notify.Options{Now: clk.Now, Mutes: s.ActiveMutes})
	stats := deliver(t, d)
	if len(n.ids()) != 0 {
		t.Errorf("sent %v while the rule was muted", n.ids())
	}
	if want := (notify.Stats{"ops": {Muted: 2}}); !reflect.DeepEqual(stats, want) {
		t.Errorf("stats %v, want %v", stats, want)
	}
	a := alertByID(t, s, ids[0])
	if a.Status != attache.AlertMuted || !strings.Contains(a.LastError, "rule nato until") || !strings.Contains(a.LastError, "by U0ANNA") {
		t.Errorf("alert %s %q, want muted with the mute", a.Status, a.LastError)
	}

	// The mute ends: nothing muted is sent late; a new alert goes out.
	clk.Set(t0.Add(2 * time.Hour))
	fresh := enqueue(t, s, t0.Add(2*time.Hour), "ops", "c")
	deliver(t, d)
	if got := n.ids(); !reflect.DeepEqual(got, fresh) {
		t.Errorf("after the mute ended sent %v, want only the new alert %v", got, fresh)
	}
}

// TestASourceMuteSilencesEveryRuleOfItsSource: a source mute covers an
// alert whatever rules matched; a rule mute covers an alert only when every
// rule that matched is muted.
func TestASourceMuteSilencesEveryRuleOfItsSource(t *testing.T) {
	s, _ := openStore(t)
	clk := newClock(t0)
	enqueue(t, s, t0, "ops", "a")
	if err := s.SetMute(t.Context(), attache.Mute{Kind: attache.MuteSource, Name: "kremlin-en", Until: t0.Add(time.Hour), At: t0}); err != nil {
		t.Fatal(err)
	}
	n := &fakeNotifier{}
	d := newDispatcher(t, s, map[string]notify.Notifier{"ops": n}, notify.Options{Now: clk.Now, Mutes: s.ActiveMutes})
	if stats := deliver(t, d); stats["ops"].Muted != 1 || len(n.ids()) != 0 {
		t.Errorf("stats %v, sent %v: want the source's alert muted", stats, n.ids())
	}
}
