package metrics

import (
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/tickwire/tickwire/server/cluster"
)

// natsCollector reports the node's NATS connection, read at each scrape from the status function
// SetNATS gave (cluster.Node.Status, which does no I/O). Before SetNATS it reports nothing: a
// series at 0 would say "disconnected" about a node that has not joined yet.
type natsCollector struct {
	status     atomic.Pointer[func() cluster.Status]
	connected  *prometheus.Desc
	reconnects *prometheus.Desc
	msgs       *prometheus.Desc
	bytes      *prometheus.Desc
}

func newNATSCollector() *natsCollector {
	return &natsCollector{
		connected: prometheus.NewDesc("tickwire_nats_connected",
			"1 while this node is connected to a NATS server, 0 while it is not (reconnecting: the registry and directory are frozen at its last view).", nil, nil),
		reconnects: prometheus.NewDesc("tickwire_nats_reconnects_total",
			"Times this node's NATS connection was re-established after a loss.", nil, nil),
		msgs: prometheus.NewDesc("tickwire_nats_messages_total",
			"NATS messages through this node's connection (the cluster's registry, directory and reservations), by direction: in or out.", []string{"direction"}, nil),
		bytes: prometheus.NewDesc("tickwire_nats_bytes_total",
			"Payload bytes through this node's NATS connection, by direction: in or out.", []string{"direction"}, nil),
	}
}

func (c *natsCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.connected
	ch <- c.reconnects
	ch <- c.msgs
	ch <- c.bytes
}

func (c *natsCollector) Collect(ch chan<- prometheus.Metric) {
	f := c.status.Load()
	if f == nil {
		return
	}
	s := (*f)()
	connected := 0.0
	if s.Connected {
		connected = 1
	}
	ch <- prometheus.MustNewConstMetric(c.connected, prometheus.GaugeValue, connected)
	ch <- prometheus.MustNewConstMetric(c.reconnects, prometheus.CounterValue, float64(s.Reconnects))
	ch <- prometheus.MustNewConstMetric(c.msgs, prometheus.CounterValue, float64(s.InMsgs), "in")
	ch <- prometheus.MustNewConstMetric(c.msgs, prometheus.CounterValue, float64(s.OutMsgs), "out")
	ch <- prometheus.MustNewConstMetric(c.bytes, prometheus.CounterValue, float64(s.InBytes), "in")
	ch <- prometheus.MustNewConstMetric(c.bytes, prometheus.CounterValue, float64(s.OutBytes), "out")
}

// SetNATS makes the metrics report this node's NATS connection, read from status (the node's
// cluster.Node.Status) at every scrape: tickwire_nats_connected, tickwire_nats_reconnects_total,
// and tickwire_nats_messages_total and tickwire_nats_bytes_total by direction. Until it is called
// those series are absent.
func (m *Metrics) SetNATS(status func() cluster.Status) {
	m.nats.status.Store(&status)
}
