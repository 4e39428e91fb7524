package e2e

import (
	"strings"
	"testing"
	"time"
)

func TestRestartWithNoChangeSendsNothingAndItemsFromTheDowntimeAreSent(t *testing.T) {
	t.Parallel()
	s := newSite(t, 20)
	s.baseline()
	s.feeds.set("news", news("before"))
	d := s.start()
	eventually(t, 30*time.Second, "the first alert", func() bool { return s.slack.received("before")["before"] == 1 })
	d.stop(t)

	d = s.start() // nothing changed
	time.Sleep(3 * time.Second)
	d.stop(t)
	if n := s.slack.count(); n != 1 {
		t.Fatalf("a restart with no change sent %d messages in all, want the 1 from before", n)
	}

	s.feeds.set("news", news("down1"), news("down2"), news("before")) // published while it was down
	d = s.start()
	eventually(t, 30*time.Second, "the items from the downtime", func() bool {
		got := s.slack.received("down1", "down2")
		return got["down1"] == 1 && got["down2"] == 1
	})
	d.stop(t)
	exactlyOnce(t, s.slack.received("before", "down1", "down2"), []string{"before", "down1", "down2"})
}

func TestTwoHundredOldItemsAlertNothingAndTwoHundredNewOnesArePacedAndSummarised(t *testing.T) {
	t.Parallel()
	s := newSite(t, 20)
	var old []entry
	for _, id := range ids("old", 200) {
		old = append(old, news(id))
	}
	s.feeds.set("news", old...)
	if out := s.once(); !strings.Contains(out, "would_have_matched=200") {
		t.Fatalf("the first poll did not report its 200 would-be matches:\n%s", out)
	}
	if n := s.slack.count(); n != 0 {
		t.Fatalf("a first poll of 200 old items sent %d messages", n)
	}

	fresh := ids("new", 200)
	all := append([]entry(nil), old...)
	for _, id := range fresh {
		all = append(all, news(id))
	}
	s.feeds.set("news", all...)
	start := time.Now()
	s.once()
	took := time.Since(start)
	exactlyOnce(t, s.slack.received(fresh...), fresh)
	if n := s.slack.count(); n > 6 {
		t.Errorf("200 new matches went out as %d messages; a burst should be summarised", n)
	}
	if n := s.slack.count(); n > 3 && took < time.Duration(n-3)*time.Second*9/10 {
		t.Errorf("%d messages in %v: faster than one a second after a burst of 3", n, took)
	}
}

func TestFeedTricksAlertExactlyTheTrulyNewItems(t *testing.T) {
	t.Parallel()
	s := newSite(t, 20)
	base := []entry{news("a"), news("b"), news("c")}
	s.feeds.set("news", base...)
	s.once() // baseline

	future := news("future")
	future.Date = "Mon, 02 Jan 2040 15:04:05 +0000"
	undated := news("undated")
	undated.Date = ""
	dupA, dupB := news("dup1"), news("dup2")
	dupB.GUID = dupA.GUID // two entries, one GUID: two items
	steps := []struct {
		name  string
		items []entry
		want  []string // ids alerted by this step
	}{
		{"every GUID rewritten", rewriteGUIDs(base), nil},
		{"reordered and re-dated", []entry{redate(base[2]), redate(base[0]), redate(base[1])}, nil},
		{"a description edited", []entry{editDesc(base[0]), base[1], base[2]}, nil},
		{"one new item among old ones", append([]entry{news("n1")}, base...), []string{"n1"}},
		{"a future date and no date", append([]entry{future, undated, news("n1")}, base...), []string{"future", "undated"}},
		{"two entries with one GUID", append([]entry{dupA, dupB, news("n1")}, base...), []string{"dup1", "dup2"}},
	}
	seen := []string{}
	for _, st := range steps {
		s.feeds.set("news", st.items...)
		s.once()
		seen = append(seen, st.want...)
		got := s.slack.received(append(seen, "a", "b", "c")...)
		for _, id := range []string{"a", "b", "c"} {
			if got[id] != 0 {
				t.Fatalf("%s: old item %s alerted", st.name, id)
			}
		}
		for _, id := range seen {
			if got[id] != 1 {
				t.Fatalf("%s: item %s alerted %d times, want once", st.name, id, got[id])
			}
		}
	}
}

func rewriteGUIDs(es []entry) []entry {
	out := make([]entry, len(es))
	for i, e := range es {
		e.GUID = "rewritten-" + e.GUID
		out[i] = e
	}
	return out
}

func redate(e entry) entry {
	e.Date = "Tue, 01 Jan 2030 10:00:00 +0000"
	return e
}

func editDesc(e entry) entry {
	e.Desc = "An edited description that still mentions NATO."
	return e
}
