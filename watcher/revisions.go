package watcher

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/source"
	"github.com/attache-dev/attache/store"
	"github.com/attache-dev/attache/story"
)

// maxRevisionsPerPoll bounds the edits one poll alerts: a source that
// rewrites every text at once (a template change) is not a burst of news.
const maxRevisionsPerPoll = 10

// revisions finds, among the items of a poll already recorded, those that
// were alerted and whose words changed since (story.Revise: cosmetic
// changes are not revisions), and makes for each destination an alert in
// the thread of the item's own alert saying what changed; a rule the new
// words match and the old did not is named. It returns the revised items,
// whose recorded text the commit replaces, and the alerts.
func (p *Poller) revisions(ctx context.Context, state State, f attache.Feed, items []attache.Item, fresh []attache.Item, conf *pollConfig, now time.Time) ([]attache.Item, []attache.Alert) {
	alerted, ok := state.(interface {
		AlertedItems(ctx context.Context, feed string, keys []string) (map[string]store.AlertedItem, error)
	})
	if !ok || source.Follows(f) {
		// A source whose text comes from each item's page, read once,
		// cannot be compared from its list: edits there are not seen.
		return nil, nil
	}
	isFresh := make(map[string]bool, len(fresh))
	for _, it := range fresh {
		isFresh[it.Key] = true
	}
	var keys []string
	byKey := map[string]attache.Item{}
	for _, it := range items {
		if !isFresh[it.Key] {
			keys = append(keys, it.Key)
			byKey[it.Key] = it
		}
	}
	if len(keys) == 0 {
		return nil, nil
	}
	known, err := alerted.AlertedItems(ctx, f.Name, keys)
	if err != nil {
		p.log.Warn("edits not looked for: the alerted items could not be read", keyFeed, f.Name, keyErr, err)
		return nil, nil
	}
	var revised []attache.Item
	var alerts []attache.Alert
	for _, key := range keys {
		ai, ok := known[key]
		if !ok {
			continue
		}
		cur := byKey[key]
		r, changed := story.Revise(versionOf(ai.Item), versionOf(cur))
		if !changed {
			continue
		}
		if len(revised) == maxRevisionsPerPoll {
			p.log.Info("more edits than alerted per poll: the rest are recorded without alerts", keyFeed, f.Name)
			revised = append(revised, cur)
			continue
		}
		revised = append(revised, cur)
		alerts = append(alerts, p.revisionAlerts(f, ai, cur, r, conf, now)...)
	}
	return revised, alerts
}

// revisionAlerts are an edit's alerts, one per destination that had the
// item's alert or that a rule the new words match notifies.
func (p *Poller) revisionAlerts(f attache.Feed, ai store.AlertedItem, cur attache.Item, r story.Revision, conf *pollConfig, now time.Time) []attache.Alert {
	h := sha256.Sum256([]byte(cur.Title + "\x00" + cur.Summary + "\x00" + cur.Content + "\x00" + cur.Link))
	version := hex.EncodeToString(h[:6])
	byDest := map[string][]attache.Match{}
	for dest, ms := range ai.Matches {
		byDest[dest] = slices.Clone(ms)
	}
	var newRules []string
	for _, e := range Evaluate(conf.rules, []attache.Item{cur}) {
		for _, a := range e.Alerts(conf.rules, now) {
			for _, m := range a.Matches {
				if !slices.ContainsFunc(byDest[a.Destination], func(x attache.Match) bool { return x.Rule == m.Rule }) {
					byDest[a.Destination] = append(byDest[a.Destination], m)
					if !slices.Contains(newRules, m.Rule) {
						newRules = append(newRules, m.Rule)
					}
				}
			}
		}
	}
	why := ""
	if len(newRules) > 0 {
		why = "now also matches " + strings.Join(newRules, ", ")
	}
	it := cur
	// Its own story key: the rules already alerted the item's story, and
	// the edit is news of its own.
	it.Story = cur.Story + "#edit-" + version
	var out []attache.Alert
	for dest, ms := range byDest {
		out = append(out, attache.Alert{
			ID: alertID(f.Name, cur.Key+"\x00edit\x00"+version, dest), Destination: dest, Item: it, Matches: ms,
			Queued: now, Status: attache.AlertQueued, NextAttempt: now,
			Thread: &attache.Thread{Parent: alertID(f.Name, cur.Key, dest), Why: why, Revision: r.String()},
		})
	}
	slices.SortFunc(out, func(a, b attache.Alert) int { return strings.Compare(a.Destination, b.Destination) })
	return out
}

// versionOf is what an item says, for comparing two of its versions.
func versionOf(it attache.Item) story.Version {
	text := it.Summary
	if it.Content != "" {
		text += "\n\n" + it.Content
	}
	return story.Version{Title: it.Title, Text: text, Link: it.Link}
}
