package web

import (
	"strings"
	"time"

	"github.com/attache-dev/attache/store"
)

// replicaRow is one process sharing the state, as the page shows it.
type replicaRow struct {
	ID           string
	This         bool // the process serving the page
	Version      string
	Config       string
	ConfigDiffer bool
	Alive        bool
	Started      stamp
	Heartbeat    stamp
	Feeds        int
	Destinations string
}

// replicaRows formats the replicas, flagging those alive whose
// configuration differs from this process's: they poll other feeds or send
// other rules, which an operator will want to know after a partial rollout.
func (s *server) replicaRows(rs []store.Replica, now time.Time) []replicaRow {
	own, hash := "", ""
	if s.ownReplica != nil {
		own = s.ownReplica()
	}
	if s.ownConfigHash != nil {
		hash = s.ownConfigHash()
	}
	rows := make([]replicaRow, 0, len(rs))
	for _, r := range rs {
		rows = append(rows, replicaRow{
			ID: r.ID, This: r.ID == own, Version: r.Version, Config: r.ConfigHash,
			ConfigDiffer: r.Alive && hash != "" && r.ConfigHash != hash,
			Alive:        r.Alive,
			Started:      s.stamp(r.Started, now), Heartbeat: s.stamp(r.Heartbeat, now),
			Feeds: r.LeasedFeeds, Destinations: strings.Join(r.Destinations, ", "),
		})
	}
	return rows
}
