package wire

import (
	"fmt"

	"github.com/tickwire/tickwire/shared/sim"
	"github.com/vmihailenco/msgpack/v5"
)

// ProtocolVersion is the version a client states in its hello. It changes only when a change is
// incompatible (see docs/PROTOCOL.md); a server refuses any other version with [CloseBadVersion].
// Version 2 changed the meaning of an input's tick: it is the tick the input is for, which the
// server waits for (see [InputHeader]).
const ProtocolVersion = 2

// Limits on the strings of the handshake, in bytes. The server applies stricter rules on top
// (allowed characters, length in runes); these only bound what a decoder accepts.
const (
	MaxNameBytes   = 64
	MaxRoomBytes   = 64
	MaxGameBytes   = 32
	MaxReasonBytes = 123 // what fits in a WebSocket close frame
	// MaxTokenBytes bounds a resume or reservation token: a signed JWT naming its node, game, room,
	// seat and player (about 300 bytes; names at their limits stay under 512).
	MaxTokenBytes = 512
	// MaxURLBytes bounds a redirect's URL.
	MaxURLBytes = 256
)

// Hello is the client's first frame.
//
//	[version, game, room, name, spectate, private, resume, reservation, auth]
type Hello struct {
	Version uint32
	Game    string // the game to play; empty means the server's default game
	Room    string // the room to join or create; empty means any room with a free seat
	Name    string // the player's display name; a spectator may leave it empty
	// Spectate asks to watch the room rather than play: the client gets what players get but sends
	// no input and takes no seat. Appended in version 1; absent means false.
	Spectate bool
	// Private asks that the named room, if this hello opens it, be left out of the room list and out
	// of auto-fill: only those who know its name can join. Appended in version 1; absent means false.
	Private bool
	// Resume is the token of an earlier welcome: the client lost its connection and asks for its
	// seat back (same player, same state). Empty joins afresh. Appended in version 1.
	Resume string
	// Reservation is the token of a [Redirect]: a seat another node reserved for this hello on the
	// node the client was sent to. Appended (compatibly) in version 2; an encoder writes it only
	// when it is not empty, so a hello without one is seven fields as before.
	Reservation string
	// Auth is a token the page got from the game's own login (or its URL), for the server's
	// authenticator (the game developer's code; see lobby.Authenticator); the toolkit does not read
	// it. Appended (compatibly) in version 2, written only when it is not empty.
	Auth string
}

func (*Hello) Op() Op { return OpHello }

func (m *Hello) EncodeBody(e *msgpack.Encoder) error {
	n := 7
	if m.Reservation != "" {
		n = 8
	}
	if m.Auth != "" {
		n = 9
	}
	return encodeAll(e, n, func() error { return PutUint(e, uint64(m.Version)) },
		func() error { return e.EncodeString(m.Game) },
		func() error { return e.EncodeString(m.Room) },
		func() error { return e.EncodeString(m.Name) },
		func() error { return e.EncodeBool(m.Spectate) },
		func() error { return e.EncodeBool(m.Private) },
		func() error { return e.EncodeString(m.Resume) },
		func() error {
			if n < 8 {
				return nil
			}
			return e.EncodeString(m.Reservation)
		},
		func() error {
			if n < 9 {
				return nil
			}
			return e.EncodeString(m.Auth)
		})
}

func (m *Hello) DecodeBody(d *msgpack.Decoder) error {
	f := ReadFields(d)
	m.Version = f.Uint32("version")
	m.Game = f.String("game", MaxGameBytes)
	m.Room = f.String("room", MaxRoomBytes)
	m.Name = f.String("name", MaxNameBytes)
	m.Spectate = f.Bool("spectate")
	m.Private = f.Bool("private")
	m.Resume = f.String("resume", MaxTokenBytes)
	m.Reservation = f.String("reservation", MaxTokenBytes)
	m.Auth = f.String("auth", MaxTokenBytes)
	return f.Done()
}

// Welcome accepts a hello: who the player is and how the room runs.
//
//	[player, game, room, tickRate, snapshotRate, tick, maxPlayers, spectator, private, resume, restored]
type Welcome struct {
	Player       sim.PlayerID // 0 for a spectator
	Game         string
	Room         string
	TickRate     uint32 // simulation steps per second
	SnapshotRate uint32 // snapshots per second
	Tick         uint32 // the room's current tick
	MaxPlayers   uint32
	// Spectator says the client watches: it must send no input and no game message. Appended in
	// version 1; absent means false.
	Spectator bool
	// Private says the room is private: not listed, joined only by name. Appended in version 1.
	Private bool
	// Resume is the token that gets this seat back after a lost connection (see Hello.Resume); each
	// welcome carries a new one, and the previous one stops working. Empty for spectators.
	// Appended in version 1.
	Resume string
	// Restored, in the first welcome of a seat whose room was restored from a checkpoint after its
	// server died, is the tick the room was restored at: the room went back to it, and the client,
	// which may have seen later ticks, tells its player so (it may be welcomed at a later tick
	// still, if the room played on before it came back). 0 otherwise. Appended (compatibly) in
	// version 2; an encoder writes it only when it is not 0, so a welcome without it is ten fields
	// as before.
	Restored uint32
	// Name, when the room seated the player under a name other than the hello's, is that name:
	// no two seats of a room hold one name, so a second "Ann" is "Ann 2". Empty when the name is
	// the hello's (trimmed). Appended (compatibly) later in version 2; an encoder writes it only
	// when it is not empty (with restored before it, 0 if need be).
	Name string
}

func (*Welcome) Op() Op { return OpWelcome }

func (m *Welcome) EncodeBody(e *msgpack.Encoder) error {
	n := 10
	switch {
	case m.Name != "":
		n = 12
	case m.Restored != 0:
		n = 11
	}
	return encodeAll(e, n, func() error { return PutUint(e, uint64(m.Player)) },
		func() error { return e.EncodeString(m.Game) },
		func() error { return e.EncodeString(m.Room) },
		func() error { return PutUint(e, uint64(m.TickRate)) },
		func() error { return PutUint(e, uint64(m.SnapshotRate)) },
		func() error { return PutUint(e, uint64(m.Tick)) },
		func() error { return PutUint(e, uint64(m.MaxPlayers)) },
		func() error { return e.EncodeBool(m.Spectator) },
		func() error { return e.EncodeBool(m.Private) },
		func() error { return e.EncodeString(m.Resume) },
		func() error {
			if n < 11 {
				return nil
			}
			return PutUint(e, uint64(m.Restored))
		},
		func() error {
			if n < 12 {
				return nil
			}
			return e.EncodeString(m.Name)
		})
}

func (m *Welcome) DecodeBody(d *msgpack.Decoder) error {
	f := ReadFields(d)
	m.Player = sim.PlayerID(f.Uint32("player"))
	m.Game = f.String("game", MaxGameBytes)
	m.Room = f.String("room", MaxRoomBytes)
	m.TickRate = f.Uint32("tickRate")
	m.SnapshotRate = f.Uint32("snapshotRate")
	m.Tick = f.Uint32("tick")
	m.MaxPlayers = f.Uint32("maxPlayers")
	m.Spectator = f.Bool("spectator")
	m.Private = f.Bool("private")
	m.Resume = f.String("resume", MaxTokenBytes)
	m.Restored = f.Uint32("restored")
	m.Name = f.String("name", MaxNameBytes)
	return f.Done()
}

// Snapshot is the room's state as of a tick, as the receiving client may see it.
//
//	[tick, ack, [[id, kind, field...], ...], check]
type Snapshot struct {
	Tick uint32
	// Ack is the sequence number of the newest input from the receiving client that the server has
	// applied; 0 before any.
	Ack      uint32
	Entities []sim.Entity
	// Check is the desync check of the receiving player's own entity at Tick ([Checksum]), on some
	// snapshots (every 10th by default); 0 on the others. Appended (compatibly) in version 2; an
	// encoder writes it only when it is not 0, so a snapshot without it is three fields as before.
	Check uint32
}

func (*Snapshot) Op() Op { return OpSnapshot }

func (m *Snapshot) EncodeBody(e *msgpack.Encoder) error {
	n := 3
	if m.Check != 0 {
		n = 4
	}
	if err := encodeAll(e, n, func() error { return PutUint(e, uint64(m.Tick)) },
		func() error { return PutUint(e, uint64(m.Ack)) }); err != nil {
		return err
	}
	if err := EncodeEntities(e, m.Entities); err != nil || n == 3 {
		return err
	}
	return PutUint(e, uint64(m.Check))
}

// DecodeBody reads a snapshot, reusing the capacity of m.Entities.
func (m *Snapshot) DecodeBody(d *msgpack.Decoder) error {
	f := ReadFields(d)
	m.Tick = f.Uint32("tick")
	m.Ack = f.Uint32("ack")
	n := f.Array("entities")
	// Size the slice once: growing it by append would allocate about five times the final size in
	// all, breaking the bound that Validate's doc promises. n is bounded by the frame's size.
	m.Entities = m.Entities[:0]
	if cap(m.Entities) < n {
		m.Entities = make([]sim.Entity, 0, n)
	}
	for i := 0; i < n && f.Err() == nil; i++ {
		var ent sim.Entity
		f.Fail(decodeEntity(d, &ent))
		m.Entities = append(m.Entities, ent)
	}
	m.Check = f.Uint32("check")
	return f.Done()
}

// EncodeEntities writes entities as the msgpack array a snapshot carries. The room encodes the array
// once per snapshot and shares the bytes between clients (see [AppendSnapshot]).
func EncodeEntities(e *msgpack.Encoder, ents []sim.Entity) error {
	if err := PutArrayLen(e, len(ents)); err != nil {
		return err
	}
	for i := range ents {
		if err := encodeEntity(e, &ents[i], uint64(ents[i].ID)); err != nil {
			return err
		}
	}
	return nil
}

// AppendEntities appends the msgpack array of entities to dst.
func AppendEntities(dst []byte, ents []sim.Entity) ([]byte, error) {
	enc := getEncoder(dst)
	defer putEncoder(enc)
	err := EncodeEntities(enc.e, ents)
	return enc.w.b, err
}

// AppendSnapshot appends a snapshot frame to dst whose entity array is already encoded (by
// [AppendEntities]). The result is byte-identical to encoding a [Snapshot].
func AppendSnapshot(dst []byte, tick, ack uint32, entities []byte) []byte {
	enc := getEncoder(dst)
	defer putEncoder(enc)
	e := enc.e
	// Writes to an AppendWriter cannot fail.
	_ = PutArrayLen(e, 2)
	_ = PutUint(e, uint64(OpSnapshot))
	_ = PutArrayLen(e, 3)
	_ = PutUint(e, uint64(tick))
	_ = PutUint(e, uint64(ack))
	return append(enc.w.b, entities...)
}

func decodeEntity(d *msgpack.Decoder, ent *sim.Entity) error {
	f := ReadFields(d)
	n := f.Left()
	if n < 2 || n > 2+sim.MaxFields {
		return fmt.Errorf("entity has %d elements, want 2 to %d", n, 2+sim.MaxFields)
	}
	ent.ID = sim.EntityID(f.Uint32("id"))
	ent.Kind = sim.Kind(f.Int("kind", 0, 255))
	// Not f.Left(): after an error the reader stops counting, and Left would exceed MaxFields.
	ent.N = uint8(n - 2)
	if r, isSlice := d.Buffered().(*sliceReader); isSlice && f.Err() == nil {
		// The hot loop of every snapshot: read the fields in place.
		for i := range int(ent.N) {
			v, ok, err := r.int64()
			if !ok || err != nil || v < -1<<31 || v > 1<<31-1 {
				if ok && err == nil {
					err = fmt.Errorf("field = %d out of range for int32", v)
				} else if !ok {
					err = fmt.Errorf("field: not an integer")
				}
				return fmt.Errorf("entity %d: %w", ent.ID, err)
			}
			ent.Fields[i] = int32(v)
		}
		return nil
	}
	for i := range int(ent.N) {
		ent.Fields[i] = int32(f.Int("field", -1<<31, 1<<31-1))
	}
	return f.Done()
}

// RosterEntry is one player in a [Roster].
type RosterEntry struct {
	Player sim.PlayerID
	Name   string
}

// Roster lists the room's players. The server sends it on join and whenever a player joins or leaves.
//
//	[[player, name], ...]
type Roster struct {
	Players []RosterEntry
}

func (*Roster) Op() Op { return OpRoster }

func (m *Roster) EncodeBody(e *msgpack.Encoder) error {
	if err := PutArrayLen(e, len(m.Players)); err != nil {
		return err
	}
	for _, p := range m.Players {
		if err := encodeAll(e, 2, func() error { return PutUint(e, uint64(p.Player)) },
			func() error { return e.EncodeString(p.Name) }); err != nil {
			return err
		}
	}
	return nil
}

func (m *Roster) DecodeBody(d *msgpack.Decoder) error {
	n, err := d.DecodeArrayLen()
	if err != nil {
		return err
	}
	n = max(n, 0)
	m.Players = m.Players[:0]
	if cap(m.Players) < n { // one allocation, as for a snapshot's entities
		m.Players = make([]RosterEntry, 0, n)
	}
	for range n {
		f := ReadFields(d)
		p := RosterEntry{Player: sim.PlayerID(f.Uint32("player")), Name: f.String("name", MaxNameBytes)}
		if err := f.Done(); err != nil {
			return err
		}
		m.Players = append(m.Players, p)
	}
	return nil
}

// Bye tells the peer why the connection is about to close; the close frame repeats code and reason.
//
//	[code, reason]
type Bye struct {
	Code   CloseCode
	Reason string
}

func (*Bye) Op() Op { return OpBye }

func (m *Bye) EncodeBody(e *msgpack.Encoder) error {
	return encodeAll(e, 2, func() error { return PutUint(e, uint64(m.Code)) },
		func() error { return e.EncodeString(m.Reason) })
}

func (m *Bye) DecodeBody(d *msgpack.Decoder) error {
	f := ReadFields(d)
	m.Code = CloseCode(f.Int("code", 0, 4999))
	m.Reason = f.String("reason", MaxReasonBytes)
	return f.Done()
}

// Redirect tells a client that its hello is played on another node: it is to connect to URL (a
// WebSocket URL) and send the same hello with Token as its Reservation field (an empty Token means
// none: a resume or a spectator is redirected without one). The server follows it with a bye and a
// close with [CloseRedirect]; a client follows it without showing the player anything.
//
//	[url, token]
type Redirect struct {
	URL   string
	Token string
}

func (*Redirect) Op() Op { return OpRedirect }

func (m *Redirect) EncodeBody(e *msgpack.Encoder) error {
	return encodeAll(e, 2, func() error { return e.EncodeString(m.URL) },
		func() error { return e.EncodeString(m.Token) })
}

func (m *Redirect) DecodeBody(d *msgpack.Decoder) error {
	f := ReadFields(d)
	m.URL = f.String("url", MaxURLBytes)
	m.Token = f.String("token", MaxTokenBytes)
	return f.Done()
}

// Ping asks for a [Pong]; ClientTime is any 32-bit reading of the client's clock (the Go client uses
// wrapping microseconds), echoed back unchanged.
//
//	[clientTime]
type Ping struct {
	ClientTime uint32
}

func (*Ping) Op() Op { return OpPing }

func (m *Ping) EncodeBody(e *msgpack.Encoder) error {
	return encodeAll(e, 1, func() error { return PutUint(e, uint64(m.ClientTime)) })
}

func (m *Ping) DecodeBody(d *msgpack.Decoder) error {
	f := ReadFields(d)
	m.ClientTime = f.Uint32("clientTime")
	return f.Done()
}

// Pong answers a [Ping] with the ping's time and the room's tick when it was answered.
//
//	[clientTime, tick]
type Pong struct {
	ClientTime uint32
	Tick       uint32
}

func (*Pong) Op() Op { return OpPong }

func (m *Pong) EncodeBody(e *msgpack.Encoder) error {
	return encodeAll(e, 2, func() error { return PutUint(e, uint64(m.ClientTime)) },
		func() error { return PutUint(e, uint64(m.Tick)) })
}

func (m *Pong) DecodeBody(d *msgpack.Decoder) error {
	f := ReadFields(d)
	m.ClientTime = f.Uint32("clientTime")
	m.Tick = f.Uint32("tick")
	return f.Done()
}

// encodeAll writes an array of n elements, the first len(fields) of which the functions write; a
// caller writes the rest itself.
func encodeAll(e *msgpack.Encoder, n int, fields ...func() error) error {
	if err := PutArrayLen(e, n); err != nil {
		return err
	}
	for _, f := range fields {
		if err := f(); err != nil {
			return err
		}
	}
	return nil
}
