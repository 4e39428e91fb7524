package attache

import "time"

// AlertStatus is where an alert stands in the delivery queue.
type AlertStatus string

// Alert states. An alert is queued, then in flight while a send is under way,
// then delivered or dead. A send whose outcome is unknown (no answer came,
// or the process stopped during it) queues the alert again with
// Alert.Unknown counted; such an alert is looked for at the destination
// before it is sent again, where the destination allows it.
const (
	AlertQueued    AlertStatus = "queued"
	AlertInFlight  AlertStatus = "in_flight"
	AlertDelivered AlertStatus = "delivered"
	AlertDead      AlertStatus = "dead"
	// AlertMuted: a mute of its rule or source was active when it was due;
	// it is never sent, not even after the mute ends.
	AlertMuted AlertStatus = "muted"
)

// AlertStatuses lists every status, in the order of an alert's life.
var AlertStatuses = []AlertStatus{AlertQueued, AlertInFlight, AlertDelivered, AlertDead, AlertMuted}

// Alert is one message to one destination about one item, naming every rule
// that matched the item and had not yet been alerted there.
type Alert struct {
	// ID is stable: a hash of feed, item key and destination, so the same
	// alert can never be queued twice.
	ID          string
	Destination string
	Item        Item
	Matches     []Match
	Queued      time.Time

	Status      AlertStatus
	Attempts    int
	NextAttempt time.Time
	LastError   string
	Delivered   time.Time

	// Unknown counts the sends whose outcome is unknown: the request went
	// out and no answer said whether it arrived (a timeout after it was
	// written, a process stopped during the send). Each may have arrived.
	// UnknownSince is when the first of them began; zero while Unknown is 0.
	Unknown      int
	UnknownSince time.Time

	// Thread, when set, places the alert under the message of its story's
	// first alert: another source (or language) reports what that one did.
	Thread *Thread
}

// Thread ties a follow-up alert to the message that opened its story.
type Thread struct {
	// Story is the story's id; Parent the id of the story's first alert to
	// the same destination, whose message the follow-up goes under.
	Story, Parent string
	// Why says what the two items share, for the reader ("entities:
	// Lukashenko, Minsk · concepts: nato").
	Why string
	// Revision, for an item whose words changed after it was alerted, says
	// how, word by word ("text: removed “40,000” | added “50,000”").
	Revision string
}

// Severity is the highest severity among the alert's matches.
func (a Alert) Severity() Severity {
	var s Severity
	for _, m := range a.Matches {
		if m.Severity > s {
			s = m.Severity
		}
	}
	return s
}
