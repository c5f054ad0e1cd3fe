package netclient

import (
	"time"

	"github.com/tickwire/tickwire/wasmclient/netcode"
)

// graphEvery and graphLength: ten samples a second, for ten seconds.
const (
	graphEvery  = 100 * time.Millisecond
	graphLength = 100
)

// newGraph returns the net graph with netcode's series: the client measures ping, snapshots and
// bytes itself; the netcode's driver sets jitter, delay, corrections and desyncs (with SetGraph).
func newGraph() *netcode.Graph {
	return netcode.NewGraph(graphEvery, graphLength,
		netcode.Series{Name: netcode.GraphPing, Unit: "ms", Warn: 150},
		netcode.Series{Name: netcode.GraphJitter, Unit: "ms", Warn: 30},
		netcode.Series{Name: netcode.GraphSnapshots, Unit: "/s"},
		netcode.Series{Name: netcode.GraphIn, Unit: "B/s"},
		netcode.Series{Name: netcode.GraphOut, Unit: "B/s"},
		netcode.Series{Name: netcode.GraphDelay, Unit: "ms", Warn: 200},
		netcode.Series{Name: netcode.GraphCorrections, Unit: "/s", Warn: 0.5},
		netcode.Series{Name: netcode.GraphDesyncs, Unit: "", Warn: 0.5},
	)
}

// SetGraph implements [netcode.Link]: it sets the current value of one of the net graph's series
// (see netcode's Graph constants).
func (c *Client[I]) SetGraph(name string, v float64) {
	c.mu.Lock()
	c.graph.Set(name, v)
	c.mu.Unlock()
}

// NetGraph appends the net graph's series, sampled up to now, to dst and returns it.
func (c *Client[I]) NetGraph(dst []netcode.Series) []netcode.Series {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sampleGraph(time.Now())
	return c.graph.Series(dst)
}

// sampleGraph turns the counters into rates and samples the graph when one is due. c.mu is held.
func (c *Client[I]) sampleGraph(now time.Time) {
	g := &c.gseen
	if dt := now.Sub(g.at).Seconds(); !g.at.IsZero() && dt >= graphEvery.Seconds() {
		c.graph.Set(netcode.GraphSnapshots, float64(c.view.Snapshots-g.snapshots)/dt)
		c.graph.Set(netcode.GraphIn, float64(c.view.BytesIn-g.in)/dt)
		c.graph.Set(netcode.GraphOut, float64(c.view.BytesOut-g.out)/dt)
	} else if !g.at.IsZero() {
		return
	}
	g.at, g.snapshots, g.in, g.out = now, c.view.Snapshots, c.view.BytesIn, c.view.BytesOut
	c.graph.Set(netcode.GraphPing, float64(c.view.RTT)/float64(time.Millisecond))
	c.graph.Sample(now)
}
