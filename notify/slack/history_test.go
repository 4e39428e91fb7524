package slack_test

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/notify"
	"github.com/attache-dev/attache/notify/slack"
)

// ours is the metadata of a message of attaché's about one alert.
func ours(id string) string {
	return fmt.Sprintf(`{"event_type":"attache_alert","event_payload":{"alert_id":%q}}`, id)
}

func TestSentReadsTheChannelsHistory(t *testing.T) {
	since := time.Now().Add(-time.Hour)

	t.Run("it finds a message by its metadata, reading from a margin before since, with metadata", func(t *testing.T) {
		fake := &slowSlack{}
		fake.seed(since.Add(-time.Minute), ours("a1")) // within the margin for clocks
		fake.seed(since.Add(time.Minute), ours("a2"))
		fake.seed(since.Add(2*time.Minute), `{"event_type":"something_else","event_payload":{"alert_id":"a3"}}`)
		fake.seed(since.Add(3*time.Minute), "")
		bot := newBot(t, fake.start(t), nil)
		found, err := bot.Sent(t.Context(), []string{"a1", "a2", "a3", "a4"}, since)
		if err != nil {
			t.Fatal(err)
		}
		if want := map[string]bool{"a1": true, "a2": true}; fmt.Sprint(found) != fmt.Sprint(want) {
			t.Errorf("found %v, want %v", found, want)
		}
		oldest, _ := strconv.ParseFloat(fake.oldest[0], 64)
		if want := float64(since.Add(-5*time.Minute).UnixMicro()) / 1e6; oldest < want-0.001 || oldest > want+0.001 {
			t.Errorf("read from %s, want five minutes before since (%.6f)", fake.oldest[0], want)
		}
	})

	t.Run("it finds a summary's alerts", func(t *testing.T) {
		fake := &slowSlack{}
		fake.seed(since, `{"event_type":"attache_alert","event_payload":{"alert_ids":"s1 s2 s3"}}`)
		bot := newBot(t, fake.start(t), nil)
		found, err := bot.Sent(t.Context(), []string{"s1", "s3", "x"}, since)
		if err != nil || !found["s1"] || !found["s3"] || found["x"] {
			t.Errorf("found %v, %v; want s1 and s3", found, err)
		}
	})

	t.Run("it reads page after page, and stops once everything is found", func(t *testing.T) {
		fake := &slowSlack{}
		fake.seed(since, ours("first"))
		for i := range 450 {
			fake.seed(since.Add(time.Duration(i+1)*time.Millisecond), "")
		}
		bot := newBot(t, fake.start(t), nil)
		found, err := bot.Sent(t.Context(), []string{"first"}, since)
		if err != nil || !found["first"] || fake.looks != 3 {
			t.Errorf("found %v, %v after %d pages; want found after 3 pages of 200", found, err, fake.looks)
		}
	})

	t.Run("it reads a busy channel only so far, and says it could not look further", func(t *testing.T) {
		fake := &slowSlack{}
		fake.seed(since, ours("lost"))
		for i := range 2100 {
			fake.seed(since.Add(time.Duration(i+1)*time.Millisecond), ours(fmt.Sprint("other", i)))
		}
		bot := newBot(t, fake.start(t), nil)
		found, err := bot.Sent(t.Context(), []string{"lost", "other2099"}, since)
		if !errors.Is(err, notify.ErrCannotCheck) || !strings.Contains(err.Error(), "looked no further") {
			t.Errorf("error %v, want that the channel cannot be checked so far back", err)
		}
		if !found["other2099"] || found["lost"] || fake.looks != 10 {
			t.Errorf("found %v in %d pages; want the recent one found in 10 pages", found, fake.looks)
		}
	})

	t.Run("without the scope it cannot check, and says which scope", func(t *testing.T) {
		fake := &slowSlack{historyError: "missing_scope"}
		bot := newBot(t, fake.start(t), nil)
		_, err := bot.Sent(t.Context(), []string{"a1"}, since)
		if !errors.Is(err, notify.ErrCannotCheck) || !strings.Contains(err.Error(), "channels:history") ||
			!strings.Contains(err.Error(), "groups:history for a private channel") {
			t.Errorf("got %v, want ErrCannotCheck naming the scopes", err)
		}
	})

	t.Run("with a token that is not a bot's it cannot check", func(t *testing.T) {
		fake := &slowSlack{historyError: "not_allowed_token_type"}
		bot := newBot(t, fake.start(t), nil)
		if _, err := bot.Sent(t.Context(), []string{"a1"}, since); !errors.Is(err, notify.ErrCannotCheck) {
			t.Errorf("got %v, want ErrCannotCheck", err)
		}
	})

	t.Run("a failure of Slack's may pass: it is not a reason to give up", func(t *testing.T) {
		fake := &slowSlack{historyStatus: 503}
		bot := newBot(t, fake.start(t), nil)
		_, err := bot.Sent(t.Context(), []string{"a1"}, since)
		se, ok := errors.AsType[*notify.SendError](err)
		if errors.Is(err, notify.ErrCannotCheck) || !ok || !se.Retry || se.Code != "http_503" {
			t.Errorf("got %v, want a transient http_503", err)
		}
	})

	t.Run("a channel configured by name is read once a post has given its id", func(t *testing.T) {
		fake := &slowSlack{}
		url := fake.start(t)
		bot, err := slack.NewBot(slack.BotOptions{Token: "xoxb-test", Channel: "#alerts", APIURL: url})
		if err != nil {
			t.Fatal(err)
		}
		_, err = bot.Sent(t.Context(), []string{"a1"}, since)
		if !errors.Is(err, notify.ErrCannotCheck) || !strings.Contains(err.Error(), "configure the channel by its id") || fake.looks != 0 {
			t.Errorf("before any post: %v after %d reads; want ErrCannotCheck, without reading", err, fake.looks)
		}
		a := attache.Alert{ID: "a1", Item: attache.Item{Title: "NATO", Link: "https://example.org/1"}}
		if err := bot.Send(t.Context(), a); err != nil {
			t.Fatal(err)
		}
		found, err := bot.Sent(t.Context(), []string{"a1"}, since)
		if err != nil || !found["a1"] {
			t.Errorf("after a post: found %v, %v; want a1", found, err)
		}
	})
}
