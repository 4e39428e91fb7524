package watcher

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/rules"
)

// Ruleset is the compiled rules with what alerts need of each.
type Ruleset struct {
	Matcher *rules.Matcher
	// Rules are the configured rules by name: their description,
	// severity and destinations.
	Rules map[string]attache.Rule
	// Tags are the configured feeds' tags by feed name: with the name,
	// the scopes a rule's feeds list is compared with.
	Tags map[string][]string
}

// NewRuleset joins the matcher compiled from rs with the rules themselves
// and the tags of the feeds they may scope.
func NewRuleset(m *rules.Matcher, rs []attache.Rule, feeds []attache.Feed) *Ruleset {
	out := &Ruleset{Matcher: m, Rules: make(map[string]attache.Rule, len(rs)), Tags: make(map[string][]string, len(feeds))}
	for _, r := range rs {
		out.Rules[r.Name] = r
	}
	for _, f := range feeds {
		out.Tags[f.Name] = f.Tags
	}
	return out
}

// Evaluation is what the rules made of one item.
type Evaluation struct {
	Item attache.Item
	// Matches are the rules that matched, in the order of the
	// configuration, each with its rule's description and severity.
	Matches []attache.Match
}

// Evaluate matches items against the rules and returns, in the items'
// order, those that some rule matched. It is the one place where items
// meet rules: the daemon, `once`, `test` and `test --since` all go through
// it. It reads nothing and writes nothing.
func Evaluate(rs *Ruleset, items []attache.Item) []Evaluation {
	var out []Evaluation
	for _, it := range items {
		ms := rs.Matcher.Match(rules.DocumentOf(it, rs.Tags[it.Feed]...))
		if len(ms) == 0 {
			continue
		}
		for i := range ms {
			info := rs.Rules[ms[i].Rule]
			ms[i].Description, ms[i].Severity = info.Description, info.Severity
		}
		out = append(out, Evaluation{Item: it, Matches: ms})
	}
	return out
}

// Alerts are the alerts of an evaluation: one per destination, naming every
// rule that matched and notifies there, queued at now.
func (e Evaluation) Alerts(rs *Ruleset, now time.Time) []attache.Alert {
	byDest := map[string][]attache.Match{}
	for _, m := range e.Matches {
		for _, d := range rs.Rules[m.Rule].Notify {
			byDest[d] = append(byDest[d], m)
		}
	}
	dests := make([]string, 0, len(byDest))
	for d := range byDest {
		dests = append(dests, d)
	}
	sort.Strings(dests)
	alerts := make([]attache.Alert, 0, len(dests))
	for _, d := range dests {
		alerts = append(alerts, attache.Alert{
			ID: alertID(e.Item.Feed, e.Item.Key, d), Destination: d, Item: e.Item, Matches: byDest[d],
			Queued: now, Status: attache.AlertQueued, NextAttempt: now,
		})
	}
	return alerts
}

// alertID is stable for an item and destination, so the queue's unique key
// stops the same alert being queued twice.
func alertID(feed, key, destination string) string {
	h := sha256.Sum256([]byte(feed + "\x00" + key + "\x00" + destination))
	return hex.EncodeToString(h[:16])
}
