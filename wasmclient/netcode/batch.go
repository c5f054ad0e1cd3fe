package netcode

import (
	"time"

	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
)

// InputsPerMessage returns how many ticks' inputs a client of the game info describes sends in one
// message: Info.InputsPerMessage, sim.DefaultInputsPerMessage when that is 0, and never less than
// 1 or more than wire.MaxInputsPerMessage.
func InputsPerMessage(info sim.Info) int {
	n := info.InputsPerMessage
	if n == 0 {
		n = sim.DefaultInputsPerMessage
	}
	return min(max(n, 1), wire.MaxInputsPerMessage)
}

// Batcher groups the inputs a [Session] stamps into messages of up to Per consecutive ticks, so
// that a client sends one message every Per ticks instead of one a tick. It is pure: time is passed
// in. A [Driver] runs one per connection; Per 1 (or less) sends each input at once.
//
// Waiting is wrong, and the batch so far goes at once, when:
//   - the next input does not follow the last one held (a tick or a sequence number skipped: the
//     input clock jumped, the session restarted its numbering), since a message carries only
//     consecutive ticks;
//   - the oldest input held has waited Wait (a frame rate too slow for the input clock, a clock
//     that slewed back): the session's lead covers Per-1 ticks of waiting, not more.
//
// A [Driver] also sends what is held at the end of a frame when frames come slower than Wait (the
// next frame would come too late for it).
//
// A connection that is gone or replaced loses what is held ([Batcher.Drop]): its sequence numbers
// are the old connection's. A changed input does not flush: the server applies an input at the
// tick it is stamped for, however early it arrives, so sending a change sooner would not make it
// take effect sooner (see docs/NETCODE.md for the measurement).
type Batcher[I any] struct {
	// Per is the most inputs in one message (InputsPerMessage).
	Per int
	// Wait is the longest an input is held: about Per ticks, so that a batch filled one input a
	// tick is never cut short. 0: no bound.
	Wait time.Duration
	// Expire is how long a held input stays worth sending: one held longer (the frames stopped
	// with a batch half full: a hidden tab) is for a tick the server has stepped, since a session
	// stamps inputs at most half a second ahead; it is dropped, and the server repeats the input
	// before it as it does for a lost one. 0: never.
	Expire time.Duration

	held  []Outgoing[I]
	at    []time.Time // when each held input was added
	waits []time.Duration
}

// Add holds o, stamped at now, and calls send with each batch that is ready (at most two: the
// ones held before o when o does not follow them, then a full one), oldest first. The batch and
// its inputs' waits are valid only during the call.
func (b *Batcher[I]) Add(now time.Time, o Outgoing[I], send func(batch []Outgoing[I], waited []time.Duration)) {
	if n := len(b.held); n > 0 && (o.Tick != b.held[n-1].Tick+1 || o.Seq != b.held[n-1].Seq+1) {
		b.Flush(now, send)
	}
	b.held = append(b.held, o)
	b.at = append(b.at, now)
	if len(b.held) >= b.Per {
		b.Flush(now, send)
	}
}

// Due drops the held inputs that expired, and sends the rest when the oldest has waited Wait or
// longer.
func (b *Batcher[I]) Due(now time.Time, send func(batch []Outgoing[I], waited []time.Duration)) {
	if b.Expire > 0 {
		n := 0
		for n < len(b.at) && now.Sub(b.at[n]) >= b.Expire {
			n++
		}
		if n == len(b.held) {
			b.Drop()
		} else if n > 0 {
			clear(b.held[:n])
			b.held, b.at = append(b.held[:0], b.held[n:]...), append(b.at[:0], b.at[n:]...)
		}
	}
	if len(b.held) > 0 && b.Wait > 0 && now.Sub(b.at[0]) >= b.Wait {
		b.Flush(now, send)
	}
}

// Flush sends what is held, if anything, as one batch.
func (b *Batcher[I]) Flush(now time.Time, send func(batch []Outgoing[I], waited []time.Duration)) {
	if len(b.held) == 0 {
		return
	}
	b.waits = b.waits[:0]
	for _, at := range b.at {
		b.waits = append(b.waits, now.Sub(at))
	}
	send(b.held, b.waits)
	b.Drop()
}

// Drop forgets what is held, unsent.
func (b *Batcher[I]) Drop() {
	clear(b.held) // hold nothing the inputs referred to
	b.held, b.at = b.held[:0], b.at[:0]
}

// Held returns how many inputs are held.
func (b *Batcher[I]) Held() int { return len(b.held) }

// AppendInputFrame appends to dst the frame that carries part, 1 to [wire.MaxInputsPerMessage]
// inputs of consecutive ticks numbered consecutively, oldest first, acknowledging the snapshot of
// tick ack: an input frame for one input (what a server from before batching reads), an inputs
// frame for more. scratch holds the entries while they are encoded and is left empty, so that a
// client encodes every message with the same storage. A link's SendInputs cuts its batch into
// parts of at most wire.MaxInputsPerMessage and sends each part's frame.
func AppendInputFrame[I any](dst []byte, enc *wire.InputEncoder[I], scratch *wire.InputBatch[I], ack uint32, part []Outgoing[I]) ([]byte, error) {
	o := &part[0]
	if len(part) == 1 {
		return enc.Append(dst, wire.InputHeader{Seq: o.Seq, Tick: o.Tick, Ack: ack, Rewind: o.Rewind}, &o.Input)
	}
	scratch.Seq, scratch.Tick, scratch.Ack = o.Seq, o.Tick, ack
	for _, o := range part {
		scratch.Entries = append(scratch.Entries, wire.InputEntry[I]{Input: o.Input, Rewind: o.Rewind})
	}
	b, err := enc.AppendBatch(dst, scratch)
	clear(scratch.Entries)
	scratch.Entries = scratch.Entries[:0]
	return b, err
}
