package netclient

import (
	"context"
	"fmt"
	"time"

	"github.com/coder/websocket"
	"github.com/tickwire/tickwire/shared/wire"
)

// session runs one connection: dial, hello (with the seat's token after a loss), then frames until it
// ends. It reports why it ended and whether it was welcomed.
func (c *Client[I]) session(ctx context.Context) (code int, reason string, welcomed bool) {
	dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	ws, _, err := websocket.Dial(dctx, c.cfg.URL, dialOptions(c.cfg))
	cancel()
	if err != nil {
		return 0, fmt.Sprintf("cannot reach the server at %s", c.cfg.URL), false
	}
	ws.SetReadLimit(1 << 20)
	c.mu.Lock()
	c.ws, c.sim = ws, nil
	token := c.token
	c.mu.Unlock()
	defer c.hangUp(ws)

	hello := &wire.Hello{Version: wire.ProtocolVersion, Game: c.cfg.Game, Room: c.cfg.Room, Name: c.cfg.Name,
		Spectate: c.cfg.Spectate, Private: c.cfg.Private, Resume: token}
	if err := c.write(ctx, hello); err != nil {
		return 0, "connection lost while saying hello", false
	}
	code, reason = c.readLoop(ctx, ws)
	c.mu.Lock()
	welcomed = c.welcomes > 0
	c.welcomes = 0
	c.mu.Unlock()
	return code, reason, welcomed
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
	c.mu.Unlock()
	if sim != nil {
		return writeSim(ctx, sim, ws, b)
	}
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return ws.Write(wctx, websocket.MessageBinary, b)
}
