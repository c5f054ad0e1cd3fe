package netclient

import (
	"context"
	"errors"
	"fmt"

	"github.com/tickwire/tickwire/shared/wire"
)

// sendQueue is how many game messages may wait to be written.
const sendQueue = 16

// Errors of [Client.Send].
var (
	ErrNotConnected = errors.New("netclient: not connected")
	ErrSpectating   = errors.New("netclient: spectators send no game messages")
	ErrSendQueue    = errors.New("netclient: too many game messages waiting to be sent")
)

// Send queues one of the game's own messages for the server and returns at once. The message's op
// must be declared client → server in Config.Messages. Messages are written in the order sent.
func (c *Client[I]) Send(m wire.Message) error {
	t, ok := c.cfg.Messages.Lookup(m.Op())
	if !ok || t.Dir&wire.ToServer == 0 {
		return fmt.Errorf("netclient: op %d is not declared client → server: %w", uint8(m.Op()), wire.ErrUnknownOp)
	}
	v := c.View()
	switch {
	case v.Status != Connected:
		return ErrNotConnected
	case v.Welcome.Spectator:
		return ErrSpectating
	}
	select {
	case c.outbox <- m:
		return nil
	default:
		return ErrSendQueue
	}
}

// TakeEvents appends the game messages received since the last call to dst, oldest first, and
// forgets them.
func (c *Client[I]) TakeEvents(dst []wire.Message) []wire.Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	dst = append(dst, c.events...)
	clear(c.events)
	c.events = c.events[:0]
	return dst
}

// receive decodes a game frame from the server and queues it, returning why to close the connection
// if the frame is not a message the game declares.
func (c *Client[I]) receive(f wire.Frame) string {
	m, err := c.cfg.Messages.Decode(f, wire.ToClient)
	switch {
	case errors.Is(err, wire.ErrUnknownOp):
		return "" // a newer server's message: skipped
	case err != nil:
		return fmt.Sprintf("the server sent a bad game message: %v", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.events) >= c.cfg.EventQueue {
		copy(c.events, c.events[1:])
		c.events = c.events[:len(c.events)-1]
		c.view.DroppedEvents++
	}
	c.events = append(c.events, m)
	c.view.Events++
	return ""
}

// messageLoop writes queued game messages until the connection ends.
func (c *Client[I]) messageLoop(ctx context.Context) {
	var buf []byte
	for {
		select {
		case <-ctx.Done():
			return
		case m := <-c.outbox:
			var err error
			if buf, err = wire.Encode(buf[:0], m); err != nil {
				c.fail(0, fmt.Sprintf("cannot encode a game message: %v", err))
				return
			}
			if err := c.writeRaw(ctx, buf); err != nil {
				return // the read loop reports the reason
			}
		}
	}
}
