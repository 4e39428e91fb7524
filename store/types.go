package store

import (
	"errors"
	"fmt"
	"time"

	"github.com/attache-dev/attache"
)

// FeedState is what the store remembers of one feed between polls.
type FeedState struct {
	// Feed is the configured feed's name.
	Feed string
	// Known is false for a feed that has never been saved; all the other
	// fields are then zero.
	Known bool

	// ETag and LastModified are the validators of the last 200 answer, sent
	// back on the next request for a conditional GET.
	ETag         string
	LastModified string

	// LastPoll is when the feed was last fetched, whatever the outcome;
	// LastSuccess when a fetch last succeeded (a 304 counts).
	LastPoll    time.Time
	LastSuccess time.Time
	// ConsecutiveErrors counts failed polls since the last success, for
	// backoff; LastError is the latest failure's text, kept after a success
	// for the status page.
	ConsecutiveErrors int
	LastError         string

	// Baselined says the feed's first poll has been recorded: from then on an
	// unseen item is news, not backlog.
	Baselined bool

	// FailingSince is when the current run of failures began; zero while
	// the feed answers. HealthAlerted says a health alert was queued for
	// that run, so that it is raised once and its recovery once.
	FailingSince  time.Time
	HealthAlerted bool

	// Items is how many of the feed's items are recorded (within retention).
	// It is read only: SaveFeedState ignores it.
	Items int

	// Schedule is what the feed's adaptive schedule learned and spent (its
	// JSON form), nil when it has none. SaveScheduleState writes it;
	// SaveFeedState and Record leave it as it is.
	Schedule []byte
}

// RecordBatch is the outcome of one poll of one feed, to be recorded at once.
type RecordBatch struct {
	// Feed is the feed polled. Items, alerts' items and State may leave their
	// feed name empty; a different one is an error.
	Feed string
	// State is the feed's state after the poll.
	State FeedState
	// Items are the items the poll found unseen; any already recorded are
	// left as they are.
	Items []attache.Item
	// Alerts are the candidate alerts, one per item and destination, naming
	// every rule that matched there.
	Alerts []attache.Alert
	// Sighted are the keys of every item the poll found, new or not: their
	// last sighting becomes Now. Retention prunes by last sighting, so an
	// item still in its source is never pruned, and never alerted again as
	// new.
	Sighted []string
	// Unchanged says the source answered "not modified": the items of its
	// last sighting are all still there, and are sighted again at Now.
	Unchanged bool
	// Revised are recorded items whose text changed (a revision): their
	// title, summary, content and link are replaced.
	Revised []attache.Item
	// Stories are the stories the poll's alerted items opened or joined,
	// as they stand after it: kept in the same transaction, so that a
	// restart goes on with them.
	Stories []StoryRecord
	// Now is the time of the poll: the items' first sight, the alerts'
	// queueing time when they carry none.
	Now time.Time
}

// Normalise fills in the feed names left empty and rejects a batch that mixes
// feeds or has no time. Rows the schema rejects (an empty key or alert id)
// fail inside the transaction and undo it.
func (b *RecordBatch) Normalise() error {
	if b.Feed == "" {
		return errors.New("empty feed name")
	}
	if b.Now.IsZero() {
		return errors.New("no time given")
	}
	if err := sameFeed(&b.State.Feed, b.Feed, "state"); err != nil {
		return err
	}
	b.Items = append([]attache.Item(nil), b.Items...)
	for i := range b.Items {
		if err := sameFeed(&b.Items[i].Feed, b.Feed, "item "+b.Items[i].Key); err != nil {
			return err
		}
	}
	b.Alerts = append([]attache.Alert(nil), b.Alerts...)
	for i := range b.Alerts {
		if err := sameFeed(&b.Alerts[i].Item.Feed, b.Feed, "alert "+b.Alerts[i].ID); err != nil {
			return err
		}
	}
	return nil
}

func sameFeed(name *string, feed, what string) error {
	switch *name {
	case "":
		*name = feed
	case feed:
	default:
		return fmt.Errorf("%s belongs to feed %q", what, *name)
	}
	return nil
}

// PruneResult says how many rows Prune deleted.
type PruneResult struct {
	Items   int64 // seen items, with their text
	Alerts  int64 // delivered and dead alerts
	Alerted int64 // records of a rule having alerted a story to a destination
	// Feedback counts readers' verdicts older than the retention; Mutes,
	// mutes that ended before it.
	Feedback, Mutes int64
	// Stories counts stories whose latest member is older than it.
	Stories int64
}

// QueueStat sums up one destination's alerts.
type QueueStat struct {
	Destination string
	Queued      int
	InFlight    int
	Delivered   int // within retention
	Dead        int // within retention
	Muted       int // within retention
	// OldestQueued is when the oldest alert still queued was queued; zero
	// when none is. Its age is the best single sign of a stuck destination.
	OldestQueued time.Time
}

// Replica is one process sharing a state (PostgreSQL), as it last reported
// itself, and what it holds.
type Replica struct {
	// ID names the process uniquely (a host name and a random part); it is
	// the owner of the leases the process holds.
	ID string
	// ConfigHash identifies the configuration the process runs: replicas
	// whose hashes differ run different feeds, rules or destinations.
	ConfigHash string
	// Version is the binary's version.
	Version string
	// Started is when the process first reported; Heartbeat when it last
	// did, by the server's clock.
	Started, Heartbeat time.Time
	// Alive says the last heartbeat is younger than the time-to-live the
	// process gave with it.
	Alive bool
	// LeasedFeeds counts its live leases on feeds; Destinations are those
	// it holds, sorted.
	LeasedFeeds  int
	Destinations []string
}

// FeedbackCount is a rule's verdicts over a span.
type FeedbackCount struct {
	Useful, NotRelevant int
}

// Precision is the share of useful verdicts, and false when there is none.
func (c FeedbackCount) Precision() (float64, bool) {
	n := c.Useful + c.NotRelevant
	if n == 0 {
		return 0, false
	}
	return float64(c.Useful) / float64(n), true
}

// StoryRecord is a story as the store keeps it: its id, its record (the
// story package's JSON, opaque here) and the publication time of its
// latest member, by which stories are reloaded and pruned.
type StoryRecord struct {
	ID      string
	Record  []byte
	Updated time.Time
}

// AlertedItem is a recorded item that was alerted: its text as last
// recorded, and each destination that received its alert, with the
// alert's rules. A change to its text is a revision.
type AlertedItem struct {
	Item    attache.Item
	Matches map[string][]attache.Match // by destination
}
