package netclient

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/tickwire/tickwire/wasmclient/netclient/internal/websocket"
	"github.com/tickwire/tickwire/wasmclient/netcode"
)

// readLoop handles frames until the connection ends and returns how: the code and reason to show,
// and the redirect that came before a close with 4018.
func (c *Client[I]) readLoop(ctx context.Context, ws *websocket.Conn) ending {
	var bye wire.Bye
	var redirect *wire.Redirect
	var snap wire.Snapshot
	var delta wire.Delta
	var tables netcode.Baselines
	read := c.reader(ctx, ws)
	for {
		data, err := read()
		if err != nil {
			e := closed(ctx, err, bye)
			if e.code == int(wire.CloseRedirect) {
				e.redirect = redirect
			}
			return e
		}
		c.mu.Lock()
		c.view.BytesIn += int64(len(data))
		c.view.FramesIn++
		c.mu.Unlock()
		f, err := wire.Decode(data)
		if err != nil {
			return ending{reason: fmt.Sprintf("the server sent a bad frame: %v", err)}
		}
		switch f.Op {
		case wire.OpWelcome:
			var w wire.Welcome
			if err := f.Decode(&w); err != nil {
				return ending{reason: fmt.Sprintf("bad welcome: %v", err)}
			}
			c.welcomed(ctx, w)
		case wire.OpRoster:
			var r wire.Roster
			if err := f.Decode(&r); err != nil {
				return ending{reason: fmt.Sprintf("bad roster: %v", err)}
			}
			c.mu.Lock()
			c.view.Roster = r.Players
			c.mu.Unlock()
		case wire.OpSnapshot:
			snap.Entities = nil // the previous slice belongs to a View now
			if err := f.Decode(&snap); err != nil {
				return ending{reason: fmt.Sprintf("bad snapshot: %v", err)}
			}
			for i := range snap.Entities {
				if err := c.schema.Check(&snap.Entities[i]); err != nil {
					return ending{reason: fmt.Sprintf("the server sent an invalid entity: %v", err)}
				}
			}
			c.received(&tables, snap.Tick, snap.Ack, snap.Entities, snap.Check, len(data))
		case wire.OpDelta:
			if err := f.Decode(&delta); err != nil {
				return ending{reason: fmt.Sprintf("bad delta snapshot: %v", err)}
			}
			base, ok := tables.Find(delta.BaseTick)
			if !ok {
				return ending{reason: fmt.Sprintf("the server sent a delta against snapshot %d, which this client does not have", delta.BaseTick)}
			}
			// A new slice each time: the previous one belongs to a View and to the baselines.
			ents, err := delta.Apply(base, c.schema, make([]sim.Entity, 0, len(base)+len(delta.Created)))
			if err != nil {
				return ending{reason: fmt.Sprintf("bad delta snapshot: %v", err)}
			}
			c.received(&tables, delta.Tick, delta.Ack, ents, delta.Check, len(data))
		case wire.OpPong:
			var p wire.Pong
			if err := f.Decode(&p); err != nil {
				return ending{reason: fmt.Sprintf("bad pong: %v", err)}
			}
			c.pong(p)
		case wire.OpBye:
			_ = f.Decode(&bye)
		case wire.OpRedirect:
			redirect = new(wire.Redirect)
			if err := f.Decode(redirect); err != nil {
				return ending{reason: fmt.Sprintf("bad redirect: %v", err)}
			}
		default:
			if f.Op.IsGameOp() {
				if reason := c.receive(f); reason != "" {
					return ending{reason: reason}
				}
			}
			// A newer server may send ops this client does not know; they are skipped, not fatal.
		}
	}
}

// closed says how a connection ended with the read error err, after bye (zero without one).
func closed(ctx context.Context, err error, bye wire.Bye) ending {
	var ce websocket.CloseError
	switch {
	case errors.As(err, &ce) && ce.Reason != "":
		return ending{code: int(ce.Code), reason: ce.Reason}
	case errors.As(err, &ce):
		return ending{code: int(ce.Code), reason: closeText(int(ce.Code), bye.Reason)}
	case bye.Reason != "":
		return ending{code: int(bye.Code), reason: bye.Reason}
	case ctx.Err() != nil:
		return ending{code: int(websocket.StatusNormalClosure), reason: "disconnected"}
	default:
		return ending{reason: "connection to the server lost"}
	}
}

// welcomed starts a session's life on the connection: the view says connected (and records a
// rollback: a resumed seat welcomed behind the newest snapshot), and a player starts sending its
// inputs and messages.
func (c *Client[I]) welcomed(ctx context.Context, w wire.Welcome) {
	now := time.Now()
	c.mu.Lock()
	if c.seatLost && c.view.Welcomes > 0 && !w.Spectator {
		// The server said the seat was gone (4015) and this is the fresh join after it: a new
		// player, its score reset, even if it got the old id in a room of the old name (a
		// restarted server numbers from 1 again).
		c.rejoined(now)
	} else if c.view.Welcomes > 0 && netcode.Resumes(c.view.Welcome, w) {
		// The seat resumed in a room gone back behind the newest snapshot seen: the room was
		// restored from a checkpoint (its node died). The netcode re-bases on it; the page says so.
		if back := netcode.Rollback(c.view.Tick, netcode.WentBackTo(w)); back > 0 {
			c.view.Rollbacks++
			c.view.RolledBack, c.view.RolledBackAt = back, now
		}
	} else if c.view.Welcomes > 0 && !w.Spectator {
		c.rejoined(now) // another seat than the last: a new player, its score reset (seat.go)
	}
	c.seatLost = false
	c.view.Status, c.view.Welcome, c.view.Attempt = Connected, w, 0
	c.view.Welcomes++
	c.token = w.Resume
	c.welcomes++
	clear(c.snaps) // an earlier connection's
	c.snaps = c.snaps[:0]
	c.mu.Unlock()
	if !w.Spectator {
		go c.inputLoop(ctx)
		go c.messageLoop(ctx)
	}
	go c.pingLoop(ctx)
}

// closeText explains a close that came without a reason.
func closeText(code int, bye string) string {
	if bye != "" {
		return bye
	}
	switch wire.CloseCode(code) {
	case wire.CloseGoingAway:
		return "the server is shutting down"
	case wire.CloseTooBig:
		return "a message was too large for the server"
	case wire.CloseNormal:
		return "disconnected"
	}
	return fmt.Sprintf("disconnected (code %d)", code)
}
