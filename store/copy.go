package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/attache-dev/attache"
)

// SeenItem is a recorded item with its sightings, as a copy carries it.
type SeenItem struct {
	Item                attache.Item
	FirstSeen, LastSeen time.Time
}

// Alerted records that a rule alerted a story to a destination, through
// the alert AlertID: what keeps a story from being alerted twice.
type Alerted struct {
	Rule, Destination, Story, AlertID string
	Created                           time.Time
}

// Sink takes the rows of a state, table by table, in batches: feeds first
// (items refer to them), then items, alerted records and alerts.
type Sink interface {
	Feeds(ctx context.Context, feeds []FeedState) error
	Items(ctx context.Context, items []SeenItem) error
	Alerted(ctx context.Context, records []Alerted) error
	Alerts(ctx context.Context, alerts []attache.Alert) error
	Mutes(ctx context.Context, mutes []attache.Mute) error
	Feedback(ctx context.Context, fb []attache.Feedback) error
	Stories(ctx context.Context, stories []StoryRecord) error
}

// Copier is a backend whose whole state can be copied out and in, for
// `attache state copy` between SQLite and PostgreSQL.
type Copier interface {
	// Dump gives every row of the state to sink.
	Dump(ctx context.Context, sink Sink) error
	// Load returns a sink that writes rows as they are (times, statuses,
	// attempts) into this state, which must be empty: a copy never merges
	// into a state in use.
	Load(ctx context.Context) (Sink, error)
}

// CopyCounts says how many rows a copy wrote, by table.
type CopyCounts struct {
	Feeds, Items, Alerted, Alerts, Mutes, Feedback, Stories int
}

// Copy copies the whole state from one backend into another, empty one.
// A copy that fails part-way leaves the target partly written: empty it
// (a new file, a new schema) and copy again.
func Copy(ctx context.Context, from, to Copier) (CopyCounts, error) {
	sink, err := to.Load(ctx)
	if err != nil {
		return CopyCounts{}, err
	}
	c := &countingSink{Sink: sink}
	if err := from.Dump(ctx, c); err != nil {
		return c.n, fmt.Errorf("copy stopped after %d feeds, %d items, %d alerted records and %d alerts: %w",
			c.n.Feeds, c.n.Items, c.n.Alerted, c.n.Alerts, err)
	}
	return c.n, nil
}

type countingSink struct {
	Sink
	n CopyCounts
}

func (c *countingSink) Feeds(ctx context.Context, v []FeedState) error {
	err := c.Sink.Feeds(ctx, v)
	if err == nil {
		c.n.Feeds += len(v)
	}
	return err
}

func (c *countingSink) Items(ctx context.Context, v []SeenItem) error {
	err := c.Sink.Items(ctx, v)
	if err == nil {
		c.n.Items += len(v)
	}
	return err
}

func (c *countingSink) Alerted(ctx context.Context, v []Alerted) error {
	err := c.Sink.Alerted(ctx, v)
	if err == nil {
		c.n.Alerted += len(v)
	}
	return err
}

func (c *countingSink) Mutes(ctx context.Context, v []attache.Mute) error {
	err := c.Sink.Mutes(ctx, v)
	if err == nil {
		c.n.Mutes += len(v)
	}
	return err
}

func (c *countingSink) Feedback(ctx context.Context, v []attache.Feedback) error {
	err := c.Sink.Feedback(ctx, v)
	if err == nil {
		c.n.Feedback += len(v)
	}
	return err
}

func (c *countingSink) Stories(ctx context.Context, v []StoryRecord) error {
	err := c.Sink.Stories(ctx, v)
	if err == nil {
		c.n.Stories += len(v)
	}
	return err
}

func (c *countingSink) Alerts(ctx context.Context, v []attache.Alert) error {
	err := c.Sink.Alerts(ctx, v)
	if err == nil {
		c.n.Alerts += len(v)
	}
	return err
}

// ErrNotEmpty is the error of loading a copy into a state that holds
// anything already.
var ErrNotEmpty = errors.New("the target state is not empty")
