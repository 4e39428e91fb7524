package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Replica is one process sharing the state, as it last reported itself.
type Replica struct {
	// ID names the process uniquely (a host name and a random part); it is
	// the Owner of the leases the process holds.
	ID string
	// ConfigHash is a hash of the configuration the process runs: replicas
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
}

// Heartbeat records that replica r is alive, with its configuration hash
// and version, for ttl from now by the server's clock. The first heartbeat
// of an ID sets its start.
func (s *Store) Heartbeat(ctx context.Context, r Replica, ttl time.Duration) error {
	if r.ID == "" || ttl <= 0 {
		return fmt.Errorf("heartbeat of replica %q: want an id and a ttl above 0, have ttl %v", r.ID, ttl)
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO replicas (id, started, heartbeat, expires, config_hash, version)
		VALUES ($1, now(), now(), now() + $2 * interval '1 millisecond', $3, $4)
		ON CONFLICT (id) DO UPDATE SET heartbeat = excluded.heartbeat, expires = excluded.expires,
			config_hash = excluded.config_hash, version = excluded.version`,
		cleanText(r.ID), ttl.Milliseconds(), cleanText(r.ConfigHash), cleanText(r.Version))
	if err != nil {
		return fmt.Errorf("heartbeat of replica %q: %w", r.ID, err)
	}
	return nil
}

// Replicas returns every replica that has reported and not left, by ID,
// alive or not, for the status page and metrics.
func (s *Store) Replicas(ctx context.Context) ([]Replica, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, config_hash, version, started, heartbeat, expires > now()
		FROM replicas ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("replicas: %w", err)
	}
	replicas, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Replica, error) {
		var r Replica
		err := row.Scan(&r.ID, &r.ConfigHash, &r.Version, &r.Started, &r.Heartbeat, &r.Alive)
		r.Started, r.Heartbeat = r.Started.UTC(), r.Heartbeat.UTC()
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("replicas: %w", err)
	}
	return replicas, nil
}

// Leave removes replica id at a clean shutdown and frees every lease it
// holds, so that its feeds and destinations are taken over at once rather
// than when the leases expire. Its alerts in flight stay in flight: the
// next owner of their destination requeues them.
func (s *Store) Leave(ctx context.Context, id string) error {
	var b pgx.Batch
	b.Queue(`UPDATE feed_leases SET owner = NULL, expires = NULL WHERE owner = $1`, cleanText(id))
	b.Queue(`UPDATE destination_leases SET owner = NULL, expires = NULL WHERE owner = $1`, cleanText(id))
	b.Queue(`DELETE FROM replica_feeds WHERE replica = $1`, cleanText(id))
	b.Queue(`DELETE FROM replicas WHERE id = $1`, cleanText(id))
	if err := s.pool.SendBatch(ctx, &b).Close(); err != nil {
		return fmt.Errorf("replica %q: leave: %w", id, err)
	}
	return nil
}
