// Package store is the contract of attaché's only memory between cycles:
// the state of each feed (validators for conditional GET, errors, whether
// the first poll is done), the items already seen with their text (for
// backtests), the record of which story was alerted to which destination
// for which rule, and the queue of alerts waiting for delivery.
//
// It holds the interface a backend implements (Store), the values that
// cross it and the errors callers decide by; store/sqlite is the embedded
// backend, and store/storetest is the suite every backend passes. The
// packages that use a store state the smaller interfaces they need.
//
// Times come back in UTC, truncated to the millisecond; a zero time stays
// zero.
package store

import (
	"context"
	"errors"
	"time"

	"github.com/attache-dev/attache"
)

// Errors that callers decide by; match them with errors.Is.
var (
	// ErrSchemaTooNew means the state was last migrated by a newer
	// attaché than this one: running on would risk misreading or damaging it.
	ErrSchemaTooNew = errors.New("database schema is newer than this binary")
	// ErrInUse means another process owns the state: two writers on one
	// state would each queue again the other's alerts in flight.
	ErrInUse = errors.New("state in use by another process")
	// ErrNotFound means no alert has the given id.
	ErrNotFound = errors.New("not found")
	// ErrStatus means the alert exists but is not in a status from which the
	// requested change is allowed (for example delivered twice).
	ErrStatus = errors.New("alert status does not allow this change")
)

// Store is the contract of a backend: everything the watcher, the
// dispatcher, the status page and the commands keep between cycles. Every
// method is safe for concurrent use. store/storetest checks a backend
// against it.
type Store interface {
	// Feeds.

	// FeedState returns the saved state of one feed. A feed never saved gives
	// a FeedState with only Feed set and Known false, and no error.
	FeedState(ctx context.Context, feed string) (FeedState, error)
	// FeedStates returns the saved state of every feed ever saved, by name.
	// Feeds since removed from the configuration are included.
	FeedStates(ctx context.Context) ([]FeedState, error)
	// SaveFeedState creates or replaces the state of st.Feed. Use it after a
	// poll that recorded nothing (an error, a 304); a poll with items saves its
	// state through Record, in the same transaction.
	SaveFeedState(ctx context.Context, st FeedState) error
	// SaveScheduleState keeps what a feed's adaptive schedule learned, so
	// that a restart goes on from it (FeedState.Schedule), creating the
	// feed's row if it has none yet.
	SaveScheduleState(ctx context.Context, feed string, state []byte) error

	// Items.

	// Unseen returns those of keys that feed has not recorded, in their first
	// order, each once. For a feed never polled that is all of them.
	Unseen(ctx context.Context, feed string, keys []string) ([]string, error)
	// SeenStories returns which of stories some recorded item (of any feed)
	// already tells. A feed that rewrites its GUIDs, or a second feed carrying a
	// story another one had, brings no news: the poller records such items
	// without alerting them.
	SeenStories(ctx context.Context, stories []string) (map[string]bool, error)
	// CountItems returns how many items of feed are recorded.
	CountItems(ctx context.Context, feed string) (int, error)
	// ItemsSince returns every recorded item first seen at or after since, in
	// the order they were first seen, for a backtest of the rules. The date is
	// that of first sight, not of publication: a feed's publication dates can
	// be missing, wrong or years old, while first sight is when attaché would
	// have alerted. Items older than the retention are gone.
	//
	// The whole result is held in memory; at a few thousand items a day that
	// is tens of megabytes for the default 90 days.
	ItemsSince(ctx context.Context, since time.Time) ([]attache.Item, error)

	// The durability point of a poll.

	// Record is the durability point of a poll. In one transaction it records
	// the batch's items as seen, saves the feed's state and queues its alerts;
	// if anything fails, nothing of the batch is written.
	//
	// Each alert is queued with only those of its matches whose rule has not
	// yet alerted the same story (Item.Story) to the same destination, whichever
	// feed carried it then; an alert left with no match is dropped, and so is
	// one whose id is already in the queue. Record returns the alerts it queued,
	// as Due will return them.
	Record(ctx context.Context, b RecordBatch) ([]attache.Alert, error)

	// The alert queue.

	// Due returns up to limit alerts for destination that are queued and due at
	// now: the most severe first, then in turns across feeds (each feed's
	// oldest first), so that no feed's backlog holds up another's alerts.
	Due(ctx context.Context, destination string, now time.Time, limit int) ([]attache.Alert, error)
	// Destinations returns, sorted, the destinations that have queued alerts,
	// due or not.
	Destinations(ctx context.Context) ([]string, error)
	// MarkInFlight moves a queued alert to in_flight and counts an attempt. The
	// dispatcher calls it just before sending, so that a crash during the send
	// is visible at the next start (see RequeueInFlight). It fails with
	// ErrStatus if the alert is not queued.
	MarkInFlight(ctx context.Context, id string, now time.Time) error
	// MarkDelivered records that an in-flight alert was sent. The commit is
	// durable: a delivered alert stays delivered after a power cut.
	MarkDelivered(ctx context.Context, id string, now time.Time) error
	// MarkRetry returns an in-flight alert to the queue after a transient
	// failure, not due before next.
	MarkRetry(ctx context.Context, id string, next time.Time, errText string) error
	// MarkUnknown returns an in-flight alert to the queue after a send whose
	// outcome is unknown (the request went out, no answer came), not due
	// before next. Like MarkRetry, and besides it counts the send in
	// Alert.Unknown and, the first time, sets Alert.UnknownSince to the time
	// MarkInFlight was given for the send. Both stay until the alert is
	// delivered or dead.
	MarkUnknown(ctx context.Context, id string, next time.Time, errText string) error
	// MarkDead gives up on an alert after a permanent failure. The alert is
	// kept, with errText, until pruned. It applies to a queued alert too, for a
	// dispatcher that gives up without sending (a destination removed from the
	// configuration, say).
	MarkDead(ctx context.Context, id string, errText string) error
	// Requeue puts a dead alert back in the queue, due at now, as if queued
	// anew (its attempts and its age start again, so that the retry
	// schedule and max age apply from now): for `attache alerts requeue`
	// after the cause was fixed (the app invited to the channel). It fails
	// with ErrNotFound, or ErrStatus when the alert is not dead.
	Requeue(ctx context.Context, id string, now time.Time) error
	// RequeueInFlight returns to the queue every alert left in flight, and
	// says how many. The dispatcher calls it once as it starts: an
	// alert in flight then was being sent when the process stopped, and may
	// or may not have arrived, so its outcome is unknown: it is counted as
	// MarkUnknown counts it, and the dispatcher looks for it at the
	// destination before sending it again, where it can.
	RequeueInFlight(ctx context.Context) (int, error)
	// MarkMuted records that a queued alert is not sent because a mute
	// silences it (text says which). It is kept, like a dead alert, until
	// pruned, and never sent.
	MarkMuted(ctx context.Context, id string, text string) error

	// Mutes and feedback, from Slack (notify/slack/interact).

	// SetMute records m, replacing the mute of the same kind and name.
	SetMute(ctx context.Context, m attache.Mute) error
	// Unmute ends the mute of kind and name, and reports whether one was
	// active at now.
	Unmute(ctx context.Context, kind attache.MuteKind, name string, now time.Time) (bool, error)
	// ActiveMutes lists the mutes active at now, by kind and name.
	ActiveMutes(ctx context.Context, now time.Time) ([]attache.Mute, error)
	// AddFeedback records verdicts, one per alert, rule and reader: a
	// reader who changes their mind replaces their verdict.
	AddFeedback(ctx context.Context, fb []attache.Feedback) error
	// AlertedItems returns, of the feed's items with these keys, those
	// whose alert was delivered somewhere, with their text as last recorded.
	AlertedItems(ctx context.Context, feed string, keys []string) (map[string]AlertedItem, error)
	// Stories returns the stories whose latest member was published at or
	// after since, to reload the open ones at start.
	Stories(ctx context.Context, since time.Time) ([]StoryRecord, error)
	// RuleFeedback counts each rule's verdicts given at or after since.
	RuleFeedback(ctx context.Context, since time.Time) (map[string]FeedbackCount, error)

	// Reports, for metrics and the status page.

	// Alerts returns the latest limit alerts in any status, newest first, for a
	// status page.
	Alerts(ctx context.Context, limit int) ([]attache.Alert, error)
	// QueueStats returns the state of the queue per destination, sorted by
	// destination, for metrics and the status page.
	QueueStats(ctx context.Context) ([]QueueStat, error)
	// RuleCounts returns, for each rule that has alerted anything still within
	// retention, how many alerts it produced: one per story and destination,
	// whichever feed carried the story, counted for every rule an alert names.
	// Rules that produced nothing are absent: the caller knows the configured
	// rules and shows them as zero.
	RuleCounts(ctx context.Context) (map[string]int, error)

	// Upkeep.

	// Prune deletes, in one transaction, what is older than before: items first
	// seen before it, delivered and dead alerts queued before it, and alerted
	// records made before it. Queued and in-flight alerts are never deleted,
	// however old: they are still owed to their destination.
	//
	// The trade-off: an item whose record is pruned is new again if it is still
	// in its feed (or comes back), and it will be alerted again. Retention must
	// therefore be longer than any item stays in a feed, which is why it
	// defaults to 90 days. Pruning the alerted records at the same age keeps the
	// two consistent: a story is alerted again only when its item is new again.
	Prune(ctx context.Context, before time.Time) (PruneResult, error)
	// Close closes the store; nothing may be called after it.
	Close() error
	// Ping checks that the state can still be read, for readiness probes.
	Ping(ctx context.Context) error
}
