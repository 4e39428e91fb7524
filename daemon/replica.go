package daemon

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"time"

	"github.com/attache-dev/attache/config"
	"github.com/attache-dev/attache/store"
	"github.com/attache-dev/attache/store/postgres"
)

// replica is this process as one of several sharing a PostgreSQL state.
type replica struct {
	id    string
	store *postgres.Store
	ttl   time.Duration
	queue *postgres.Dispatch
}

// newReplica names this process among the replicas: its host name and a
// random part, so that a restarted process is a new replica and never
// mistaken for the one that held the leases before.
func newReplica(st *postgres.Store, ttl time.Duration) (*replica, error) {
	host, _ := os.Hostname()
	if host == "" {
		host = "attache"
	}
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	return &replica{id: host + "-" + hex.EncodeToString(b), store: st, ttl: ttl}, nil
}

// configHash identifies a configuration's text, so that replicas running
// different ones are seen.
func configHash(cfg *config.Config) string {
	b, err := os.ReadFile(cfg.Path)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:6])
}

// heartbeat reports the replica alive now and every ttl/3 until stop.
func (r *replica) heartbeat(ctx context.Context, d *daemon, stop <-chan struct{}) {
	t := time.NewTicker(r.ttl / 3)
	defer t.Stop()
	for {
		rep := postgres.Replica{ID: r.id, ConfigHash: configHash(d.config()), Version: d.opts.Version}
		if err := r.store.Heartbeat(ctx, rep, r.ttl); err != nil && ctx.Err() == nil {
			d.log.Error("replica heartbeat failed", "replica", r.id, "error", err)
		}
		select {
		case <-stop:
			return
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// setFeeds tells the state which feeds this replica polls: those of its
// configuration. A feed new to the state is due at once.
func (r *replica) setFeeds(ctx context.Context, cfg *config.Config) error {
	names := make([]string, len(cfg.Feeds))
	for i, f := range cfg.Feeds {
		names[i] = f.Name
	}
	if err := r.store.SetFeeds(ctx, r.id, names, time.Now()); err != nil {
		return fmt.Errorf("replica %s: %w", r.id, err)
	}
	return nil
}

// leave frees every lease of the replica at a clean stop, once its polls
// and sends are settled, so that the others take its work over at once.
func (r *replica) leave(d *daemon) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := r.store.Leave(ctx, r.id); err != nil {
		d.log.Warn("could not leave the replicas: its leases end on their own", "replica", r.id, "ttl", r.ttl, "error", err)
	}
}

// list reads the replicas sharing the state, with the leases each holds,
// for the status page and metrics.
func (r *replica) list(ctx context.Context) ([]store.Replica, error) {
	rs, err := r.store.Replicas(ctx)
	if err != nil {
		return nil, err
	}
	held, err := r.store.LeasesHeld(ctx)
	if err != nil {
		return nil, err
	}
	for i := range rs {
		rs[i].LeasedFeeds, rs[i].Destinations = held[rs[i].ID].Feeds, held[rs[i].ID].Destinations
	}
	return rs, nil
}
