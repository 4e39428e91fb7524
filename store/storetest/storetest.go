// Package storetest is the contract suite of the store: the behaviour
// every backend of package store must have, written against the
// store.Store interface. A backend runs it from its own tests:
//
//	func TestContract(t *testing.T) { storetest.Run(t, openForTest) }
package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/store"
)

// Open makes a new, empty store for one test and closes it when the test
// ends. reopen opens the same state again, as a restarted process would,
// after the test has closed the first handle; what it returns is closed
// when the test ends too.
type Open func(t *testing.T) (s store.Store, reopen func(t *testing.T) store.Store)

// Run runs the whole suite against the backend that open makes, each case
// as a subtest.
func Run(t *testing.T, open Open) {
	for _, c := range []struct {
		name string
		run  func(*testing.T, Open)
	}{
		{"FeedState", testFeedState},
		{"SaveFeedStateRefusesAnEmptyName", testSaveFeedStateRefusesAnEmptyName},
		{"FeedStatesListsEveryFeedByNameWithItsItems", testFeedStatesListsEveryFeedByNameWithItsItems},
		{"ScheduleStateSpansRestartsAndPolls", testScheduleStateSpansRestartsAndPolls},
		{"Mutes", testMutes},
		{"Feedback", testFeedback},
		{"MarkMuted", testMarkMuted},
		{"StoriesAndThreads", testStoriesAndThreads},
		{"RevisedItems", testRevisedItems},
		{"Unseen", testUnseen},
		{"ItemsSinceRoundTripsEveryField", testItemsSinceRoundTripsEveryField},
		{"ItemsSinceGoesByFirstSight", testItemsSinceGoesByFirstSight},
		{"CountItems", testCountItems},
		{"SeenStoriesFindsStoriesOfAnyFeed", testSeenStoriesFindsStoriesOfAnyFeed},
		{"Prune", testPrune},
		{"PruneKeepsWhatIsStillSighted", testPruneKeepsWhatIsStillSighted},
		{"Due", testDue},
		{"DestinationsAndQueueStats", testDestinationsAndQueueStats},
		{"AlertsNewestFirst", testAlertsNewestFirst},
		{"QueueLifecycle", testQueueLifecycle},
		{"DueOrder", testDueOrder},
		{"Requeue", testRequeue},
		{"RecordIsAtomic", testRecordIsAtomic},
		{"RecordRefusesAnotherFeedsRows", testRecordRefusesAnotherFeedsRows},
		{"RecordDedup", testRecordDedup},
		{"RecordQueuesOneAlertPerIDInABatch", testRecordQueuesOneAlertPerIDInABatch},
		{"RecordReturnsTheAlertsAsDueReturnsThem", testRecordReturnsTheAlertsAsDueReturnsThem},
		{"RecordKeepsAnItemAsFirstSeen", testRecordKeepsAnItemAsFirstSeen},
		{"RuleCounts", testRuleCounts},
		{"RequeueInFlightAfterACrash", testRequeueInFlightAfterACrash},
		{"PollerAndDispatcherAtOnce", testPollerAndDispatcherAtOnce},
	} {
		t.Run(c.name, func(t *testing.T) { c.run(t, open) })
	}
}

// t0 is the tests' "now": a time with sub-millisecond digits, which the store
// must drop consistently.
var t0 = time.Date(2025, 3, 1, 12, 0, 0, 123456789, time.UTC)

// item makes an item of feed whose story is its own link.
func item(feed, key string) attache.Item {
	link := "https://example.org/" + feed + "/" + key
	return attache.Item{
		Feed: feed, Key: key, Story: link, Link: link,
		Title: "NATO and " + key, Lang: "en", Published: t0.Add(-time.Hour),
	}
}

// alertFor makes an alert of it to dest with one match per rule.
func alertFor(it attache.Item, dest string, rules ...string) attache.Alert {
	a := attache.Alert{ID: it.Feed + "/" + it.Key + "/" + dest, Destination: dest, Item: it}
	for _, r := range rules {
		a.Matches = append(a.Matches, attache.Match{
			Rule: r, Description: "rule " + r, Severity: attache.SeverityHigh,
			Hits: []attache.Hit{{Field: attache.FieldTitle, Term: "NATO", Text: "NATO", Start: 0, End: 4}},
		})
	}
	return a
}

// batch makes a RecordBatch of feed at now, baselined.
func batch(feed string, now time.Time, items []attache.Item, alerts ...attache.Alert) store.RecordBatch {
	return store.RecordBatch{
		Feed:   feed,
		State:  store.FeedState{Feed: feed, Baselined: true, LastPoll: now, LastSuccess: now},
		Items:  items,
		Alerts: alerts,
		Now:    now,
	}
}

// rowCount counts what the store holds of one kind, through the contract:
// "feeds" (saved states), "items" (recorded items), "alerts" (alerts in any
// status) or "alerted" (rules that alerted something).
func rowCount(t *testing.T, s store.Store, what string) int {
	t.Helper()
	ctx := context.Background()
	var n int
	var err error
	switch what {
	case "feeds":
		var states []store.FeedState
		states, err = s.FeedStates(ctx)
		n = len(states)
	case "items":
		var items []attache.Item
		items, err = s.ItemsSince(ctx, time.Time{})
		n = len(items)
	case "alerts":
		var alerts []attache.Alert
		alerts, err = s.Alerts(ctx, 1<<20)
		n = len(alerts)
	case "alerted":
		var counts map[string]int
		counts, err = s.RuleCounts(ctx)
		n = len(counts)
	default:
		t.Fatalf("rowCount: nothing called %q", what)
	}
	if err != nil {
		t.Fatalf("count %s: %v", what, err)
	}
	return n
}
