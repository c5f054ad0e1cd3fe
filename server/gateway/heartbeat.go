package gateway

import (
	"context"
	"time"

	"github.com/tickwire/tickwire/shared/wire"
)

// heartbeat pings the client every PingInterval until ctx ends, records the round trip, and closes
// the connection when a pong does not come within PongWait: a laptop that closed its lid or a
// network that dropped the connection without a word leaves a half-open socket that only this
// notices. The browser answers pings by itself; the connection's read loop, which runs meanwhile,
// is what receives the pongs (coder/websocket's Ping needs a concurrent reader).
func (c *conn) heartbeat(ctx context.Context) {
	t := time.NewTicker(c.g.cfg.PingInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		pctx, cancel := context.WithTimeout(ctx, c.g.cfg.PongWait)
		start := time.Now()
		err := c.ws.Ping(pctx)
		cancel()
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			c.log.Info("closed", "cause", "no pong", "code", int(wire.CloseNoPong), "wait", c.g.cfg.PongWait)
			c.out.Close(&wire.CloseError{Code: wire.CloseNoPong, Reason: "no answer to ping within " + c.g.cfg.PongWait.String()})
			return
		}
		c.rtt.Store(int64(time.Since(start)))
	}
}
