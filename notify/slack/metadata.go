package slack

import (
	"strings"

	"github.com/slack-go/slack"

	"github.com/attache-dev/attache"
)

// metadataEventType marks the messages attaché posts, in their message
// metadata, so that the channel's history tells which alerts arrived.
const metadataEventType = "attache_alert"

// Keys of the metadata's payload: the id of the alert of a message, or the
// ids of a summary's alerts separated by spaces. The ids are one string
// rather than a list: strings, numbers, booleans and objects are the value
// types Slack documents for a payload, and a string is the plainest of
// them. Alert ids are hex digests: they hold no space.
const (
	metadataAlertID  = "alert_id"
	metadataAlertIDs = "alert_ids"
)

// maxMetadataIDs bounds a summary's ids in its metadata, in bytes: 40 alert
// ids (notify.SummaryChunk) of 32 hex digits take about 1.3 KB, far inside
// Slack's limits for a message. An alert left out for want of room cannot
// be found in the channel: after a send with no answer it is sent again.
const maxMetadataIDs = 4000

// alertMetadata is the metadata of a message about alerts: one alert, or
// the alerts of a summary.
func alertMetadata(alerts []attache.Alert) slack.SlackMetadata {
	if len(alerts) == 1 {
		return slack.SlackMetadata{
			EventType:    metadataEventType,
			EventPayload: map[string]any{metadataAlertID: alerts[0].ID},
		}
	}
	var b strings.Builder
	for _, a := range alerts {
		if a.ID == "" || strings.ContainsAny(a.ID, " \t\n") {
			continue
		}
		if b.Len()+1+len(a.ID) > maxMetadataIDs {
			break
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(a.ID)
	}
	return slack.SlackMetadata{
		EventType:    metadataEventType,
		EventPayload: map[string]any{metadataAlertIDs: b.String()},
	}
}

// metadataIDs returns the alert ids that a message's metadata names; none
// for a message that is not attaché's.
func metadataIDs(m slack.SlackMetadata) []string {
	if m.EventType != metadataEventType {
		return nil
	}
	var ids []string
	if id, ok := m.EventPayload[metadataAlertID].(string); ok && id != "" {
		ids = append(ids, id)
	}
	if list, ok := m.EventPayload[metadataAlertIDs].(string); ok {
		ids = append(ids, strings.Fields(list)...)
	}
	return ids
}
