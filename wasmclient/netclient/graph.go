package netclient

import (
	"time"

	"github.com/tickwire/tickwire/wasmclient/netcode"
)

// The net graph's series. A netcode.Session fills in the ones the client cannot know by itself
// (with SetGraph); a game without one shows them at 0.
const (
	GraphPing        = "ping"
	GraphJitter      = "jitter"
	GraphSnapshots   = "snapshots"
	GraphIn          = "in"
	GraphOut         = "out"
	GraphDelay       = "delay"
	GraphCorrections = "corrections"
)

// graphEvery and graphLength: ten samples a second, for ten seconds.
const (
	graphEvery  = 100 * time.Millisecond
	graphLength = 100
)

func newGraph() *netcode.Graph {
	return netcode.NewGraph(graphEvery, graphLength,
		netcode.Series{Name: GraphPing, Unit: "ms", Warn: 150},
		netcode.Series{Name: GraphJitter, Unit: "ms", Warn: 30},
		netcode.Series{Name: GraphSnapshots, Unit: "/s"},
		netcode.Series{Name: GraphIn, Unit: "B/s"},
		netcode.Series{Name: GraphOut, Unit: "B/s"},
		netcode.Series{Name: GraphDelay, Unit: "ms", Warn: 200},
		netcode.Series{Name: GraphCorrections, Unit: "/s", Warn: 0.5},
	)
}

// SetGraph sets the current value of one of the net graph's series (see the Graph constants).
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
		c.graph.Set(GraphSnapshots, float64(c.view.Snapshots-g.snapshots)/dt)
		c.graph.Set(GraphIn, float64(c.view.BytesIn-g.in)/dt)
		c.graph.Set(GraphOut, float64(c.view.BytesOut-g.out)/dt)
	} else if !g.at.IsZero() {
		return
	}
	g.at, g.snapshots, g.in, g.out = now, c.view.Snapshots, c.view.BytesIn, c.view.BytesOut
	c.graph.Set(GraphPing, float64(c.view.RTT)/float64(time.Millisecond))
	if c.sync != nil && !c.cfg.Manual {
		c.graph.Set(GraphJitter, float64(c.sync.Jitter())*float64(c.sync.Period())/float64(time.Millisecond))
	}
	c.graph.Sample(now)
}
