package watcher

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/source"
	"github.com/attache-dev/attache/store"
	"github.com/attache-dev/attache/text"
)

// maxBaselineReport bounds how many would-be alerts a first poll lists.
const maxBaselineReport = 10

// triaged is what the store says of a poll's items.
type triaged struct {
	// fresh are the items not recorded before, in document order, each
	// key once: all of them are recorded.
	fresh []attache.Item
	// news indexes the fresh items whose story is new too: the ones the
	// rules see.
	news []int
	// restated counts fresh items whose story a recorded item already
	// told (a rewritten GUID, the same link in another feed).
	restated int
}

// triage asks the store which of the items are new, and which of those
// tell a story not recorded yet.
func (p *Poller) triage(ctx context.Context, state State, f attache.Feed, items []attache.Item) (triaged, error) {
	keys := make([]string, len(items))
	for i, it := range items {
		keys[i] = it.Key
	}
	unseen, err := state.Unseen(ctx, f.Name, keys)
	if err != nil {
		return triaged{}, fmt.Errorf("feed %q: find new items: %w", f.Name, err)
	}
	isNew := make(map[string]bool, len(unseen))
	for _, k := range unseen {
		isNew[k] = true
	}
	told, err := p.toldStories(ctx, state, items, isNew)
	if err != nil {
		return triaged{}, fmt.Errorf("feed %q: find known stories: %w", f.Name, err)
	}
	var t triaged
	for _, it := range items {
		if !isNew[it.Key] {
			continue
		}
		isNew[it.Key] = false // a key listed twice is one item
		t.fresh = append(t.fresh, it)
		if told[it.Story] {
			// A new key for a story already recorded: recorded, but no news.
			t.restated++
			continue
		}
		t.news = append(t.news, len(t.fresh)-1)
	}
	return t, nil
}

// record runs the stages of a poll after the read: triage (which items
// are new), enrich (the item pages of new list items), evaluate (the
// rules), and commit (items, state and alerts in one transaction).
func (p *Poller) record(ctx context.Context, state State, f attache.Feed, st store.FeedState, items []attache.Item, now time.Time, conf *pollConfig, health []attache.Alert) PollResult {
	out := PollResult{Feed: f.Name, Class: attache.PollOK, Items: len(items), First: !st.Baselined, Success: true}
	t, err := p.triage(ctx, state, f, items)
	if err != nil {
		out.Class, out.Err = attache.PollStateError, err
		return out
	}
	fresh, news := t.fresh, t.news
	out.Restated = t.restated
	if source.Follows(f) {
		p.enrich(ctx, f, conf, fresh, news, out.First, now)
		if ctx.Err() != nil {
			// Shutting down while item pages were read: nothing is
			// recorded, and the next poll finds the same items new.
			return PollResult{Feed: f.Name, Class: attache.PollCancelled, Err: ctx.Err()}
		}
	}

	// The flood guard: a feed with a baseline that brings more new stories
	// at once than it may has most likely changed its identifiers; its
	// items are recorded, and one summary says so instead of an alert each.
	if limit := maxNew(f); !out.First && len(news) > limit {
		out.Flooded = len(news)
		p.log.Warn("flood guard: new items recorded without alerts", keyFeed, f.Name, keyNew, len(news), "max_new_items", limit)
		health = append(health, floodAlerts(f, len(news), limit, now, conf.health)...)
		news = nil
	}

	// Evaluate: only the news (new items whose story is new) meet the rules.
	newsItems := make([]attache.Item, len(news))
	for k, i := range news {
		newsItems[k] = fresh[i]
	}
	alerts := health
	var wouldMatch []string
	var stories []store.StoryRecord
	for _, e := range Evaluate(conf.rules, newsItems) {
		for _, m := range e.Matches {
			if out.Matches == nil {
				out.Matches = map[string]int{}
			}
			out.Matches[m.Rule]++
		}
		if out.First && !inBackfill(e.Item, now, conf.backfill) {
			wouldMatch = append(wouldMatch, matchSummary(e.Item, e.Matches))
			continue
		}
		ea := e.Alerts(conf.rules, now)
		if p.stories != nil && len(ea) > 0 {
			if rec, ok := p.stories.place(e.Item, e.Matches, ea); ok {
				stories = append(stories, rec)
			}
		}
		alerts = append(alerts, ea...)
	}
	// Edits of items already alerted: a reply in their thread.
	revised, edits := p.revisions(ctx, state, f, items, fresh, conf, now)
	alerts = append(alerts, edits...)
	out.New = len(fresh)
	for _, it := range fresh {
		d := it.Published
		if it.DateMissing {
			d = time.Time{}
		}
		out.NewDates = append(out.NewDates, d)
	}

	// Commit: the one transaction of the poll.
	st.Baselined = true
	sighted := make([]string, len(items))
	for i, it := range items {
		sighted[i] = it.Key
	}
	queued, err := state.Record(ctx, store.RecordBatch{Feed: f.Name, State: st, Items: fresh, Alerts: alerts, Sighted: sighted, Now: now, Stories: stories, Revised: revised})
	if err != nil {
		out.Class, out.Err = attache.PollStateError, fmt.Errorf("feed %q: record %d items: %w", f.Name, len(fresh), err)
		return out
	}
	out.Queued = len(queued)
	out.Committed = p.now().Sub(now)
	for _, a := range queued {
		if len(a.Matches) > 0 && a.Matches[0].Rule != HealthRule {
			out.Alerted++
		}
		if out.QueuedTo == nil {
			out.QueuedTo = map[string]int{}
		}
		out.QueuedTo[a.Destination]++
	}
	if out.First {
		p.logBaseline(ctx, f, out, wouldMatch)
	} else {
		p.log.Debug("polled", keyFeed, f.Name, keyClass, attache.PollOK, keyItems, out.Items, keyNew, out.New, keyQueued, out.Queued)
	}
	p.notifyQueued(out.Queued)
	return out
}

// MaxFollowPerPoll bounds the item pages one poll of a list page reads;
// new items beyond it are matched on their list-page text.
const MaxFollowPerPoll = 40

// enrich reads the pages of the new items that rules will see, after the
// store said which items are new and before the transaction that records
// them, so that an item's page is fetched once, ever: a recorded item is
// never new again. An item whose page fails is matched on its list-page
// text. On a feed's first poll only the items that backfill lets through
// are followed: the others are recorded without alerts, and reading every
// page of a new source would cost its server a burst for nothing.
func (p *Poller) enrich(ctx context.Context, f attache.Feed, conf *pollConfig, fresh []attache.Item, news []int, first bool, now time.Time) {
	var pick []int
	for _, i := range news {
		if !first || inBackfill(fresh[i], now, conf.backfill) {
			pick = append(pick, i)
		}
	}
	if len(pick) > MaxFollowPerPoll {
		p.log.Info("more new items than item pages read per poll: the rest are matched on their list-page text",
			keyFeed, f.Name, keyNew, len(pick), "pages", MaxFollowPerPoll)
		pick = pick[:MaxFollowPerPoll]
	}
	if len(pick) == 0 {
		return
	}
	batch := make([]attache.Item, len(pick))
	for k, i := range pick {
		batch[k] = fresh[i]
	}
	errs := conf.fetcher.Follow(ctx, f, batch)
	failed := 0
	for k, i := range pick {
		if errs[k] != nil {
			failed++
			if ctx.Err() == nil {
				p.log.Info("item page not read: the item is matched on its list-page text",
					keyFeed, f.Name, "link", batch[k].Link, keyErr, errs[k])
			}
			continue
		}
		fresh[i].Content, fresh[i].Title = batch[k].Content, batch[k].Title
	}
	p.log.Debug("item pages read", keyFeed, f.Name, "pages", len(pick), "failed", failed)
}

// toldStories returns which stories of the feed's new items some recorded
// item already tells.
func (p *Poller) toldStories(ctx context.Context, state State, items []attache.Item, isNew map[string]bool) (map[string]bool, error) {
	var stories []string
	for _, it := range items {
		if isNew[it.Key] {
			stories = append(stories, it.Story)
		}
	}
	if len(stories) == 0 {
		return nil, nil
	}
	return state.SeenStories(ctx, stories)
}

// inBackfill reports an item a first poll should still alert: published
// within the backfill window, with a date of its own.
func inBackfill(it attache.Item, now time.Time, backfill time.Duration) bool {
	return backfill > 0 && !it.DateMissing && !it.Published.Before(now.Add(-backfill))
}

func matchSummary(it attache.Item, ms []attache.Match) string {
	names := make([]string, len(ms))
	for i, m := range ms {
		names[i] = m.Rule
	}
	return fmt.Sprintf("%v %q", names, text.Plain(it.Title))
}

// logBaseline says, once per feed, what its first poll recorded and which
// items would have matched: a new feed never floods a channel, but the user
// sees that the rules work on it.
func (p *Poller) logBaseline(ctx context.Context, f attache.Feed, out PollResult, wouldMatch []string) {
	attrs := []any{keyFeed, f.Name, keyItems, out.New, "would_have_matched", len(wouldMatch)}
	if len(wouldMatch) > maxBaselineReport {
		wouldMatch = append(wouldMatch[:maxBaselineReport], fmt.Sprintf("and %d more", len(wouldMatch)-maxBaselineReport))
	}
	if len(wouldMatch) > 0 {
		attrs = append(attrs, "matches", wouldMatch)
	}
	msg := "first poll: items recorded without alerts"
	if out.Queued > 0 {
		// Items published within backfill are alerted on a first poll too:
		// saying "without alerts" beside queued=20 contradicted itself.
		msg = "first poll: items recorded; alerts only for those published within backfill"
		attrs = append(attrs, "backfill", p.conf.Load().backfill, keyQueued, out.Queued)
	}
	p.log.Log(ctx, slog.LevelInfo, msg, attrs...)
}

// maxNew is the feed's flood guard.
func maxNew(f attache.Feed) int {
	if f.MaxNewItems > 0 {
		return f.MaxNewItems
	}
	return attache.DefaultMaxNewItems
}
