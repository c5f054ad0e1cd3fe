package netclient

import (
	"context"
	"time"

	"github.com/tickwire/tickwire/shared/wire"
	"github.com/tickwire/tickwire/wasmclient/netclient/internal/websocket"
)

// ending is how a connection ended.
type ending struct {
	code     int
	reason   string // for people
	welcomed bool
	// unreached says the dial failed: nothing answered at the URL (a dead node, a wrong address).
	unreached bool
	// redirect is the redirect frame that came before a close with 4018; nil without one.
	redirect *wire.Redirect
}

// session runs one connection to url: dial, hello (with the seat's token after a loss, and
// reservation after a redirect), then frames until it ends.
func (c *Client[I]) session(ctx context.Context, url, reservation string) ending {
	c.mu.Lock()
	c.view.URL = url
	c.mu.Unlock()
	dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	ws, _, err := websocket.Dial(dctx, url, dialOptions(c.cfg))
	cancel()
	if err != nil {
		// The address is View.URL's; people are told what happened, not where.
		return ending{reason: "Can't reach the server", unreached: true}
	}
	ws.SetReadLimit(1 << 20)
	c.mu.Lock()
	c.ws, c.sim = ws, nil
	token := c.token
	c.mu.Unlock()
	defer c.hangUp(ws)

	hello := &wire.Hello{Version: wire.ProtocolVersion, Game: c.cfg.Game, Room: c.cfg.Room, Name: c.cfg.Name,
		Spectate: c.cfg.Spectate, Private: c.cfg.Private, Resume: token, Reservation: reservation}
	if err := c.write(ctx, hello); err != nil {
		return ending{reason: "connection lost while saying hello"}
	}
	e := c.readLoop(ctx, ws)
	c.mu.Lock()
	e.welcomed = c.welcomes > 0
	c.welcomes = 0
	c.mu.Unlock()
	return e
}

func (c *Client[I]) write(ctx context.Context, m wire.Message) error {
	b, err := wire.Encode(nil, m)
	if err != nil {
		return err
	}
	return c.writeRaw(ctx, b)
}

// writeRaw writes one frame, through the simulated network when it is on.
func (c *Client[I]) writeRaw(ctx context.Context, b []byte) error {
	c.mu.Lock()
	ws, sim := c.ws, c.sim
	c.view.BytesOut += int64(len(b))
	c.view.FramesOut++
	c.mu.Unlock()
	if sim != nil {
		return writeSim(ctx, sim, ws, b)
	}
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return ws.Write(wctx, websocket.MessageBinary, b)
}
