package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/store"
)

// Feed leases let several replicas share the feeds of one state without
// polling a feed twice in one period. A feed is due when its lease row's
// next_due has passed; a replica claims due feeds it knows, polls them, and
// commits each poll with the lease it holds, which frees the feed and sets
// when it is next due. A replica that dies or stalls loses its leases when
// they expire, and another takes the feeds over; the claim increments the
// feed's epoch, so the commit of the stalled replica, should it wake, is
// refused with ErrLeaseLost and writes nothing. All times of leases are the
// server's clock, so the replicas' clocks need not agree.

// ErrLeaseLost means a write was made under a lease that is no longer held:
// it expired and another replica claimed the feed (or destination), or it
// was released. Nothing was written; the work done under the lease is
// another replica's now.
var ErrLeaseLost = errors.New("lease lost")

// Lease is the right, until Expires, to poll one feed (or send to one
// destination) on behalf of Owner. Epoch fences the writes made under it.
type Lease struct {
	// Name is the feed's or the destination's name.
	Name    string
	Owner   string
	Epoch   int64
	Expires time.Time
}

// SetFeeds records that replica polls feeds (those of its configuration)
// and no others, and makes each feed new to the leases due at due; feeds
// already known keep their schedule. A replica calls it at start and at
// each reload, before it claims.
func (s *Store) SetFeeds(ctx context.Context, replica string, feeds []string, due time.Time) error {
	if replica == "" {
		return errors.New("set feeds: empty replica id")
	}
	names := cleanTexts(feeds)
	var b pgx.Batch
	b.Queue(`INSERT INTO feed_leases (feed, next_due)
		SELECT f, $2 FROM unnest($1::text[]) AS f ORDER BY f ON CONFLICT (feed) DO NOTHING`,
		names, truncMS(due))
	b.Queue(`DELETE FROM replica_feeds WHERE replica = $1 AND NOT feed = ANY($2)`, cleanText(replica), names)
	b.Queue(`INSERT INTO replica_feeds (replica, feed)
		SELECT $1, f FROM unnest($2::text[]) AS f ORDER BY f ON CONFLICT DO NOTHING`, cleanText(replica), names)
	if err := s.pool.SendBatch(ctx, &b).Close(); err != nil {
		return fmt.Errorf("replica %q: set %d feeds: %w", replica, len(feeds), err)
	}
	// Fresh statistics now, not when autovacuum comes by: with none, the
	// planner takes a replica's thousands of feeds for a few and drives
	// ClaimFeeds from them instead of from the due index, at 30 ms a claim
	// for 10,000 feeds instead of 1. A role that does not own the tables
	// gets a warning, not an error.
	if _, err := s.pool.Exec(ctx, `ANALYZE feed_leases, replica_feeds`); err != nil {
		return fmt.Errorf("replica %q: set %d feeds: analyze: %w", replica, len(feeds), err)
	}
	return nil
}

// ClaimFeeds leases to owner, for ttl, up to limit of the feeds that owner
// polls (SetFeeds) and that are due and not leased, or whose lease expired;
// the longest due first. Feeds locked by another replica's claim or commit
// at that moment are skipped, not waited for. The due index drives the
// search, so a claim costs what the due feeds cost, not what all feeds do.
func (s *Store) ClaimFeeds(ctx context.Context, owner string, limit int, ttl time.Duration) ([]Lease, error) {
	if owner == "" || limit <= 0 || ttl <= 0 {
		return nil, fmt.Errorf("claim feeds: owner %q, limit %d, ttl %v: want an owner and both above 0", owner, limit, ttl)
	}
	// The limit is written into the statement, not bound: with a bound
	// limit the server's generic plan, used from the sixth run of a
	// prepared statement on, cannot know it is small, and sorts every due
	// feed instead of reading the first few from the due index.
	rows, err := s.pool.Query(ctx, fmt.Sprintf(`WITH due AS (
			SELECT l.feed FROM feed_leases l
			WHERE l.next_due <= now() AND (l.owner IS NULL OR l.expires <= now())
			AND EXISTS (SELECT 1 FROM replica_feeds r WHERE r.replica = $1 AND r.feed = l.feed)
			ORDER BY l.next_due, l.feed
			LIMIT %d
			FOR UPDATE OF l SKIP LOCKED
		)
		UPDATE feed_leases l
		SET owner = $1, expires = now() + $2 * interval '1 millisecond', epoch = l.epoch + 1
		FROM due WHERE l.feed = due.feed
		RETURNING l.feed, l.owner, l.epoch, l.expires`, limit),
		cleanText(owner), ttl.Milliseconds())
	if err != nil {
		return nil, fmt.Errorf("claim feeds for %q: %w", owner, err)
	}
	leases, err := pgx.CollectRows(rows, scanLease)
	if err != nil {
		return nil, fmt.Errorf("claim feeds for %q: %w", owner, err)
	}
	return leases, nil
}

// RenewFeeds extends, to ttl from now, those of leases that their owner
// still holds, and returns them renewed. A lease missing from the answer is
// lost: the poll under it must stop, since its commit will be refused.
func (s *Store) RenewFeeds(ctx context.Context, leases []Lease, ttl time.Duration) ([]Lease, error) {
	return s.renew(ctx, "feed_leases", "feed", leases, ttl)
}

// ReleaseFeeds gives up leases without a commit (at shutdown, say): the
// feeds are free at once and keep their next_due, so another replica polls
// them as soon as they are due.
func (s *Store) ReleaseFeeds(ctx context.Context, leases []Lease) error {
	return s.release(ctx, "feed_leases", "feed", leases)
}

// RecordLeased is Record under a feed lease: in the same transaction it
// checks that the lease is still held, frees the feed and sets when it is
// next due (next; zero keeps the current due time). It fails with
// ErrLeaseLost, writing nothing, when the lease has moved on.
func (s *Store) RecordLeased(ctx context.Context, lease Lease, b store.RecordBatch, next time.Time) ([]attache.Alert, error) {
	if lease.Name != b.Feed {
		return nil, fmt.Errorf("record feed %q: lease is for feed %q", b.Feed, lease.Name)
	}
	if err := normalise(&b); err != nil {
		return nil, fmt.Errorf("record feed %q: %w", b.Feed, err)
	}
	fence := &fenceArgs{feed: b.Feed, owner: cleanText(lease.Owner), epoch: lease.Epoch, next: ts(next)}
	var (
		queued []attache.Alert
		err    error
	)
	for try := 1; ; try++ {
		queued, err = s.record(ctx, b, fence)
		if err == nil || try == recordTries || !isDeadlock(err) {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("record feed %q: %w", b.Feed, leaseError(err))
	}
	return queued, nil
}

// SaveFeedStateLeased is SaveFeedState under a feed lease, for a poll that
// recorded nothing: it fences, frees and reschedules as RecordLeased does.
func (s *Store) SaveFeedStateLeased(ctx context.Context, lease Lease, st store.FeedState, next time.Time) error {
	_, err := s.RecordLeased(ctx, lease, store.RecordBatch{Feed: st.Feed, State: st, Now: time.Now()}, next)
	return err
}

// fenceArgs is the lease a Record is made under.
type fenceArgs struct {
	feed, owner string
	epoch       int64
	next        any
}

// leaseError gives ErrLeaseLost for the fence's refusal, err otherwise.
func leaseError(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "AT409" {
		return fmt.Errorf("%s: %w", pgErr.Message, ErrLeaseLost)
	}
	return err
}

func scanLease(row pgx.CollectableRow) (Lease, error) {
	var l Lease
	err := row.Scan(&l.Name, &l.Owner, &l.Epoch, &l.Expires)
	l.Expires = l.Expires.UTC()
	return l, err
}

// leaseArrays splits leases into the arrays the statements take.
func leaseArrays(leases []Lease) (names, owners []string, epochs []int64) {
	for _, l := range leases {
		names = append(names, cleanText(l.Name))
		owners = append(owners, cleanText(l.Owner))
		epochs = append(epochs, l.Epoch)
	}
	return names, owners, epochs
}

// renew extends the leases still held in table, whose key column is key.
func (s *Store) renew(ctx context.Context, table, key string, leases []Lease, ttl time.Duration) ([]Lease, error) {
	if len(leases) == 0 {
		return nil, nil
	}
	if ttl <= 0 {
		return nil, fmt.Errorf("renew leases: ttl %v, want more than 0", ttl)
	}
	names, owners, epochs := leaseArrays(leases)
	rows, err := s.pool.Query(ctx, `UPDATE `+table+` l
		SET expires = now() + $4 * interval '1 millisecond'
		FROM unnest($1::text[], $2::text[], $3::bigint[]) AS h (name, owner, epoch)
		WHERE l.`+key+` = h.name AND l.owner = h.owner AND l.epoch = h.epoch
		RETURNING l.`+key+`, l.owner, l.epoch, l.expires`,
		names, owners, epochs, ttl.Milliseconds())
	if err != nil {
		return nil, fmt.Errorf("renew %d leases: %w", len(leases), err)
	}
	renewed, err := pgx.CollectRows(rows, scanLease)
	if err != nil {
		return nil, fmt.Errorf("renew %d leases: %w", len(leases), err)
	}
	return renewed, nil
}

// release frees the leases still held in table.
func (s *Store) release(ctx context.Context, table, key string, leases []Lease) error {
	if len(leases) == 0 {
		return nil
	}
	names, owners, epochs := leaseArrays(leases)
	_, err := s.pool.Exec(ctx, `UPDATE `+table+` l SET owner = NULL, expires = NULL
		FROM unnest($1::text[], $2::text[], $3::bigint[]) AS h (name, owner, epoch)
		WHERE l.`+key+` = h.name AND l.owner = h.owner AND l.epoch = h.epoch`,
		names, owners, epochs)
	if err != nil {
		return fmt.Errorf("release %d leases: %w", len(leases), err)
	}
	return nil
}
