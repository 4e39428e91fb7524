package slack_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/notify/slack"
)

// TestAFollowUpGoesIntoItsStorysThread: the story's first alert is a
// message of its own; a later report goes into its thread as one line,
// found from memory, and after a restart from the channel's history; a
// follow-up whose first message cannot be found is an alert of its own.
func TestAFollowUpGoesIntoItsStorysThread(t *testing.T) {
	fake := &slowSlack{}
	url := fake.start(t)
	bot := newBot(t, url, nil)
	alert := func() attache.Alert {
		return attache.Alert{Item: attache.Item{Feed: "belta-en", Lang: "en", Title: "Ryzhenkov: Minsk concerned about NATO activity", Link: "https://example.org/1"},
			Matches: []attache.Match{{Rule: "nato", Severity: attache.SeverityHigh}}}
	}
	first := alert()
	first.ID = "first-alert"
	if err := bot.Send(t.Context(), first); err != nil {
		t.Fatal(err)
	}
	follow := alert()
	follow.ID, follow.Item.Feed, follow.Item.Lang = "follow-1", "belta-ru", "ru"
	follow.Item.Title = "Рыженков: Минск обеспокоен активностью НАТО"
	follow.Thread = &attache.Thread{Story: "s1", Parent: "first-alert", Why: "score 2.1: entities Ryzhenkov, Minsk"}
	if err := bot.Send(t.Context(), follow); err != nil {
		t.Fatal(err)
	}
	restarted := newBot(t, url, nil)
	again := follow
	again.ID, again.Item.Feed = "follow-2", "tass-ru"
	if err := restarted.Send(t.Context(), again); err != nil {
		t.Fatal(err)
	}
	orphan := follow
	orphan.ID = "orphan"
	orphan.Thread = &attache.Thread{Story: "s9", Parent: "never-posted"}
	if err := restarted.Send(t.Context(), orphan); err != nil {
		t.Fatal(err)
	}

	fake.mu.Lock()
	defer fake.mu.Unlock()
	h := fake.history
	if len(h) != 4 {
		t.Fatalf("%d messages, want 4", len(h))
	}
	parent := h[0].TS
	if h[0].ThreadTS != "" {
		t.Errorf("the first alert went into a thread %s", h[0].ThreadTS)
	}
	for i, name := range []string{"the follow-up", "the follow-up after a restart"} {
		m := h[i+1]
		if m.ThreadTS != parent || !strings.HasPrefix(m.Text, "Also reported:") {
			t.Errorf("%s: thread %q, text %q; want in the thread of %s, as a report", name, m.ThreadTS, m.Text, parent)
		}
	}
	if h[3].ThreadTS != "" || strings.HasPrefix(h[3].Text, "Also reported:") {
		t.Errorf("the orphan follow-up: thread %q, text %q; want an alert of its own", h[3].ThreadTS, h[3].Text)
	}
	// The first message names who else reported it, also after a restart
	// (rebuilt from the channel's history).
	if len(fake.updates) != 2 || !strings.HasPrefix(fake.updates[0], parent+" ") || !strings.Contains(fake.updates[0], "Also reported by belta-ru") ||
		!strings.HasPrefix(fake.updates[1], parent+" ") || !strings.Contains(fake.updates[1], "Also reported by belta-ru, tass-ru") {
		t.Errorf("updates %q: want the first message updated with each other source", fake.updates)
	}
}

// TestAStorysThreadIsCapped: beyond story_replies, later reports only add
// their source to the first message's line.
func TestAStorysThreadIsCapped(t *testing.T) {
	fake := &slowSlack{}
	bot, err := slack.NewBot(slack.BotOptions{Token: "xoxb-test", Channel: channelID, APIURL: fake.start(t), StoryReplies: 2})
	if err != nil {
		t.Fatal(err)
	}
	first := attache.Alert{ID: "first", Item: attache.Item{Feed: "mfa-by", Title: "Statement"}, Matches: []attache.Match{{Rule: "nato", Severity: attache.SeverityHigh}}}
	if err := bot.Send(t.Context(), first); err != nil {
		t.Fatal(err)
	}
	for i, src := range []string{"belta-ru", "belta-en", "tass-ru", "ria-ru"} {
		a := first
		a.ID, a.Item.Feed = fmt.Sprint("r", i), src
		a.Thread = &attache.Thread{Story: "s", Parent: "first"}
		if err := bot.Send(t.Context(), a); err != nil {
			t.Fatal(err)
		}
	}
	fake.mu.Lock()
	defer fake.mu.Unlock()
	if len(fake.history) != 3 {
		t.Errorf("%d messages, want the alert and 2 replies", len(fake.history))
	}
	last := fake.updates[len(fake.updates)-1]
	if len(fake.updates) != 4 || !strings.Contains(last, "belta-ru, belta-en, tass-ru, ria-ru") {
		t.Errorf("%d updates, last %q: want every source named", len(fake.updates), last)
	}
}
