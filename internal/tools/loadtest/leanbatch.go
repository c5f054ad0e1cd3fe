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
		var b []byte
		var err error
		if o := &part[0]; n == 1 {
			b, err = c.enc.Append(c.buf[:0], wire.InputHeader{Seq: o.Seq, Tick: o.Tick, Ack: c.view.Tick, Rewind: o.Rewind}, &o.Input)
		} else {
			var entries [wire.MaxInputsPerMessage]wire.InputEntry[I]
			ib := wire.InputBatch[I]{Seq: o.Seq, Tick: o.Tick, Ack: c.view.Tick, Entries: entries[:0]}
			for _, o := range part {
				ib.Entries = append(ib.Entries, wire.InputEntry[I]{Input: o.Input, Rewind: o.Rewind})
			}
			b, err = c.enc.AppendBatch(c.buf[:0], &ib)
		}
		if err != nil {
			c.end(0, "cannot encode input: "+err.Error())
			return
		}
		c.buf = b
		c.view.BytesOut += int64(len(b))
		c.conn.send(b)
	}
}
