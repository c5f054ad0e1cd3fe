package netclient

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/coder/websocket"
)

// run connects, and reconnects after a lost connection, until the client gives up or is closed.
func (c *Client[I]) run(ctx context.Context) {
	welcomed, attempt := false, 0
	for {
		sctx, endSession := context.WithCancel(ctx)
		code, reason, ok := c.session(sctx)
		endSession() // stops the session's input, ping and message loops
		welcomed = welcomed || ok
		if ok {
			attempt = 0
		}
		switch {
		case ctx.Err() != nil: // Close
			c.fail(int(websocket.StatusNormalClosure), "disconnected")
			return
		case !welcomed || !retryable(code) || c.cfg.MaxReconnects < 0 || attempt >= c.cfg.MaxReconnects:
			c.fail(code, reason)
			return
		}
		attempt++
		c.mu.Lock()
		c.view.Status, c.view.Attempt, c.view.Code, c.view.Reason = Reconnecting, attempt, code, reason
		fresh := seatGone(code)
		if fresh {
			c.token = ""
		}
		c.mu.Unlock()
		if fresh {
			continue
		}
		select {
		case <-ctx.Done():
			c.fail(int(websocket.StatusNormalClosure), "disconnected")
			return
		case <-time.After(backoff(attempt)):
		}
	}
}

// backoff is how long to wait before reconnect attempt n (from 1): doubling from 250 ms to 8 s,
// each a random point in its upper half, so that clients dropped together do not return together.
func backoff(n int) time.Duration {
	d := 250 * time.Millisecond << min(n-1, 5)
	return d/2 + rand.N(d/2)
}
