package netclient

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/tickwire/tickwire/shared/wire"
	"github.com/tickwire/tickwire/wasmclient/netclient/internal/websocket"
)

// run connects, and reconnects after a lost connection, until the client gives up or is closed.
// Where it connects is the route's (redirect.go): home, or the node a redirect sent it to.
func (c *Client[I]) run(ctx context.Context) {
	r := newRoute(c.cfg.URL)
	welcomed, attempt := false, 0
	for {
		sctx, endSession := context.WithCancel(ctx)
		e := c.session(sctx, r.current, r.reservation)
		endSession() // stops the session's input, ping and message loops
		welcomed = welcomed || e.welcomed
		if e.welcomed {
			attempt, r.hops = 0, 0
		}
		if ctx.Err() != nil { // Close
			c.fail(int(websocket.StatusNormalClosure), "disconnected")
			return
		}
		// A redirect, or a refused reservation, is followed at once and shows nothing: the
		// status stays what it was (connecting, or reconnecting after a loss).
		switch e.code {
		case int(wire.CloseRedirect):
			if err := r.follow(e.redirect); err != nil {
				c.fail(e.code, err.Error())
				return
			}
			c.hopped(false)
			continue
		case int(wire.CloseBadReservation):
			if err := r.refused(); err != nil {
				c.fail(e.code, err.Error())
				return
			}
			c.hopped(true)
			continue
		}
		// A redirect's node that cannot be reached is worth trying home for, even before a welcome;
		// so is a seat the client holds a token for before its first welcome (Config.Resume: a
		// reloaded page), which the server may not have seen the old connection of drop yet.
		goingHome := r.ended(e.unreached)
		c.mu.Lock()
		holding := c.token != ""
		c.mu.Unlock()
		if !(welcomed || goingHome || holding) || !retryable(e.code) || c.cfg.MaxReconnects < 0 || attempt >= c.cfg.MaxReconnects {
			c.fail(e.code, e.reason)
			return
		}
		attempt++
		wait := backoff(attempt)
		fresh := seatGone(e.code)
		// A kept token (Config.Resume, a reloaded page) that the server keeps refusing as still held
		// before any welcome is most likely another tab's seat: a duplicated tab copies the page's
		// storage, token and all. After keptTokenTries (some 16–30 s, longer than a server takes
		// to see a reloaded page's old connection drop) the client joins afresh instead of waiting
		// for good.
		if !welcomed && holding && e.code == int(wire.CloseResumeLater) && attempt >= keptTokenTries {
			fresh = true
		}
		c.mu.Lock()
		if welcomed {
			c.view.Status = Reconnecting
		}
		c.view.Attempt, c.view.Code, c.view.Reason = attempt, e.code, e.reason
		if fresh {
			c.token = ""
			c.seatLost = welcomed
		} else {
			c.view.RetryAt = time.Now().Add(wait)
		}
		c.mu.Unlock()
		if fresh {
			continue
		}
		select {
		case <-ctx.Done():
			c.fail(int(websocket.StatusNormalClosure), "disconnected")
			return
		case <-time.After(wait):
		}
		c.mu.Lock()
		c.view.RetryAt = time.Time{}
		c.mu.Unlock()
	}
}

// hopped notes a redirect followed, or (afresh) a refused reservation, after which the client
// joins afresh: without its resume token either. A connection welcomed and then redirected is
// connecting again.
func (c *Client[I]) hopped(afresh bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if afresh {
		c.token = ""
	} else {
		c.view.Redirects++
	}
	if c.view.Status == Connected {
		c.view.Status = Connecting
	}
}

// backoff is how long to wait before reconnect attempt n (from 1): doubling from 250 ms to 8 s,
// each a random point in its upper half, so that clients dropped together do not return together.
// It stays at the cap however long the outage: a client that tries for ever (ReconnectForever)
// tries every 4 to 8 s.
// keptTokenTries is how many times a token kept from before the first welcome is refused as still
// held (4017) before the client gives it up and joins afresh.
const keptTokenTries = 8

func backoff(n int) time.Duration {
	d := 250 * time.Millisecond << min(n-1, 5)
	return d/2 + rand.N(d/2)
}
