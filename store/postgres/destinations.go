package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/store"
)

// Destination leases give each destination to one replica at a time: its
// dispatcher sends the destination's alerts in queue order and paces the
// channel alone, so the limit holds across replicas (one message a second
// to a Slack channel in total, not per replica) with no shared token bucket
// to consult before each message. The lease row keeps the time of the last
// send, so the next owner goes on pacing from there instead of bursting.

// DestinationLease is a Lease on a destination, with what the new owner
// needs to carry on.
type DestinationLease struct {
	Lease
	// LastSend is when the last alert to the destination went in flight,
	// under any owner; zero if none did.
	LastSend time.Time
	// Requeued counts the alerts that a previous owner left in flight and
	// the claim returned to the queue, each with its unknown outcome counted
	// (Alert.Unknown): they may have arrived.
	Requeued int
}

// ClaimDestinations leases to owner, for ttl, up to limit of destinations
// (those the caller can send to) that have alerts queued or in flight and
// no live owner. Alerts a previous owner left in flight are queued again in
// the same transaction: that owner's lease expired or was released, so it
// no longer sends, and its sends in flight have an unknown outcome.
func (s *Store) ClaimDestinations(ctx context.Context, owner string, destinations []string, limit int, ttl time.Duration) ([]DestinationLease, error) {
	if owner == "" || limit <= 0 || ttl <= 0 {
		return nil, fmt.Errorf("claim destinations: owner %q, limit %d, ttl %v: want an owner and both above 0", owner, limit, ttl)
	}
	var b pgx.Batch
	dests := cleanTexts(destinations)
	// A destination gets its lease row when it first has work.
	b.Queue(`INSERT INTO destination_leases (destination)
		SELECT DISTINCT destination FROM alerts
		WHERE destination = ANY($1) AND status IN ('queued', 'in_flight')
		ON CONFLICT (destination) DO NOTHING`, dests)
	b.Queue(`WITH free AS (
			SELECT l.destination FROM destination_leases l
			WHERE l.destination = ANY($1) AND (l.owner IS NULL OR l.expires <= now())
			AND EXISTS (SELECT 1 FROM alerts a WHERE a.destination = l.destination
				AND a.status IN ('queued', 'in_flight'))
			ORDER BY l.destination
			LIMIT $2
			FOR UPDATE OF l SKIP LOCKED
		), claimed AS (
			UPDATE destination_leases l
			SET owner = $3, expires = now() + $4 * interval '1 millisecond', epoch = l.epoch + 1
			FROM free WHERE l.destination = free.destination
			RETURNING l.destination, l.owner, l.epoch, l.expires, l.last_send
		), requeued AS (
			UPDATE alerts a SET status = 'queued', unknown = a.unknown + 1,
				unknown_since = COALESCE(a.unknown_since, a.last_attempt)
			FROM claimed WHERE a.destination = claimed.destination AND a.status = 'in_flight'
			RETURNING a.destination
		)
		SELECT c.destination, c.owner, c.epoch, c.expires, c.last_send,
			(SELECT COUNT(*) FROM requeued r WHERE r.destination = c.destination)
		FROM claimed c ORDER BY c.destination`,
		dests, limit, cleanText(owner), ttl.Milliseconds())
	br := s.pool.SendBatch(ctx, &b)
	defer br.Close()
	if _, err := br.Exec(); err != nil {
		return nil, fmt.Errorf("claim destinations for %q: %w", owner, err)
	}
	rows, err := br.Query()
	if err != nil {
		return nil, fmt.Errorf("claim destinations for %q: %w", owner, err)
	}
	leases, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (DestinationLease, error) {
		var (
			l        DestinationLease
			lastSend *time.Time
		)
		err := row.Scan(&l.Name, &l.Owner, &l.Epoch, &l.Expires, &lastSend, &l.Requeued)
		l.Expires = l.Expires.UTC()
		l.LastSend = fromTS(lastSend)
		return l, err
	})
	if err != nil {
		return nil, fmt.Errorf("claim destinations for %q: %w", owner, err)
	}
	if err := br.Close(); err != nil {
		return nil, fmt.Errorf("claim destinations for %q: %w", owner, err)
	}
	return leases, nil
}

// RenewDestinations extends the destination leases still held, as
// RenewFeeds does for feeds.
func (s *Store) RenewDestinations(ctx context.Context, leases []Lease, ttl time.Duration) ([]Lease, error) {
	return s.renew(ctx, "destination_leases", "destination", leases, ttl)
}

// ReleaseDestinations frees destination leases (at shutdown, once the sends
// in flight are settled).
func (s *Store) ReleaseDestinations(ctx context.Context, leases []Lease) error {
	return s.release(ctx, "destination_leases", "destination", leases)
}

// MarkInFlightLeased is MarkInFlight under the lease of the alert's
// destination: the alert goes in flight only while lease is held and not
// expired by the server's clock, so a replica that stalled past its lease
// sends nothing more when it wakes. It records the send's time for pacing
// and the lease's epoch on the alert. It fails with ErrLeaseLost, or with
// store.ErrNotFound or store.ErrStatus as MarkInFlight does.
func (s *Store) MarkInFlightLeased(ctx context.Context, lease Lease, id string, now time.Time) error {
	key := cleanText(id)
	var moved bool
	err := s.pool.QueryRow(ctx, `WITH lease AS (
			UPDATE destination_leases SET last_send = $4
			WHERE destination = $2 AND owner = $3 AND epoch = $5 AND expires > now()
			AND EXISTS (SELECT 1 FROM alerts WHERE id = $1 AND destination = $2 AND status = 'queued')
			RETURNING destination
		), moved AS (
			UPDATE alerts a SET status = 'in_flight', attempts = attempts + 1, last_attempt = $4, claim_epoch = $5
			FROM lease WHERE a.id = $1 AND a.destination = lease.destination AND a.status = 'queued'
			RETURNING a.id
		)
		SELECT EXISTS (SELECT 1 FROM moved)`,
		key, cleanText(lease.Name), cleanText(lease.Owner), truncMS(now), lease.Epoch).Scan(&moved)
	if err != nil {
		return fmt.Errorf("alert %q: mark in flight: %w", id, err)
	}
	if moved {
		return nil
	}
	// Tell why, for the caller to decide: the lease, or the alert.
	var held bool
	err = s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM destination_leases
		WHERE destination = $1 AND owner = $2 AND epoch = $3 AND expires > now())`,
		cleanText(lease.Name), cleanText(lease.Owner), lease.Epoch).Scan(&held)
	if err != nil {
		return fmt.Errorf("alert %q: mark in flight: %w", id, err)
	}
	if !held {
		return fmt.Errorf("alert %q: mark in flight: destination %q epoch %d: %w", id, lease.Name, lease.Epoch, ErrLeaseLost)
	}
	var dest, status string
	err = s.pool.QueryRow(ctx, `SELECT destination, status FROM alerts WHERE id = $1`, key).Scan(&dest, &status)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("alert %q: mark in flight: %w", id, store.ErrNotFound)
	case err != nil:
		return fmt.Errorf("alert %q: mark in flight: %w", id, err)
	case dest != cleanText(lease.Name):
		return fmt.Errorf("alert %q: mark in flight: it is for destination %q, the lease for %q", id, dest, lease.Name)
	}
	return fmt.Errorf("alert %q: mark in flight: it is %s, not %s: %w", id, status, attache.AlertQueued, store.ErrStatus)
}
