// This file is the lean bots' side of batched inputs: the netcode driver hands a link each
// message's inputs, and a lean bot encodes them exactly as netclient's SendInputs does.

package loadtest

import (
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/tickwire/tickwire/wasmclient/netclient"
	"github.com/tickwire/tickwire/wasmclient/netcode"
)

// SendInputs implements netcode.Link: one message for batch, the inputs of consecutive ticks (an
// input frame for one, an inputs frame for more; a batch longer than wire.MaxInputsPerMessage goes
// as several), acknowledging the newest snapshot, queued for the flush.
func (c *leanClient[I]) SendInputs(batch []netcode.Outgoing[I]) {
	if c.conn == nil || c.view.Status != netclient.Connected {
		c.view.DroppedInputs += len(batch)
		return
	}
	for len(batch) > 0 {
		n := min(len(batch), wire.MaxInputsPerMessage)
		part := batch[:n]
		batch = batch[n:]
		b, err := netcode.AppendInputFrame(c.buf[:0], c.enc, &c.batch, c.view.Tick, part)
		if err != nil {
			c.end(0, "cannot encode input: "+err.Error())
			return
		}
		c.buf = b
		c.view.BytesOut += int64(len(b))
		c.conn.send(b)
	}
}
