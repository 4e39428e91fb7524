package metrics

import (
	"context"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/attache-dev/attache/store"
)

// ReplicasFunc reads the replicas sharing the state, with their leases. It
// is called once per scrape.
type ReplicasFunc func(ctx context.Context) ([]store.Replica, error)

var (
	replicaUpDesc = prometheus.NewDesc(namespace+"_replica_up",
		"1 for each replica sharing the state whose heartbeat is alive, 0 for one that stopped reporting without leaving.",
		[]string{"replica", "version"}, nil)
	replicaHeartbeatDesc = prometheus.NewDesc(namespace+"_replica_heartbeat_timestamp_seconds",
		"When each replica last reported, by the database server's clock.",
		[]string{"replica"}, nil)
	replicaFeedsDesc = prometheus.NewDesc(namespace+"_replica_leased_feeds",
		"Feeds each replica holds a live lease on: those it is polling now.",
		[]string{"replica"}, nil)
	replicaDestinationsDesc = prometheus.NewDesc(namespace+"_replica_leased_destinations",
		"Destinations each replica holds a live lease on: it alone sends to them.",
		[]string{"replica"}, nil)
	replicaConfigDiffersDesc = prometheus.NewDesc(namespace+"_replicas_config_differs",
		"Live replicas whose configuration differs from this one's (by hash): they poll other feeds or send other rules' alerts.",
		nil, nil)
)

// WatchReplicas registers a collector of the replicas of a shared state,
// read at each scrape: up, heartbeat and leases per replica, and how many
// live replicas run a configuration other than this process's (ownHash
// gives its hash at scrape time, since a reload changes it).
func (m *Metrics) WatchReplicas(replicas ReplicasFunc, ownHash func() string) {
	m.reg.MustRegister(&replicaCollector{replicas: replicas, ownHash: ownHash})
}

type replicaCollector struct {
	replicas ReplicasFunc
	ownHash  func() string
}

func (c *replicaCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- replicaUpDesc
	ch <- replicaHeartbeatDesc
	ch <- replicaFeedsDesc
	ch <- replicaDestinationsDesc
	ch <- replicaConfigDiffersDesc
}

func (c *replicaCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), queueTimeout)
	defer cancel()
	rs, err := c.replicas(ctx)
	if err != nil {
		err = fmt.Errorf("read replicas: %w", err)
		for _, d := range []*prometheus.Desc{replicaUpDesc, replicaHeartbeatDesc, replicaFeedsDesc, replicaDestinationsDesc, replicaConfigDiffersDesc} {
			ch <- prometheus.NewInvalidMetric(d, err)
		}
		return
	}
	own, differs := c.ownHash(), 0
	for _, r := range rs {
		up := 0.0
		if r.Alive {
			up = 1
			if r.ConfigHash != own {
				differs++
			}
		}
		ch <- constMetric(replicaUpDesc, up, r.ID, r.Version)
		ch <- constMetric(replicaHeartbeatDesc, float64(r.Heartbeat.UnixMilli())/1000, r.ID)
		ch <- constMetric(replicaFeedsDesc, float64(r.LeasedFeeds), r.ID)
		ch <- constMetric(replicaDestinationsDesc, float64(len(r.Destinations)), r.ID)
	}
	ch <- constMetric(replicaConfigDiffersDesc, float64(differs))
}

// constMetric is a constant gauge, or an invalid metric for label values
// the exposition cannot carry.
func constMetric(desc *prometheus.Desc, v float64, labels ...string) prometheus.Metric {
	m, err := prometheus.NewConstMetric(desc, prometheus.GaugeValue, v, labels...)
	if err != nil {
		return prometheus.NewInvalidMetric(desc, err)
	}
	return m
}
