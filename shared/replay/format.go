package replay

import (
	"errors"
	"fmt"
	"time"

	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/vmihailenco/msgpack/v5"
)

// Format is the version of the file format [NewWriter] writes and [Read] reads. It changes only when
// a change is incompatible; fields appended to a record, which an older reader skips, are not.
const Format = 1

// Record kinds: every record in a file is the msgpack array [kind, body].
const (
	kindHeader   = 1
	kindKeyframe = 2
	kindTick     = 3
	kindEnd      = 4
	kindPresence = 5
)

// Bounds on what [Read] accepts, beyond wire's (names use wire's limits).
const (
	// MaxDecompressed is the most bytes a file may decompress to: 64 MiB, several times a
	// 10-minute file of a full arena.
	MaxDecompressed = 64 << 20
	// MaxNodeBytes bounds the header's node name.
	MaxNodeBytes = 256
	// MaxRoomState is the most bytes of a keyframe's room state (server/room's capture allows
	// as much).
	MaxRoomState = 1 << 24
	// MaxInputBytes is the most bytes of one recorded input.
	MaxInputBytes = 1 << 10
	// MaxMessageBytes is the most bytes of one recorded game message's body.
	MaxMessageBytes = 1 << 14
	// MaxEntries is the most entries a file may hold in all: ticks, entities of keyframes,
	// arrivals, messages and inputs together. A hostile file of a few kilobytes could otherwise
	// decompress into 64 MiB of records that decode into gigabytes; 4M entries decode into at most
	// a few hundred MB, and a 10-minute file of a full 100-player arena holds about 2M.
	MaxEntries = 1 << 22
	// MaxPerRecord is the most entities, arrivals, messages or inputs one record may hold.
	MaxPerRecord = 1 << 20
)

// count checks a record's declared count n against MaxPerRecord and the file's remaining budget
// of entries, and returns how much room to allocate for it up front: the slice then grows with
// what is actually read, never with what is declared.
func count(f *wire.Fields, name string, n int, budget *int) int {
	switch {
	case n > MaxPerRecord:
		f.Fail(fmt.Errorf("%s: %d of them in one record, at most %d", name, n, MaxPerRecord))
		return 0
	case n > *budget:
		f.Fail(fmt.Errorf("%s: the file holds more than %d entries in all", name, MaxEntries))
		return 0
	}
	*budget -= n
	return min(n, 64)
}

// Header is a file's first record: which game, room and node it comes from, and how to read it.
//
//	[format, game, stateVersion, room, tickRate, started (unix ms), keyframeEvery, node]
type Header struct {
	// Format is the file format, [Format]; NewWriter fills it in.
	Format int
	// Game and StateVersion name the game and the meaning of its state (sim.Info): a replayer
	// refuses a recording of another game or state version.
	Game         string
	StateVersion int
	Room         string
	TickRate     int
	// Started is when the file's first keyframe was taken (kept to the millisecond).
	Started time.Time
	// KeyframeEvery is how many ticks apart the keyframes are (at most: the last may be closer).
	KeyframeEvery int
	// Node is the server that recorded the file (a room handed to another node starts a new file).
	Node string
}

// Keyframe is the whole state after Tick was stepped: what a replayer restores to seek.
//
//	[tick, [tick, 0, [[id, kind, field...], ...]], roomState, [[player, name], ...]]
//
// The entities are a snapshot's body (wire.Snapshot), so that they are read by wire's own decoder.
type Keyframe struct {
	Tick uint32
	// Entities is the game's Entities, sorted by id.
	Entities []sim.Entity
	// RoomState is what a [StateKeeper] game's SaveRoomState wrote; empty for other games.
	RoomState []byte
	// Players are the players seated at Tick, sorted by player, with their names (Leaving is
	// false). It lets a replayer name the players of a room that was already playing when the file
	// started (a handed-off room); nil when unknown, as in a file of an older writer.
	Players []Arrival
}

// Arrival is a player joining a room, or leaving it.
type Arrival struct {
	Player  sim.PlayerID
	Name    string
	Leaving bool
}

// Message is a game message a player sent, as the room applied it (see [Messenger]): its op and
// its body as the message's EncodeBody writes it.
type Message struct {
	Player sim.PlayerID
	Op     wire.Op
	Body   []byte
}

// Input is one player's input for a tick, encoded by the game's [FullInputCodec] if it has one,
// else by its wire.InputCodec.
type Input struct {
	Player sim.PlayerID
	Input  []byte
}

// Tick is what the room applied before and at stepping tick Tick: the arrivals (Join, Leave) in the
// order applied, then the presence changes (sim.Presence's Away and Back), then the game messages
// (Receive) in the order applied, then Step with Inputs.
//
//	[tick, [[player, name, leaving], ...], [[player, op, body], ...], [[player, input], ...]]
//
// Presence travels in a record of its own, written just before the tick's record and only for a
// tick that has any (see [Presence]), so that a file without it is what an older writer wrote.
type Tick struct {
	Tick     uint32
	Arrivals []Arrival
	// Presence are the Away and Back calls of the tick, in the order applied; nil when none.
	Presence []Presence
	Messages []Message
	// Inputs are the inputs exactly as Step got them (after the game's Judge), sorted by player:
	// one per seated player.
	Inputs []Input
}

// Presence is a player's connection dropping (Away: the room holds the seat for Grace ticks) or
// the player resuming the seat (not Away), as the room told a game that implements sim.Presence.
// The presence changes of a tick are one record of kind 5, just before the tick's own record:
//
//	[tick, [[player, away, grace], ...]]
type Presence struct {
	Player sim.PlayerID
	Away   bool
	Grace  uint32 // ticks; 0 for a Back
}

// End is a file's last record: the last tick recorded, and why the file ends (the room closed, it
// moved to another node, the file reached its length limit).
//
//	[lastTick, reason]
type End struct {
	Tick   uint32
	Reason string
}

// MaxReasonBytes bounds an [End]'s reason.
const MaxReasonBytes = 256

func (h *Header) encode(e *msgpack.Encoder) error {
	return encodeAll(e, 8,
		func() error { return wire.PutUint(e, uint64(h.Format)) },
		func() error { return e.EncodeString(h.Game) },
		func() error { return wire.PutInt(e, int64(h.StateVersion)) },
		func() error { return e.EncodeString(h.Room) },
		func() error { return wire.PutUint(e, uint64(h.TickRate)) },
		func() error { return wire.PutInt(e, h.Started.UnixMilli()) },
		func() error { return wire.PutUint(e, uint64(h.KeyframeEvery)) },
		func() error { return e.EncodeString(h.Node) })
}

func (h *Header) decode(d *msgpack.Decoder) error {
	f := wire.ReadFields(d)
	h.Format = int(f.Int("format", 0, 1<<31-1))
	h.Game = f.String("game", wire.MaxGameBytes)
	h.StateVersion = int(f.Int("stateVersion", -1<<31, 1<<31-1))
	h.Room = f.String("room", wire.MaxRoomBytes)
	h.TickRate = int(f.Int("tickRate", 1, 1<<16))
	h.Started = time.UnixMilli(f.Int("started", 0, 1<<53)).UTC()
	h.KeyframeEvery = int(f.Int("keyframeEvery", 1, 1<<31-1))
	h.Node = f.String("node", MaxNodeBytes)
	return f.Done()
}

func (k *Keyframe) encode(e *msgpack.Encoder) error {
	return encodeAll(e, 4,
		func() error { return wire.PutUint(e, uint64(k.Tick)) },
		func() error { return wire.EncodeEntities(e, k.Entities) },
		func() error { return e.EncodeBytes(k.RoomState) },
		func() error { return encodeArrivals(e, k.Players, false) })
}

func (k *Keyframe) decode(d *msgpack.Decoder, budget *int) error {
	f := wire.ReadFields(d)
	k.Tick = f.Uint32("tick")
	n := f.Array("entities")
	k.Entities = make([]sim.Entity, 0, count(&f, "entities", n, budget))
	for i := 0; i < n && f.Err() == nil; i++ {
		var e sim.Entity
		f.Fail(decodeEntity(d, &e))
		if f.Err() == nil && i > 0 && e.ID <= k.Entities[i-1].ID {
			f.Fail(fmt.Errorf("entities: entity %d after entity %d: not sorted by id", e.ID, k.Entities[i-1].ID))
		}
		k.Entities = append(k.Entities, e)
	}
	k.RoomState = readBytes(&f, "roomState", MaxRoomState)
	k.Players = nil
	if f.Left() > 0 { // appended to the keyframe compatibly: absent means unknown
		k.Players = decodeArrivals(&f, d, "players", false, budget)
	}
	return f.Done()
}

// decodeEntity reads one entity, [id, kind, field...], as a snapshot carries it. Whether its kind
// and fields make sense is the game's schema's to say (the replayer checks).
func decodeEntity(d *msgpack.Decoder, e *sim.Entity) error {
	f := wire.ReadFields(d)
	n := f.Left()
	if n < 2 || n > 2+sim.MaxFields {
		return fmt.Errorf("entities: an entity has %d elements, want 2 to %d", n, 2+sim.MaxFields)
	}
	e.ID = sim.EntityID(f.Uint32("id"))
	e.Kind = sim.Kind(f.Int("kind", 0, 255))
	e.N = uint8(n - 2)
	for i := range int(e.N) {
		e.Fields[i] = int32(f.Int("field", -1<<31, 1<<31-1))
	}
	if err := f.Done(); err != nil {
		return fmt.Errorf("entities: entity %d: %w", e.ID, err)
	}
	return nil
}

func (t *Tick) encode(e *msgpack.Encoder) error {
	return encodeAll(e, 4,
		func() error { return wire.PutUint(e, uint64(t.Tick)) },
		func() error { return encodeArrivals(e, t.Arrivals, true) },
		func() error {
			if err := wire.PutArrayLen(e, len(t.Messages)); err != nil {
				return err
			}
			for _, m := range t.Messages {
				if err := encodeAll(e, 3, func() error { return wire.PutUint(e, uint64(m.Player)) },
					func() error { return wire.PutUint(e, uint64(m.Op)) },
					func() error { return e.EncodeBytes(m.Body) }); err != nil {
					return err
				}
			}
			return nil
		},
		func() error {
			if err := wire.PutArrayLen(e, len(t.Inputs)); err != nil {
				return err
			}
			for _, in := range t.Inputs {
				if err := encodeAll(e, 2, func() error { return wire.PutUint(e, uint64(in.Player)) },
					func() error { return e.EncodeBytes(in.Input) }); err != nil {
					return err
				}
			}
			return nil
		})
}

func (t *Tick) decode(d *msgpack.Decoder, budget *int) error {
	f := wire.ReadFields(d)
	t.Tick = f.Uint32("tick")
	t.Arrivals = decodeArrivals(&f, d, "arrivals", true, budget)
	n := f.Array("messages")
	t.Messages = nil
	if c := count(&f, "messages", n, budget); n > 0 && f.Err() == nil {
		t.Messages = make([]Message, 0, c)
	}
	for i := 0; i < n && f.Err() == nil; i++ {
		g := wire.ReadFields(d)
		m := Message{Player: player(&g), Op: wire.Op(g.Int("op", int64(wire.FirstGameOp), 255))}
		m.Body = readBytes(&g, "body", MaxMessageBytes)
		f.Fail(wrapf(g.Done(), "messages"))
		t.Messages = append(t.Messages, m)
	}
	n = f.Array("inputs")
	t.Inputs = nil
	if c := count(&f, "inputs", n, budget); n > 0 && f.Err() == nil {
		t.Inputs = make([]Input, 0, c)
	}
	for i := 0; i < n && f.Err() == nil; i++ {
		g := wire.ReadFields(d)
		in := Input{Player: player(&g), Input: readBytes(&g, "input", MaxInputBytes)}
		f.Fail(wrapf(g.Done(), "inputs"))
		if f.Err() == nil && i > 0 && in.Player <= t.Inputs[i-1].Player {
			f.Fail(fmt.Errorf("inputs: player %d after player %d: not sorted by player", in.Player, t.Inputs[i-1].Player))
		}
		t.Inputs = append(t.Inputs, in)
	}
	return f.Done()
}

// presence is a tick's presence record: the tick and its changes.
type presence struct {
	tick    uint32
	changes []Presence
}

func (p *presence) encode(e *msgpack.Encoder) error {
	return encodeAll(e, 2,
		func() error { return wire.PutUint(e, uint64(p.tick)) },
		func() error {
			if err := wire.PutArrayLen(e, len(p.changes)); err != nil {
				return err
			}
			for _, c := range p.changes {
				if err := encodeAll(e, 3, func() error { return wire.PutUint(e, uint64(c.Player)) },
					func() error { return e.EncodeBool(c.Away) },
					func() error { return wire.PutUint(e, uint64(c.Grace)) }); err != nil {
					return err
				}
			}
			return nil
		})
}

func (p *presence) decode(d *msgpack.Decoder, budget *int) error {
	f := wire.ReadFields(d)
	p.tick = f.Uint32("tick")
	n := f.Array("changes")
	p.changes = make([]Presence, 0, count(&f, "changes", n, budget))
	for i := 0; i < n && f.Err() == nil; i++ {
		g := wire.ReadFields(d)
		c := Presence{Player: player(&g), Away: g.Bool("away"), Grace: g.Uint32("grace")}
		f.Fail(wrapf(g.Done(), "changes"))
		p.changes = append(p.changes, c)
	}
	if f.Err() == nil && n == 0 {
		f.Fail(errors.New("changes: a presence record without any"))
	}
	return f.Done()
}

func (x *End) encode(e *msgpack.Encoder) error {
	return encodeAll(e, 2, func() error { return wire.PutUint(e, uint64(x.Tick)) },
		func() error { return e.EncodeString(x.Reason) })
}

func (x *End) decode(d *msgpack.Decoder) error {
	f := wire.ReadFields(d)
	x.Tick = f.Uint32("lastTick")
	x.Reason = f.String("reason", MaxReasonBytes)
	return f.Done()
}

// encodeArrivals writes [[player, name, leaving], ...], or [[player, name], ...] without leaving
// (a keyframe's players).
func encodeArrivals(e *msgpack.Encoder, as []Arrival, leaving bool) error {
	n := 2
	if leaving {
		n = 3
	}
	if err := wire.PutArrayLen(e, len(as)); err != nil {
		return err
	}
	for _, a := range as {
		if err := encodeAll(e, n, func() error { return wire.PutUint(e, uint64(a.Player)) },
			func() error { return e.EncodeString(a.Name) },
			func() error {
				if !leaving {
					return nil
				}
				return e.EncodeBool(a.Leaving)
			}); err != nil {
			return err
		}
	}
	return nil
}

// decodeArrivals reads what encodeArrivals writes into a non-nil slice; a keyframe's players
// (leaving false) must be sorted by player.
func decodeArrivals(f *wire.Fields, d *msgpack.Decoder, name string, leaving bool, budget *int) []Arrival {
	n := f.Array(name)
	as := make([]Arrival, 0, count(f, name, n, budget))
	for i := 0; i < n && f.Err() == nil; i++ {
		g := wire.ReadFields(d)
		a := Arrival{Player: player(&g), Name: g.String("name", wire.MaxNameBytes)}
		if leaving {
			a.Leaving = g.Bool("leaving")
		}
		f.Fail(wrapf(g.Done(), name))
		if f.Err() == nil && !leaving && i > 0 && a.Player <= as[i-1].Player {
			f.Fail(fmt.Errorf("%s: player %d after player %d: not sorted by player", name, a.Player, as[i-1].Player))
		}
		as = append(as, a)
	}
	return as
}

// player reads a player id field: 0 is never a player.
func player(f *wire.Fields) sim.PlayerID {
	p := sim.PlayerID(f.Int("player", 1, 1<<32-1))
	if p == 0 { // absent: a missing field reads as 0
		f.Fail(errors.New("player: missing"))
	}
	return p
}

// readBytes reads a binary field of at most max bytes (msgpack bin; a str or nil is taken too).
func readBytes(f *wire.Fields, name string, max int) []byte {
	s := f.String(name, max)
	if s == "" {
		return nil
	}
	return []byte(s)
}

// encodeAll writes an array of n elements, the first len(fields) of which the functions write.
func encodeAll(e *msgpack.Encoder, n int, fields ...func() error) error {
	if err := wire.PutArrayLen(e, n); err != nil {
		return err
	}
	for _, f := range fields {
		if err := f(); err != nil {
			return err
		}
	}
	return nil
}

// wrapf prefixes a non-nil err with what was being read.
func wrapf(err error, what string) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}
