package e2e

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/attache-dev/attache/store/postgres/pgtest"
)

var (
	replicaFaults = flag.Int("e2e.replica-faults", 4, "how many times the replicas test kills (kill -9) or pauses (SIGSTOP past the lease) a random replica (RELIABILITY.md reports 30)")
	replicaFeeds  = flag.Int("e2e.replica-feeds", 30, "how many feeds the replicas test polls (RELIABILITY.md reports 300)")
)

// replicaPeriod is the feeds' schedule in the replicas test. A feed's next
// turn is its schedule's next second after the commit, found by a claim
// loop that looks every second: one replica polls a feed between 1 and 3
// seconds apart. Polls closer than 0.8 s mean two replicas polled it in one
// period.
const replicaPeriod = 2 * time.Second

// TestReplicasSurviveKillsAndPauses runs three replicas of the real binary
// on one PostgreSQL state over many feeds. While statements are published,
// a random replica is killed with kill -9 (and restarted) or paused with
// SIGSTOP for longer than its lease (and continued). Every statement must
// arrive, with no more duplicates than faults; no feed may be polled twice
// within one period (from the feed server's log); and the channel's pace
// must never exceed one message a second after a burst of three.
func TestReplicasSurviveKillsAndPauses(t *testing.T) {
	t.Parallel()
	dsn := pgtest.DSN(t)
	s := newSite(t, 20)
	var feeds strings.Builder
	names := make([]string, *replicaFeeds)
	for i := range names {
		names[i] = fmt.Sprintf("f%03d", i)
		fmt.Fprintf(&feeds, "  - {name: %s, url: \"%s/%s\"}\n", names[i], s.url, names[i])
		s.feeds.set(names[i], entry{GUID: "old-" + names[i], Title: "Weather", Link: "https://example.org/old/" + names[i]})
	}
	cfg := replicaConfig(s, dsn)
	cfg = strings.Replace(cfg, `schedule: "@every 1s"`, fmt.Sprintf(`schedule: "@every %s"`, replicaPeriod), 1)
	cfg = strings.Replace(cfg, "feeds:\n  - {name: news, url: \""+s.url+"/news\"}\n", "feeds:\n"+feeds.String(), 1)
	s.writeConfig(cfg)

	replicas := []*daemon{s.start(), s.start(), s.start()}
	eventually(t, 60*time.Second, "every feed's baseline", func() bool {
		for _, n := range names {
			if s.feeds.hits(n) == 0 {
				return false
			}
		}
		return true
	})

	rng := rand.New(rand.NewPCG(12, uint64(*replicaFaults)))
	items := map[string][]entry{}
	var published []string
	start := time.Now()
	for round := range *replicaFaults {
		for k := range 3 {
			feed := names[rng.IntN(len(names))]
			id := fmt.Sprintf("r%d-%d-%s", round, k, feed)
			items[feed] = append([]entry{news(id)}, items[feed]...)
			s.feeds.set(feed, append(items[feed], entry{GUID: "old-" + feed, Title: "Weather", Link: "https://example.org/old/" + feed})...)
			published = append(published, id)
		}
		time.Sleep(time.Duration(300+rng.IntN(1200)) * time.Millisecond)
		i := rng.IntN(len(replicas))
		if round%2 == 0 {
			replicas[i].kill()
			replicas[i] = s.start()
		} else {
			replicas[i].cmd.Process.Signal(syscall.SIGSTOP)
			time.Sleep(3*time.Second + time.Second) // past lease_ttl
			replicas[i].cmd.Process.Signal(syscall.SIGCONT)
		}
	}
	eventually(t, 90*time.Second, "every published statement", func() bool {
		got := s.slack.received(published...)
		for _, id := range published {
			if got[id] == 0 {
				return false
			}
		}
		return true
	})
	for _, d := range replicas {
		d.stop(t)
	}

	got := s.slack.received(published...)
	dups := 0
	for _, id := range published {
		dups += got[id] - 1
	}
	if dups > *replicaFaults {
		t.Errorf("%d duplicates after %d faults", dups, *replicaFaults)
	}
	twice := 0
	for _, n := range names {
		asked := s.feeds.requests(n)
		for i := 1; i < len(asked); i++ {
			if asked[i].After(start) && asked[i].Sub(asked[i-1]) < replicaPeriod*2/5 {
				twice++
				if twice <= 3 {
					t.Errorf("feed %s polled %v after its previous poll, within one period of %v", n, asked[i].Sub(asked[i-1]), replicaPeriod)
				}
			}
		}
	}
	sent := s.slack.times()
	for i := range sent {
		for j := i + 1; j < len(sent); j++ {
			window := sent[j].Sub(sent[i])
			if allowed := 3 + int(window/time.Second); j-i+1 > allowed+1 {
				t.Errorf("%d messages within %v: above the pace of 1 a second after a burst of 3", j-i+1, window)
				break
			}
		}
	}
	t.Logf("%d faults, %d feeds, %d statements, all delivered, %d duplicates, %d messages", *replicaFaults, len(names), len(published), dups, len(sent))
}
