package e2e

import (
	"flag"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestAFeedThatChangesItsIdentifiersDelaysNoOtherFeed: one feed brings
// 5,000 new identifiers for its old items at once; it is recorded with one
// summary, and another feed's new alert arrives within a minute, once.
// Before the flood guard, 5,000 alerts were queued ahead of it.
func TestAFeedThatChangesItsIdentifiersDelaysNoOtherFeed(t *testing.T) {
	t.Parallel()
	s := newSite(t, 20)
	cfg := configText(s.url, s.slack.url(), 20, nil)
	cfg = strings.Replace(cfg, "health_notify: []", "health_notify: [analysts]", 1)
	cfg = strings.Replace(cfg, "feeds:\n", fmt.Sprintf("feeds:\n  - {name: other, url: %q}\n", s.url+"/other"), 1)
	s.writeConfig(cfg)

	const n = 5000
	var before, after []entry
	for i := range n {
		before = append(before, news(fmt.Sprint("old", i)))
		e := news(fmt.Sprint("old", i))
		e.GUID, e.Link = "moved-"+e.GUID, e.Link+"?moved"
		after = append(after, e)
	}
	s.feeds.set("news", before...)
	s.feeds.set("other", entry{GUID: "w", Title: "Weather", Link: "https://example.org/w"})
	s.once() // the baselines

	d := s.start()
	s.feeds.set("news", after...)
	s.feeds.set("other", news("fresh"))
	start := time.Now()
	eventually(t, time.Minute, "the other feed's alert", func() bool { return s.slack.received("fresh")["fresh"] == 1 })
	t.Logf("the other feed's alert arrived %v after the flood", time.Since(start).Round(time.Millisecond))
	s.waitForMessage(t, fmt.Sprintf("brought %d new items at once", n))
	time.Sleep(2 * time.Second)
	d.stop(t)
	if got := s.slack.count(); got != 2 {
		t.Errorf("Slack got %d messages, want 2 (the other feed's alert and one summary):\n%s", got, strings.Join(s.slack.messages(), "\n"))
	}
}

// TestRetentionKeepsWhatIsStillInTheFeed: with a retention of 5 s, an item
// that stays in its feed across restarts over 15 s is never pruned, so
// never alerted as new. Before, items were pruned by first sighting and
// came back as news once older than the retention. (Between a stop and the
// next start's prune, 1 s passes: well within the retention, however slow
// the machine.)
func TestRetentionKeepsWhatIsStillInTheFeed(t *testing.T) {
	t.Parallel()
	s := newSite(t, 20)
	s.writeConfig("retention: 5s\n" + configText(s.url, s.slack.url(), 20, nil))
	s.feeds.set("news", news("long-lived"))
	s.once() // the baseline: recorded, not alerted
	start := time.Now()
	for i := 0; time.Since(start) < 15*time.Second; i++ {
		// Something else is published, so the feed is read again in full.
		s.feeds.set("news", entry{GUID: fmt.Sprint("w", i), Title: "Weather", Link: fmt.Sprint("https://example.org/w", i)}, news("long-lived"))
		d := s.start() // each start prunes what was last sighted before the retention
		waitFor(t, d.stderr, "attache started")
		time.Sleep(2 * time.Second) // polls every second
		d.stop(t)
		time.Sleep(time.Second)
	}
	if n := s.slack.count(); n != 0 {
		t.Errorf("Slack got %d messages: an item still in its feed was pruned and alerted again:\n%s", n, strings.Join(s.slack.messages(), "\n"))
	}
}

// TestATenMegabyteItemStaysUnderTheMemoryBound polls a feed whose new
// item carries 9.5 MB of text: its fields are cut at max_text (256 KiB)
// before they are analysed, and `attache once` peaks under 150 MiB.
// Before, the whole text was analysed: 1.06 GiB in the daemon, 595 MiB for
// once.
func TestATenMegabyteItemStaysUnderTheMemoryBound(t *testing.T) {
	s := newSite(t, 20)
	s.baseline()
	words := []string{"troops ", "border ", "exercise ", "alliance ", "Belarus ", "statement "}
	var b strings.Builder
	for i := 0; b.Len() < 9_500_000; i++ { // within max_body (10 MiB) with the XML around it
		b.WriteString(words[i%len(words)])
	}
	big := news("big")
	big.Desc = b.String()
	s.feeds.set("news", big)
	peak := s.oncePeakMiB(2 * time.Minute)
	t.Logf("a 10 MB item: peak RSS %d MiB", peak)
	if peak > 150 {
		t.Errorf("peak RSS %d MiB, want at most 150", peak)
	}
	if got := s.slack.received("big")["big"]; got != 1 {
		t.Errorf("the item was alerted %d times, want once", got)
	}
}

var heavy = flag.Bool("e2e.heavy", false, "run the memory test of a 100,000-item feed (RELIABILITY.md reports it)")

// TestAHundredThousandItemFeedStaysUnderTheMemoryBound polls a feed with a
// baseline that comes back with 100,000 new items: the flood guard records
// them with one summary, and `attache once` peaks under 200 MiB, inside the
// shipped Kubernetes limit of 256Mi with room for a second large body. (The
// goal is 150 MiB; RELIABILITY.md says where the rest goes.) It takes a few
// seconds and most of the machine's memory bandwidth, so it runs with
// -e2e.heavy only.
func TestAHundredThousandItemFeedStaysUnderTheMemoryBound(t *testing.T) {
	if !*heavy {
		t.Skip("run with -e2e.heavy")
	}
	s := newSite(t, 20)
	s.writeConfig(strings.Replace(strings.Replace(configText(s.url, s.slack.url(), 20, nil),
		"health_notify: []", "health_notify: [analysts]", 1), "state: state.db\n", "state: state.db\nhttp: {max_body: 32MiB}\n", 1))
	s.baseline()
	var es []entry
	for i := range 100_000 {
		es = append(es, news(fmt.Sprint("m", i)))
	}
	s.feeds.set("news", es...)
	peak := s.oncePeakMiB(5 * time.Minute)
	t.Logf("a 100,000-item feed: peak RSS %d MiB", peak)
	if peak > 200 {
		t.Errorf("peak RSS %d MiB, want at most 200", peak)
	}
	if n := s.slack.count(); n != 1 {
		t.Errorf("Slack got %d messages, want the one summary", n)
	}
}
