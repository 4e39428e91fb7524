package watcher

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/store"
)

// HealthRule is the rule name that feed-health alerts carry.
const HealthRule = "feed-health"

// healthOnFailure updates the feed's failure run and returns the health
// alert to queue when the feed has just become unhealthy: failing for
// longer than its stale_after, or answering with something that is not a
// feed (a bot check, a moved page) or with a list page whose selectors
// match nothing (a new layout), which no retry will cure. It is raised
// once per run of failures, never once per failed poll.
func healthOnFailure(f attache.Feed, st *store.FeedState, class attache.PollClass, msg string, now time.Time, dests []string) []attache.Alert {
	if st.FailingSince.IsZero() {
		st.FailingSince = now
	}
	stale := f.StaleAfter
	if stale <= 0 {
		stale = attache.DefaultStaleAfter
	}
	if st.HealthAlerted || len(dests) == 0 || (!class.Immediate() && now.Sub(st.FailingSince) < stale) {
		return nil
	}
	st.HealthAlerted = true
	title := fmt.Sprintf("Feed %s is failing: %s", f.Name, class)
	summary := fmt.Sprintf("Failing since %s (%d polls in a row). Last error: %s",
		st.FailingSince.UTC().Format("2006-01-02 15:04 UTC"), st.ConsecutiveErrors, msg)
	return healthAlerts(f, st.FailingSince, "down", title, summary, attache.SeverityWarning, now, dests)
}

// healthOnSuccess ends the feed's failure run and returns the recovery
// alert when its failure was alerted.
func healthOnSuccess(f attache.Feed, st *store.FeedState, now time.Time, dests []string) []attache.Alert {
	since, alerted := st.FailingSince, st.HealthAlerted
	st.FailingSince, st.HealthAlerted = time.Time{}, false
	if !alerted || len(dests) == 0 {
		return nil
	}
	title := fmt.Sprintf("Feed %s has recovered", f.Name)
	summary := fmt.Sprintf("It answers again after failing for %s.", now.Sub(since).Round(time.Minute))
	return healthAlerts(f, since, "up", title, summary, attache.SeverityInfo, now, dests)
}

// healthAlerts builds one alert per destination. Its story names the feed,
// the run of failures and the event, so the store's dedup lets each event
// through once.
func healthAlerts(f attache.Feed, since time.Time, event, title, summary string, sev attache.Severity, now time.Time, dests []string) []attache.Alert {
	key := "health:" + event + ":" + strconv.FormatInt(since.UnixMilli(), 10)
	it := attache.Item{
		Feed: f.Name, Key: key, Story: "health:" + f.Name + ":" + key,
		Title: title, Summary: summary, Published: now, Lang: "en",
	}
	if strings.HasPrefix(f.URL, "http://") || strings.HasPrefix(f.URL, "https://") {
		it.Link = f.URL
	}
	m := attache.Match{Rule: HealthRule, Description: "a feed stopped answering with a feed, or answers again", Severity: sev}
	out := make([]attache.Alert, 0, len(dests))
	for _, d := range dests {
		out = append(out, attache.Alert{
			ID: alertID(f.Name, key, d), Destination: d, Item: it, Matches: []attache.Match{m},
			Queued: now, Status: attache.AlertQueued, NextAttempt: now,
		})
	}
	return out
}

// floodAlerts builds the one summary of a poll that brought more new items
// than the feed's flood guard lets through.
func floodAlerts(f attache.Feed, n, limit int, now time.Time, dests []string) []attache.Alert {
	title := fmt.Sprintf("Feed %s brought %d new items at once: recorded without alerts", f.Name, n)
	summary := fmt.Sprintf("More than max_new_items (%d) in one poll: likely a change of identifiers (GUIDs or links) rather than news. "+
		"The items are recorded and will not be alerted; `attache test --since 1h %s` shows what the rules would have matched.", limit, f.Name)
	return healthAlerts(f, now, "flood", title, summary, attache.SeverityWarning, now, dests)
}
