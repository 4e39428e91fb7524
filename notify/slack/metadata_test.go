package slack

import (
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/attache-dev/attache"
)

func TestEveryBotMessageCarriesItsAlertIDs(t *testing.T) {
	s := slackServer(t, nil)
	b, rec := newTestBot(t, s, 5*time.Second)
	metadata := func(t *testing.T) slack.SlackMetadata {
		t.Helper()
		form, err := url.ParseQuery(string(rec.last(t)))
		if err != nil {
			t.Fatal(err)
		}
		var m slack.SlackMetadata
		if err := json.Unmarshal([]byte(form.Get("metadata")), &m); err != nil {
			t.Fatalf("metadata %q: %v", form.Get("metadata"), err)
		}
		return m
	}

	t.Run("a message of one alert names it", func(t *testing.T) {
		if err := b.Send(t.Context(), alert()); err != nil {
			t.Fatal(err)
		}
		m := metadata(t)
		if m.EventType != "attache_alert" || !reflect.DeepEqual(m.EventPayload, map[string]any{"alert_id": "a1"}) {
			t.Errorf("got %+v", m)
		}
	})

	t.Run("a summary names every alert it lists", func(t *testing.T) {
		var alerts []attache.Alert
		var ids []string
		for i := range 40 { // notify.SummaryChunk
			a := alert()
			a.ID = fmt.Sprintf("%032x", i+1) // as long as a real alert id
			alerts = append(alerts, a)
			ids = append(ids, a.ID)
		}
		if err := b.SendSummary(t.Context(), alerts); err != nil {
			t.Fatal(err)
		}
		if got := metadataIDs(metadata(t)); !reflect.DeepEqual(got, ids) {
			t.Errorf("got %q, want %q", got, ids)
		}
	})
}

func TestAlertMetadata(t *testing.T) {
	t.Run("ids that would pass the bound are left out, the others kept whole", func(t *testing.T) {
		var alerts []attache.Alert
		for i := range 200 {
			alerts = append(alerts, attache.Alert{ID: fmt.Sprintf("%064x", i)})
		}
		m := alertMetadata(alerts)
		list := m.EventPayload[metadataAlertIDs].(string)
		ids := metadataIDs(m)
		if len(list) > maxMetadataIDs || len(ids) != (maxMetadataIDs+1)/65 {
			t.Errorf("%d bytes, %d ids; want at most %d bytes, %d whole ids", len(list), len(ids), maxMetadataIDs, (maxMetadataIDs+1)/65)
		}
		for i, id := range ids {
			if id != alerts[i].ID {
				t.Fatalf("id %d is %q, want %q", i, id, alerts[i].ID)
			}
		}
	})
	t.Run("an id with a space, which no alert id has, is left out rather than split", func(t *testing.T) {
		m := alertMetadata([]attache.Alert{{ID: "a b"}, {ID: "c"}})
		if got := metadataIDs(m); !reflect.DeepEqual(got, []string{"c"}) {
			t.Errorf("got %q", got)
		}
	})
	t.Run("another app's metadata names no alert", func(t *testing.T) {
		m := slack.SlackMetadata{EventType: "task_created", EventPayload: map[string]any{"alert_id": "a1"}}
		if got := metadataIDs(m); got != nil {
			t.Errorf("got %q", got)
		}
	})
	t.Run("a payload of other types names no alert", func(t *testing.T) {
		m := slack.SlackMetadata{EventType: metadataEventType, EventPayload: map[string]any{"alert_id": 7, "alert_ids": []any{"x"}}}
		if got := metadataIDs(m); got != nil {
			t.Errorf("got %q", got)
		}
	})
	t.Run("Slack's times are seconds and microseconds", func(t *testing.T) {
		ts := time.Date(2026, 11, 28, 9, 14, 0, 123456789, time.UTC)
		if got, want := slackTS(ts), fmt.Sprintf("%d.123456", ts.Unix()); got != want {
			t.Errorf("got %s, want %s", got, want)
		}
		if got := slackTS(time.Time{}); got != "0" {
			t.Errorf("zero time: got %s, want 0", got)
		}
	})
}
