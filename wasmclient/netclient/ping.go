package netclient

import (
	"context"
	"time"

	"github.com/tickwire/tickwire/shared/wire"
)

// pingLoop measures the round trip every PingInterval until the connection ends; the first ping
// goes at once, so that the netcode can stamp inputs as soon as a snapshot arrives.
func (c *Client[I]) pingLoop(ctx context.Context) {
	t := time.NewTicker(c.cfg.PingInterval)
	defer t.Stop()
	for {
		if err := c.write(ctx, &wire.Ping{ClientTime: c.clock()}); err != nil {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// pong takes the answer to a ping.
func (c *Client[I]) pong(p wire.Pong) {
	// Wrapping subtraction: the 32-bit microsecond clock wraps every 71 minutes.
	rtt := time.Duration(c.clock()-p.ClientTime) * time.Microsecond
	c.mu.Lock()
	c.view.RTT = rtt
	c.view.Pongs++
	c.mu.Unlock()
}

// clock is the client's clock that pings carry: microseconds since Dial, wrapping at 2³². A
// loopback round trip is well under a millisecond, so milliseconds would measure it as zero.
func (c *Client[I]) clock() uint32 { return uint32(time.Since(c.epoch) / time.Microsecond) }
