package postgres

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/attache-dev/attache"
)

// Dispatch is the alert queue as one replica's dispatcher sees it: only
// the destinations the replica holds a lease on. Destinations renews the
// leases held, releases those with no work left (so that the replicas'
// shares even out), and claims free ones up to the replica's share; Due
// answers only for a destination held; MarkInFlight puts an alert in flight
// only under its destination's live lease. One replica at a time thus sends
// to a destination, in queue order and paced as one dispatcher paces it.
//
// The other methods are the store's. RequeueInFlight does nothing: the
// alerts a replica left in flight are another replica's to requeue, when it
// claims their destination after the lease ended.
type Dispatch struct {
	s     *Store
	owner string
	ttl   time.Duration

	mu    sync.Mutex
	dests []string         // those the replica can send to
	held  map[string]Lease // by destination
	byID  map[string]string
	// quiet holds, for a destination just taken over, when its previous
	// owner's pace allows the next message: the new owner's own pacing
	// starts afresh, with a burst, which must not follow the old owner's.
	quiet map[string]time.Time
}

// PaceGap is how long after another replica's last send to a destination
// a replica that takes it over waits before its first: the time a
// dispatcher's burst (3 messages at 1 a second) takes to refill, so that
// two replicas' bursts never follow each other.
const PaceGap = 3 * time.Second

// Dispatch returns owner's view of the queue, with leases of ttl, for the
// destinations it can send to.
func (s *Store) Dispatch(owner string, destinations []string, ttl time.Duration) *Dispatch {
	d := &Dispatch{s: s, owner: owner, ttl: ttl, held: map[string]Lease{}, byID: map[string]string{}, quiet: map[string]time.Time{}}
	d.SetDestinations(destinations)
	return d
}

// SetDestinations changes the destinations the replica can send to (at a
// reload); leases on others are released at the next Destinations.
func (d *Dispatch) SetDestinations(names []string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.dests = slices.Sorted(slices.Values(names))
}

// Destinations renews and claims leases, and returns the destinations held
// that have alerts queued.
func (d *Dispatch) Destinations(ctx context.Context) ([]string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	withWork, err := d.s.Destinations(ctx)
	if err != nil {
		return nil, err
	}
	if err := d.renew(ctx); err != nil {
		return nil, err
	}
	if err := d.claim(ctx); err != nil {
		return nil, err
	}
	var out []string
	for _, name := range withWork {
		if _, ok := d.held[name]; ok {
			out = append(out, name)
		}
	}
	return out, nil
}

// renew extends the leases held on destinations the replica still sends to,
// releases the others, and forgets those lost. A destination with nothing
// queued is kept: its sends may still be in flight, and releasing it would
// let another replica take those for sends of unknown outcome.
func (d *Dispatch) renew(ctx context.Context) error {
	var keep, release []Lease
	for name, l := range d.held {
		if slices.Contains(d.dests, name) {
			keep = append(keep, l)
		} else {
			release = append(release, l)
		}
	}
	if len(release) > 0 {
		if err := d.s.ReleaseDestinations(ctx, release); err != nil {
			return err
		}
		for _, l := range release {
			delete(d.held, l.Name)
			delete(d.quiet, l.Name)
		}
	}
	if len(keep) == 0 {
		return nil
	}
	renewed, err := d.s.RenewDestinations(ctx, keep, d.ttl)
	if err != nil {
		return err
	}
	clear(d.held)
	for _, l := range renewed {
		d.held[l.Name] = l
	}
	return nil
}

// claim takes free destinations with work (ClaimDestinations looks for
// alerts queued or in flight), up to the replica's share: the configured
// destinations divided among the live replicas, rounded up.
func (d *Dispatch) claim(ctx context.Context) error {
	var free []string
	for _, name := range d.dests {
		if _, ok := d.held[name]; !ok {
			free = append(free, name)
		}
	}
	if len(free) == 0 {
		return nil
	}
	replicas, err := d.s.Replicas(ctx)
	if err != nil {
		return err
	}
	alive := 0
	for _, r := range replicas {
		if r.Alive {
			alive++
		}
	}
	share := (len(d.dests) + max(alive, 1) - 1) / max(alive, 1)
	limit := share - len(d.held)
	if limit <= 0 {
		return nil
	}
	claimed, err := d.s.ClaimDestinations(ctx, d.owner, free, limit, d.ttl)
	if err != nil {
		return err
	}
	for _, l := range claimed {
		d.held[l.Name] = l.Lease
		if !l.LastSend.IsZero() {
			d.quiet[l.Name] = l.LastSend.Add(PaceGap)
		}
	}
	return nil
}

// Held returns the destinations this replica holds, sorted.
func (d *Dispatch) Held() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Sorted(func(yield func(string) bool) {
		for name := range d.held {
			if !yield(name) {
				return
			}
		}
	})
}

// Due returns the due alerts of a destination held, none of another, and
// none while a destination just taken over is within PaceGap of its
// previous owner's last send.
func (d *Dispatch) Due(ctx context.Context, destination string, now time.Time, limit int) ([]attache.Alert, error) {
	d.mu.Lock()
	_, ok := d.held[destination]
	quiet := time.Now().Before(d.quiet[destination])
	d.mu.Unlock()
	if !ok || quiet {
		return nil, nil
	}
	due, err := d.s.Due(ctx, destination, now, limit)
	d.mu.Lock()
	for _, a := range due {
		d.byID[a.ID] = a.Destination
	}
	d.mu.Unlock()
	return due, err
}

// MarkInFlight puts an alert in flight under its destination's lease; it
// fails with ErrLeaseLost when the lease is no longer this replica's.
func (d *Dispatch) MarkInFlight(ctx context.Context, id string, now time.Time) error {
	d.mu.Lock()
	dest, known := d.byID[id]
	lease, held := d.held[dest]
	delete(d.byID, id)
	d.mu.Unlock()
	if !known || !held {
		return fmt.Errorf("alert %q: mark in flight: destination %q: %w", id, dest, ErrLeaseLost)
	}
	return d.s.MarkInFlightLeased(ctx, lease, id, now)
}

// MarkDelivered is the store's.
func (d *Dispatch) MarkDelivered(ctx context.Context, id string, now time.Time) error {
	return d.s.MarkDelivered(ctx, id, now)
}

// MarkRetry is the store's.
func (d *Dispatch) MarkRetry(ctx context.Context, id string, next time.Time, errText string) error {
	return d.s.MarkRetry(ctx, id, next, errText)
}

// MarkUnknown is the store's.
func (d *Dispatch) MarkUnknown(ctx context.Context, id string, next time.Time, errText string) error {
	return d.s.MarkUnknown(ctx, id, next, errText)
}

// MarkDead is the store's.
func (d *Dispatch) MarkDead(ctx context.Context, id string, errText string) error {
	d.mu.Lock()
	delete(d.byID, id) // a queued alert given up without a send
	d.mu.Unlock()
	return d.s.MarkDead(ctx, id, errText)
}

// MarkMuted is the store's.
func (d *Dispatch) MarkMuted(ctx context.Context, id string, text string) error {
	d.mu.Lock()
	delete(d.byID, id)
	d.mu.Unlock()
	return d.s.MarkMuted(ctx, id, text)
}

// RequeueInFlight does nothing: see Dispatch.
func (d *Dispatch) RequeueInFlight(context.Context) (int, error) { return 0, nil }
