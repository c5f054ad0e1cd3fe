package replay

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/klauspost/compress/zstd"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/vmihailenco/msgpack/v5"
)

// WindowSize is the zstd window the Writer compresses with: 256 KiB. A room's records repeat
// within seconds, so a larger window gains little (2% smaller files at 1 MiB), and the encoder's
// memory, which a room holds for as long as it records, grows with it. The Writer also uses zstd's
// fastest level and its lower-memory mode: together about 1.2 MB held per recording room instead
// of 3 MB, for files 3% larger (docs/REPLAY.md gives the measurements).
const WindowSize = 256 << 10

// ErrClosed is returned by a [Writer]'s methods after Close.
var ErrClosed = errors.New("replay: writer closed")

// Writer streams a recording's records into a zstd encoder in memory. The room goroutine calls it
// every tick: it does no I/O and never blocks. It checks the order of what it is given (ticks one
// after another, keyframes at the tick last written, inputs sorted by player), so that a recording
// it writes is one [Read] accepts; its first error sticks. It is not safe for concurrent use.
type Writer struct {
	zw   *zstd.Encoder
	out  bytes.Buffer // the compressed file so far
	rec  []byte       // the record being encoded, reused
	last uint32       // the last tick written (the first keyframe's, before any)
	key  uint32       // the tick of the last keyframe written
	err  error
}

// NewWriter starts a file with h (its Format is set to [Format]) and first, the state the ticks
// that follow start from: the first Tick written must be first.Tick+1.
func NewWriter(h Header, first Keyframe) (*Writer, error) {
	if h.Game == "" || len(h.Game) > wire.MaxGameBytes || len(h.Room) > wire.MaxRoomBytes || len(h.Node) > MaxNodeBytes {
		return nil, fmt.Errorf("replay: header: game %q, room %q or node %q empty or too long", h.Game, h.Room, h.Node)
	}
	if h.TickRate < 1 || h.TickRate > 1<<16 || h.KeyframeEvery < 1 {
		return nil, fmt.Errorf("replay: header: tick rate %d or keyframe interval %d out of range", h.TickRate, h.KeyframeEvery)
	}
	h.Format = Format
	zw, err := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1), zstd.WithWindowSize(WindowSize),
		zstd.WithLowerEncoderMem(true), zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderCRC(true))
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	w := &Writer{zw: zw}
	zw.Reset(&w.out)
	w.last = first.Tick
	if err := w.write(kindHeader, h.encode); err != nil {
		return nil, err
	}
	if err := w.keyframe(&first); err != nil {
		return nil, err
	}
	return w, nil
}

// Tick writes what the room applied at tick t.Tick, which must follow the last tick written.
func (w *Writer) Tick(t *Tick) error {
	if w.err != nil {
		return w.err
	}
	if t.Tick != w.last+1 {
		return w.fail(fmt.Errorf("tick %d written after tick %d", t.Tick, w.last))
	}
	for i := range t.Inputs {
		if t.Inputs[i].Player == 0 || (i > 0 && t.Inputs[i].Player <= t.Inputs[i-1].Player) {
			return w.fail(fmt.Errorf("tick %d: inputs not sorted by player (player %d at %d)", t.Tick, t.Inputs[i].Player, i))
		}
		if len(t.Inputs[i].Input) > MaxInputBytes {
			return w.fail(fmt.Errorf("tick %d: player %d's input is %d bytes, at most %d", t.Tick, t.Inputs[i].Player, len(t.Inputs[i].Input), MaxInputBytes))
		}
	}
	for _, m := range t.Messages {
		if m.Player == 0 || !m.Op.IsGameOp() || len(m.Body) > MaxMessageBytes {
			return w.fail(fmt.Errorf("tick %d: message %s from player %d (%d bytes) cannot be recorded", t.Tick, m.Op, m.Player, len(m.Body)))
		}
	}
	for _, a := range t.Arrivals {
		if a.Player == 0 || len(a.Name) > wire.MaxNameBytes {
			return w.fail(fmt.Errorf("tick %d: arrival of player %d named %q cannot be recorded", t.Tick, a.Player, a.Name))
		}
	}
	if len(t.Presence) > 0 {
		for _, c := range t.Presence {
			if c.Player == 0 {
				return w.fail(fmt.Errorf("tick %d: a presence change of player 0", t.Tick))
			}
		}
		p := presence{tick: t.Tick, changes: t.Presence}
		if err := w.write(kindPresence, p.encode); err != nil {
			return err
		}
	}
	if err := w.write(kindTick, t.encode); err != nil {
		return err
	}
	w.last = t.Tick
	return nil
}

// Keyframe writes the whole state after the last tick written: k.Tick must be that tick.
func (w *Writer) Keyframe(k *Keyframe) error {
	if w.err != nil {
		return w.err
	}
	if k.Tick != w.last {
		return w.fail(fmt.Errorf("keyframe of tick %d after tick %d", k.Tick, w.last))
	}
	if k.Tick == w.key {
		return w.fail(fmt.Errorf("a second keyframe of tick %d", k.Tick))
	}
	return w.keyframe(k)
}

func (w *Writer) keyframe(k *Keyframe) error {
	if len(k.RoomState) > MaxRoomState {
		return w.fail(fmt.Errorf("keyframe of tick %d: room state of %d bytes, at most %d", k.Tick, len(k.RoomState), MaxRoomState))
	}
	for i := 1; i < len(k.Entities); i++ {
		if k.Entities[i].ID <= k.Entities[i-1].ID {
			return w.fail(fmt.Errorf("keyframe of tick %d: entities not sorted by id", k.Tick))
		}
	}
	for i, p := range k.Players {
		if p.Player == 0 || (i > 0 && p.Player <= k.Players[i-1].Player) || len(p.Name) > wire.MaxNameBytes {
			return w.fail(fmt.Errorf("keyframe of tick %d: players not sorted, or a name too long", k.Tick))
		}
	}
	w.key = k.Tick
	return w.write(kindKeyframe, k.encode)
}

// Size returns the compressed bytes so far: what the encoder has emitted, which trails what was
// written by up to a block (at most the window) until Close.
func (w *Writer) Size() int { return w.out.Len() }

// Close writes end and returns the whole file. The Writer is done: its methods then return
// [ErrClosed].
func (w *Writer) Close(end End) ([]byte, error) {
	if w.err != nil {
		return nil, w.err
	}
	if end.Tick != w.last {
		return nil, w.fail(fmt.Errorf("end at tick %d after tick %d", end.Tick, w.last))
	}
	if len(end.Reason) > MaxReasonBytes {
		end.Reason = end.Reason[:MaxReasonBytes]
	}
	if err := w.write(kindEnd, end.encode); err != nil {
		return nil, err
	}
	if err := w.zw.Close(); err != nil {
		return nil, w.fail(err)
	}
	w.err = ErrClosed
	return w.out.Bytes(), nil
}

// write encodes one record [kind, body] and compresses it.
func (w *Writer) write(kind int, body func(e *msgpack.Encoder) error) error {
	rec, err := wire.AppendFrame(w.rec[:0], wire.Op(kind), body)
	if err != nil {
		return w.fail(err)
	}
	w.rec = rec
	if _, err := w.zw.Write(rec); err != nil {
		return w.fail(err)
	}
	return nil
}

func (w *Writer) fail(err error) error {
	w.err = fmt.Errorf("replay: %w", err)
	return w.err
}

// InputEncoder encodes a game's inputs as a recording stores them ([Input]): with the game's
// [FullInputCodec] when it has one, else with its wire.InputCodec. A room keeps one for as long as
// it records. It is not safe for concurrent use.
type InputEncoder[I any] struct {
	c inputCodec[I]
	w wire.AppendWriter
	e *msgpack.Encoder
}

// NewInputEncoder returns an encoder of c's inputs (c is usually the game).
func NewInputEncoder[I any](c wire.InputCodec[I]) *InputEncoder[I] {
	x := &InputEncoder[I]{c: codecOf(c)}
	x.e = msgpack.NewEncoder(&x.w)
	return x
}

// Append appends the encoding of in to dst and returns the extended slice.
func (x *InputEncoder[I]) Append(dst []byte, in *I) ([]byte, error) {
	x.w.Reset(dst)
	err := x.c.encode(x.e, in)
	b := x.w.Bytes()
	x.w.Reset(nil)
	if err != nil {
		return dst, fmt.Errorf("replay: encode input: %w", err)
	}
	return b, nil
}

// Write writes a recording (read, and perhaps edited, by a tool) back into a file with a Writer.
func Write(rec *Recording) ([]byte, error) {
	if len(rec.Keyframes) == 0 {
		return nil, errors.New("replay: a recording without keyframes")
	}
	w, err := NewWriter(rec.Header, rec.Keyframes[0])
	if err != nil {
		return nil, err
	}
	k := 1
	for ; k < len(rec.Keyframes) && rec.Keyframes[k].Tick == rec.Keyframes[0].Tick; k++ {
		if err := w.Keyframe(&rec.Keyframes[k]); err != nil {
			return nil, err
		}
	}
	for i := range rec.Ticks {
		if err := w.Tick(&rec.Ticks[i]); err != nil {
			return nil, err
		}
		for ; k < len(rec.Keyframes) && rec.Keyframes[k].Tick == rec.Ticks[i].Tick; k++ {
			if err := w.Keyframe(&rec.Keyframes[k]); err != nil {
				return nil, err
			}
		}
	}
	if k < len(rec.Keyframes) {
		return nil, fmt.Errorf("replay: keyframe of tick %d is not at a recorded tick", rec.Keyframes[k].Tick)
	}
	return w.Close(rec.End)
}
