package netclient

import (
	"context"
	"fmt"

	"github.com/tickwire/tickwire/shared/wire"
	"github.com/tickwire/tickwire/wasmclient/netcode"
)

// inputQueue is how many inputs may wait to be written: two seconds' worth at 30 Hz.
const inputQueue = 64

// SendInput queues one input, h carrying its sequence, tick and rewind (the client fills in the
// snapshot acknowledgement, the newest tick it holds), as an input frame. It never blocks: with the
// queue full (the connection is stuck) the input is dropped and counted in View.DroppedInputs.
// Inputs queued while reconnecting are dropped at the next welcome: they are for ticks long gone.
func (c *Client[I]) SendInput(h wire.InputHeader, in I) {
	c.mu.Lock()
	h.Ack = c.view.Tick
	b, err := c.inEnc.Append(nil, h, &in)
	c.mu.Unlock()
	c.queueInput(b, err)
}

// SendInputs implements [netcode.Link]: it queues one message carrying batch, the inputs of
// consecutive ticks numbered consecutively, oldest first, as SendInput queues one: an input frame
// for one input, an inputs frame (wire.OpInputs) for more; a batch longer than
// wire.MaxInputsPerMessage goes as several. It does not keep batch.
func (c *Client[I]) SendInputs(batch []netcode.Outgoing[I]) {
	for len(batch) > 0 {
		n := min(len(batch), wire.MaxInputsPerMessage)
		part := batch[:n]
		batch = batch[n:]
		c.mu.Lock()
		b, err := netcode.AppendInputFrame(nil, c.inEnc, &c.batch, c.view.Tick, part)
		c.mu.Unlock()
		c.queueInput(b, err)
	}
}

// queueInput queues an encoded input frame without blocking, or fails the client when it could not
// be encoded.
func (c *Client[I]) queueInput(b []byte, err error) {
	if err != nil {
		c.fail(0, fmt.Sprintf("cannot encode input: %v", err))
		return
	}
	select {
	case c.inputs <- b:
	default:
		c.mu.Lock()
		c.view.DroppedInputs++
		c.mu.Unlock()
	}
}

// inputLoop writes the queued inputs, in order, until the connection ends.
func (c *Client[I]) inputLoop(ctx context.Context) {
	// Inputs queued for an earlier connection are for ticks long gone.
	for drained := false; !drained; {
		select {
		case <-c.inputs:
		default:
			drained = true
		}
	}
	for {
		select {
		case <-ctx.Done():
			return
		case b := <-c.inputs:
			if err := c.writeRaw(ctx, b); err != nil {
				return // the read loop reports the reason
			}
		}
	}
}
