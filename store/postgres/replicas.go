package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/attache-dev/attache/store"
)

// Replica is one process sharing the state, as it last reported itself.
// Replicas leaves its leases empty; LeasesHeld gives them.
type Replica = store.Replica

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

// Held is what one replica holds now: its live leases on feeds (a count)
// and on destinations (by name).
type Held struct {
	Feeds        int
	Destinations []string
}

// LeasesHeld returns, by owner, the live leases of every replica, by the
// server's clock, for the status page and metrics.
func (s *Store) LeasesHeld(ctx context.Context) (map[string]Held, error) {
	out := map[string]Held{}
	rows, err := s.pool.Query(ctx, `SELECT owner, COUNT(*) FROM feed_leases
		WHERE owner IS NOT NULL AND expires > now() GROUP BY owner`)
	if err != nil {
		return nil, fmt.Errorf("leases held: %w", err)
	}
	counts, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (struct {
		owner string
		n     int
	}, error) {
		var r struct {
			owner string
			n     int
		}
		err := row.Scan(&r.owner, &r.n)
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("leases held: %w", err)
	}
	for _, c := range counts {
		h := out[c.owner]
		h.Feeds = c.n
		out[c.owner] = h
	}
	rows, err = s.pool.Query(ctx, `SELECT owner, destination FROM destination_leases
		WHERE owner IS NOT NULL AND expires > now() ORDER BY owner, destination`)
	if err != nil {
		return nil, fmt.Errorf("leases held: %w", err)
	}
	pairs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) ([2]string, error) {
		var p [2]string
		err := row.Scan(&p[0], &p[1])
		return p, err
	})
	if err != nil {
		return nil, fmt.Errorf("leases held: %w", err)
	}
	for _, p := range pairs {
		h := out[p[0]]
		h.Destinations = append(h.Destinations, p[1])
		out[p[0]] = h
	}
	return out, nil
}
