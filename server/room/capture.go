package room

import (
	"bytes"
	"errors"
	"fmt"
	"math"

	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"
)

// Capture and restore. A room stopped between two ticks is captured whole: the game's state (its
// entity table, which sim.Game's contract says describes it fully, and the room state of a game
// that keeps one, see [StateKeeper]), the tick, and every seat with its player, its resume tokens,
// its grace period and the inputs and messages it holds for ticks not yet stepped. [Factory.Restore]
// turns a capture into a room that steps on from the next tick exactly as the captured room would
// have, given the same inputs: a room moves to another server (Room.Freeze, Capture.Marshal, then
// Restore there) or comes back from a checkpoint (Config.CheckpointEvery) after its server died.
//
// What a capture leaves out, on purpose: the connections (every restored seat is held, as after a
// lost connection, until its player resumes it with the token the client holds), the spectators
// (they watch again through Watch), the delta baselines (every client's next snapshot is full) and
// the snapshot history lag compensation rewinds into (an input with a rewind is judged again once
// the restored room has sent a snapshot; until then, for at most one snapshot interval, it is not).

// CaptureFormat is the version of the encoding Marshal writes and UnmarshalCapture reads. It
// changes when the encoding does, not when a game's state does (that is sim.Info.StateVersion).
const CaptureFormat = 1

// Limits on a capture that UnmarshalCapture accepts, generous for a room of a thousand players.
const (
	// MaxCaptureSeats is the most seats a capture holds.
	MaxCaptureSeats = 1 << 14
	// MaxCaptureEntities is the most entities a captured state holds.
	MaxCaptureEntities = 1 << 20
	// MaxCaptureRoomState is the most bytes of a game's room state ([StateKeeper]).
	MaxCaptureRoomState = 1 << 24
	// MaxCaptureHeld is the most inputs one seat holds for future ticks (Config.InputLead).
	MaxCaptureHeld = 1 << 12
	// MaxCaptureInput is the most bytes of one encoded input.
	MaxCaptureInput = 1 << 10
	// MaxCaptureMessages is the most game messages one seat holds between two ticks
	// (Config.MessageQueue).
	MaxCaptureMessages = 1 << 10
	// MaxCaptureMessage is the most bytes of one game message's body.
	MaxCaptureMessage = 1 << 14
	// maxCaptureTickRate bounds the tick rate, so that a hostile capture cannot ask for a ring of
	// billions of slots (the input lead defaults to twice the tick rate).
	maxCaptureTickRate = 1 << 12
	// maxCaptureSpectators bounds MaxSpectators.
	maxCaptureSpectators = 1 << 16
	// maxCaptureTicks bounds counts of ticks (grace left, ticks without input).
	maxCaptureTicks = 1 << 30
)

// ErrCaptureVersion is matched (errors.Is) by the error of a capture this server cannot read: of
// another game, another StateVersion of the game, or another CaptureFormat. The room it holds stays
// where it is (it drains the old way).
var ErrCaptureVersion = errors.New("capture of another version")

// Capture is a room's whole state between two ticks. Make one with Room.Freeze (or find one in a
// checkpoint), send it with Marshal and UnmarshalCapture, and restore it with Factory.Restore.
type Capture struct {
	// Game is the game's name, StateVersion its sim.Info.StateVersion when captured.
	Game         string
	StateVersion int
	// Room is the room's name; Private marks a room that is not listed.
	Room    string
	Private bool
	// TickRate and SnapshotRate are the room's steps and snapshots per second.
	TickRate, SnapshotRate int
	// MaxPlayers is the room's seats, MaxSpectators the most spectators it takes.
	MaxPlayers, MaxSpectators int
	// Tick is the last tick stepped: a restored room steps Tick+1 next.
	Tick uint32
	// Snapshots counts the snapshots sent so far, so that a restored room keeps their spacing.
	Snapshots int
	// Entities is the game's state (sim.Game.Entities), sorted by id.
	Entities []sim.Entity
	// RoomState is the rest of the game's state, for a game that is a [StateKeeper]; nil otherwise.
	RoomState []byte
	// Spectators is how many spectators were watching (they are not restored: they watch again).
	Spectators int
	// Seats are the players' seats, sorted by player.
	Seats []SeatCapture
	// Departed are the last seats removed, oldest first, so that a restored room still tells a
	// resume naming one of them why it is gone.
	Departed []DepartedSeat
}

// SeatCapture is one player's seat in a [Capture].
type SeatCapture struct {
	Player sim.PlayerID
	Name   string
	// Secret is the secret of the seat's current resume token, Kept the one its client is known to
	// hold (see resume.go): a restored seat is resumed with either.
	Secret, Kept [16]byte
	// Detached is true when the seat's connection was already lost; GraceLeft is then the ticks of
	// its grace period left. (A seat connected when captured gets the whole Config.ResumeGrace.)
	Detached  bool
	GraceLeft int
	// Input is the input in force, one msgpack value written by the game's wire.InputCodec; Rewind
	// is its rewind, Missing the ticks since the player's last fresh input (see input.go).
	Input   []byte
	Rewind  uint32
	Missing int
	// Held are the inputs received for ticks after Tick, sorted by tick.
	Held []HeldInput
	// Messages are the game messages received and not yet applied, in arrival order.
	Messages []HeldMessage
}

// HeldInput is an input a seat holds for a tick not yet stepped.
type HeldInput struct {
	Tick, Seq, Rewind uint32
	// Input is the input, one msgpack value written by the game's wire.InputCodec.
	Input []byte
}

// HeldMessage is a game message (see [Messenger]) a seat holds for the next tick: its op and its
// body as the message's EncodeBody writes it.
type HeldMessage struct {
	Op   wire.Op
	Body []byte
}

// DepartedSeat is a seat removed before the capture, remembered so that a resume naming it is told
// why it is gone.
type DepartedSeat struct {
	Player       sim.PlayerID
	Secret, Kept [16]byte
	// Expired is true when the seat's grace period ran out, false when its player left.
	Expired bool
}

// StateKeeper is implemented by a game whose state holds more than its entities describe: room
// state such as a match's settings or a lobby's votes, which no client needs to see. The room finds
// it with a type assertion, and a capture carries what SaveRoomState writes; a restored room calls
// LoadRoomState after the game's Restore of the entities. Neither pong nor the arena needs it: all
// their state is in their entities. Like Step, both must be pure functions of their arguments.
type StateKeeper[S any] interface {
	// SaveRoomState appends the room state of s to dst and returns it.
	SaveRoomState(s *S, dst []byte) []byte
	// LoadRoomState sets the room state of s from what SaveRoomState wrote. data comes from the
	// network: a value the game cannot take is an error.
	LoadRoomState(s *S, data []byte) error
}

// check reports whether c is a capture a room can be restored from (whatever the game).
func (c *Capture) check() error {
	switch {
	case c.Game == "" || len(c.Game) > wire.MaxGameBytes:
		return fmt.Errorf("game name %q", c.Game)
	case len(c.Room) > wire.MaxRoomBytes:
		return fmt.Errorf("room name of %d bytes, at most %d", len(c.Room), wire.MaxRoomBytes)
	case c.StateVersion < 0:
		return fmt.Errorf("state version %d", c.StateVersion)
	case c.TickRate < 1 || c.TickRate > maxCaptureTickRate:
		return fmt.Errorf("tick rate %d, want 1 to %d", c.TickRate, maxCaptureTickRate)
	case c.SnapshotRate < 1 || c.SnapshotRate > c.TickRate:
		return fmt.Errorf("snapshot rate %d, want 1 to the tick rate %d", c.SnapshotRate, c.TickRate)
	case c.MaxPlayers < max(1, len(c.Seats)) || c.MaxPlayers > MaxCaptureSeats:
		return fmt.Errorf("%d seats of %d, at most %d", len(c.Seats), c.MaxPlayers, MaxCaptureSeats)
	case c.MaxSpectators < 0 || c.MaxSpectators > maxCaptureSpectators || c.Spectators < 0:
		return fmt.Errorf("%d spectators of %d", c.Spectators, c.MaxSpectators)
	case c.Snapshots < 0 || int64(c.Snapshots) > int64(c.Tick):
		return fmt.Errorf("%d snapshots sent in %d ticks", c.Snapshots, c.Tick)
	case len(c.Entities) > MaxCaptureEntities || len(c.RoomState) > MaxCaptureRoomState:
		return fmt.Errorf("%d entities and %d bytes of room state", len(c.Entities), len(c.RoomState))
	case len(c.Departed) > len(departures{}.last):
		return fmt.Errorf("%d departed seats, at most %d", len(c.Departed), len(departures{}.last))
	}
	for i := range c.Seats {
		s := &c.Seats[i]
		if err := s.check(c.Tick); err != nil {
			return fmt.Errorf("seat %d: %w", s.Player, err)
		}
		if i > 0 && c.Seats[i-1].Player >= s.Player {
			return fmt.Errorf("seat %d after seat %d: seats must be sorted by player", s.Player, c.Seats[i-1].Player)
		}
	}
	for _, d := range c.Departed {
		if d.Player == 0 {
			return errors.New("a departed seat of player 0")
		}
	}
	return nil
}

func (s *SeatCapture) check(tick uint32) error {
	switch {
	case s.Player == 0:
		return errors.New("player 0")
	case len(s.Name) > wire.MaxNameBytes:
		return fmt.Errorf("name of %d bytes, at most %d", len(s.Name), wire.MaxNameBytes)
	case s.GraceLeft < 0 || s.GraceLeft > maxCaptureTicks || s.Detached && s.GraceLeft == 0:
		return fmt.Errorf("grace of %d ticks left", s.GraceLeft)
	case s.Missing < 0 || s.Missing > maxCaptureTicks:
		return fmt.Errorf("%d ticks without input", s.Missing)
	case len(s.Input) == 0 || len(s.Input) > MaxCaptureInput:
		return fmt.Errorf("input in force of %d bytes", len(s.Input))
	case len(s.Held) > MaxCaptureHeld || len(s.Messages) > MaxCaptureMessages:
		return fmt.Errorf("%d held inputs and %d messages", len(s.Held), len(s.Messages))
	}
	for i, h := range s.Held {
		switch {
		case h.Tick <= tick:
			return fmt.Errorf("an input held for tick %d, already stepped", h.Tick)
		case i > 0 && s.Held[i-1].Tick >= h.Tick:
			return fmt.Errorf("held inputs not sorted by tick (%d after %d)", h.Tick, s.Held[i-1].Tick)
		case len(h.Input) == 0 || len(h.Input) > MaxCaptureInput:
			return fmt.Errorf("held input of %d bytes", len(h.Input))
		}
	}
	for _, m := range s.Messages {
		if !m.Op.IsGameOp() || len(m.Body) == 0 || len(m.Body) > MaxCaptureMessage {
			return fmt.Errorf("message with op %d and %d bytes", uint8(m.Op), len(m.Body))
		}
	}
	return nil
}

// Marshal encodes c (msgpack, positional like the protocol's messages):
//
//	[format, game, stateVersion, room, private, tickRate, snapshotRate, maxPlayers, maxSpectators,
//	 snapshots, spectators, state, roomState, [seat...], [departed...]]
//	state    = [tick, 0, [[id, kind, field...]...]]   (a full snapshot's body: wire.Snapshot)
//	seat     = [player, name, secret, kept, detached, graceLeft, input, rewind, missing,
//	            [[tick, seq, rewind, input]...], [[op, body]...]]
//	departed = [player, secret, kept, expired]
//
// roomState, secrets, inputs and bodies are msgpack bin (roomState nil when the game keeps none).
// A reader skips elements past the ones it knows, so a field can be appended within a format.
func (c *Capture) Marshal() ([]byte, error) {
	if err := c.check(); err != nil {
		return nil, fmt.Errorf("room: marshal capture: %w", err)
	}
	return c.encode()
}

// encode is Marshal without the check (tests encode bad captures with it).
func (c *Capture) encode() ([]byte, error) {
	var buf bytes.Buffer
	// Room for the usual entity and seat, so that the buffer grows once or never.
	buf.Grow(256 + len(c.RoomState) + 24*len(c.Entities) + 96*len(c.Seats))
	e := msgpack.NewEncoder(&buf)
	err := errors.Join(
		e.EncodeArrayLen(15),
		e.EncodeUint(CaptureFormat),
		e.EncodeString(c.Game),
		e.EncodeUint(uint64(c.StateVersion)),
		e.EncodeString(c.Room),
		e.EncodeBool(c.Private),
		e.EncodeUint(uint64(c.TickRate)),
		e.EncodeUint(uint64(c.SnapshotRate)),
		e.EncodeUint(uint64(c.MaxPlayers)),
		e.EncodeUint(uint64(c.MaxSpectators)),
		e.EncodeUint(uint64(c.Snapshots)),
		e.EncodeUint(uint64(c.Spectators)),
		(&wire.Snapshot{Tick: c.Tick, Entities: c.Entities}).EncodeBody(e),
		e.EncodeBytes(c.RoomState),
		e.EncodeArrayLen(len(c.Seats)),
	)
	for i := range c.Seats {
		err = errors.Join(err, c.Seats[i].encode(e))
	}
	err = errors.Join(err, e.EncodeArrayLen(len(c.Departed)))
	for _, d := range c.Departed {
		err = errors.Join(err, e.EncodeArrayLen(4), e.EncodeUint(uint64(d.Player)), e.EncodeBytes(d.Secret[:]),
			e.EncodeBytes(d.Kept[:]), e.EncodeBool(d.Expired))
	}
	if err != nil {
		return nil, fmt.Errorf("room: marshal capture: %w", err)
	}
	return buf.Bytes(), nil
}

func (s *SeatCapture) encode(e *msgpack.Encoder) error {
	err := errors.Join(
		e.EncodeArrayLen(11),
		e.EncodeUint(uint64(s.Player)),
		e.EncodeString(s.Name),
		e.EncodeBytes(s.Secret[:]),
		e.EncodeBytes(s.Kept[:]),
		e.EncodeBool(s.Detached),
		e.EncodeUint(uint64(s.GraceLeft)),
		e.EncodeBytes(s.Input),
		e.EncodeUint(uint64(s.Rewind)),
		e.EncodeUint(uint64(s.Missing)),
		e.EncodeArrayLen(len(s.Held)),
	)
	for _, h := range s.Held {
		err = errors.Join(err, e.EncodeArrayLen(4), e.EncodeUint(uint64(h.Tick)), e.EncodeUint(uint64(h.Seq)),
			e.EncodeUint(uint64(h.Rewind)), e.EncodeBytes(h.Input))
	}
	err = errors.Join(err, e.EncodeArrayLen(len(s.Messages)))
	for _, m := range s.Messages {
		err = errors.Join(err, e.EncodeArrayLen(2), e.EncodeUint(uint64(m.Op)), e.EncodeBytes(m.Body))
	}
	return err
}

// UnmarshalCapture decodes what Marshal wrote. data comes from the network: it is checked with
// wire.Validate before it is decoded, every length and number against the limits above, and the
// whole against what a room can be restored from. A capture of another CaptureFormat is refused
// with an error matching ErrCaptureVersion, any other bad capture with one matching
// wire.ErrMalformed.
func UnmarshalCapture(data []byte) (*Capture, error) {
	// The format first, so that a capture of a later format is refused as such even if the rest is
	// something this version's validation does not accept.
	d := msgpack.NewDecoder(bytes.NewReader(data))
	r := capReader{d: d}
	r.fields("capture", 1)
	if format := r.uint("format", math.MaxUint32); r.err == nil && format != CaptureFormat {
		return nil, fmt.Errorf("room: %w: capture format %d, this server reads format %d", ErrCaptureVersion, format, CaptureFormat)
	}
	if err := wire.Validate(data); err != nil {
		return nil, fmt.Errorf("room: capture: %w", err)
	}
	d.Reset(bytes.NewReader(data))
	r = capReader{d: d}
	c := &Capture{}
	extra := r.fields("capture", 15)
	r.uint("format", CaptureFormat)
	c.Game = r.str("game", wire.MaxGameBytes)
	c.StateVersion = int(r.uint("stateVersion", math.MaxInt32))
	c.Room = r.str("room", wire.MaxRoomBytes)
	c.Private = r.bool("private")
	c.TickRate = int(r.uint("tickRate", maxCaptureTickRate))
	c.SnapshotRate = int(r.uint("snapshotRate", maxCaptureTickRate))
	c.MaxPlayers = int(r.uint("maxPlayers", MaxCaptureSeats))
	c.MaxSpectators = int(r.uint("maxSpectators", maxCaptureSpectators))
	c.Snapshots = int(r.uint("snapshots", math.MaxUint32))
	c.Spectators = int(r.uint("spectators", maxCaptureSpectators))
	if r.err == nil {
		var snap wire.Snapshot
		if err := snap.DecodeBody(d); err != nil {
			r.fail("state", err)
		} else if snap.Ack != 0 || len(snap.Entities) > MaxCaptureEntities {
			r.fail("state", fmt.Errorf("ack %d and %d entities", snap.Ack, len(snap.Entities)))
		}
		c.Tick, c.Entities = snap.Tick, snap.Entities
	}
	c.RoomState = r.bytes("roomState", MaxCaptureRoomState)
	if n := r.array("seats", MaxCaptureSeats); n > 0 {
		c.Seats = make([]SeatCapture, n)
		for i := 0; i < n && r.err == nil; i++ {
			r.seat(&c.Seats[i])
		}
	}
	if n := r.array("departed", len(departures{}.last)); n > 0 {
		c.Departed = make([]DepartedSeat, n)
		for i := 0; i < n && r.err == nil; i++ {
			x := &c.Departed[i]
			more := r.fields("departed", 4)
			x.Player = sim.PlayerID(r.uint("player", math.MaxUint32))
			x.Secret = r.secret("secret")
			x.Kept = r.secret("kept")
			x.Expired = r.bool("expired")
			r.skip(more)
		}
	}
	r.skip(extra)
	if r.err == nil {
		r.err = c.check()
	}
	if r.err != nil {
		return nil, fmt.Errorf("room: capture: %w: %v", wire.ErrMalformed, r.err)
	}
	return c, nil
}

func (r *capReader) seat(s *SeatCapture) {
	more := r.fields("seat", 11)
	s.Player = sim.PlayerID(r.uint("player", math.MaxUint32))
	s.Name = r.str("name", wire.MaxNameBytes)
	s.Secret = r.secret("secret")
	s.Kept = r.secret("kept")
	s.Detached = r.bool("detached")
	s.GraceLeft = int(r.uint("graceLeft", maxCaptureTicks))
	s.Input = r.bytes("input", MaxCaptureInput)
	s.Rewind = uint32(r.uint("rewind", math.MaxUint32))
	s.Missing = int(r.uint("missing", maxCaptureTicks))
	if n := r.array("held", MaxCaptureHeld); n > 0 {
		s.Held = make([]HeldInput, n)
		for i := 0; i < n && r.err == nil; i++ {
			h := &s.Held[i]
			more := r.fields("held", 4)
			h.Tick = uint32(r.uint("tick", math.MaxUint32))
			h.Seq = uint32(r.uint("seq", math.MaxUint32))
			h.Rewind = uint32(r.uint("rewind", math.MaxUint32))
			h.Input = r.bytes("input", MaxCaptureInput)
			r.skip(more)
		}
	}
	if n := r.array("messages", MaxCaptureMessages); n > 0 {
		s.Messages = make([]HeldMessage, n)
		for i := 0; i < n && r.err == nil; i++ {
			m := &s.Messages[i]
			more := r.fields("message", 2)
			m.Op = wire.Op(r.uint("op", math.MaxUint8))
			m.Body = r.bytes("body", MaxCaptureMessage)
			r.skip(more)
		}
	}
	r.skip(more)
	if r.err != nil {
		r.err = fmt.Errorf("seat %d: %w", s.Player, r.err)
	}
}

// capReader reads a capture's values in order, keeping the first error (after which every read
// returns a zero value).
type capReader struct {
	d   *msgpack.Decoder
	err error
}

func (r *capReader) fail(name string, err error) {
	if r.err == nil {
		r.err = fmt.Errorf("%s: %w", name, err)
	}
}

// fields reads the header of a positional array that must hold at least known elements, and
// returns how many more it holds (to skip once the known ones are read).
func (r *capReader) fields(name string, known int) int {
	if r.err != nil {
		return 0
	}
	n, err := r.d.DecodeArrayLen()
	if err == nil && n < known {
		err = fmt.Errorf("%d elements, want at least %d", n, known)
	}
	if err != nil {
		r.fail(name, err)
		return 0
	}
	return n - known
}

// array reads the length of an array of at most most elements.
func (r *capReader) array(name string, most int) int {
	if r.err != nil {
		return 0
	}
	n, err := r.d.DecodeArrayLen()
	if err == nil && (n < 0 || n > most) {
		err = fmt.Errorf("%d elements, want 0 to %d", n, most)
	}
	if err != nil {
		r.fail(name, err)
		return 0
	}
	return n
}

func (r *capReader) skip(n int) {
	for ; n > 0 && r.err == nil; n-- {
		if err := r.d.Skip(); err != nil {
			r.fail("skipping", err)
		}
	}
}

// uint reads an unsigned integer of at most most: msgpack's positive integers only.
func (r *capReader) uint(name string, most uint64) uint64 {
	if r.err != nil {
		return 0
	}
	c, err := r.d.PeekCode()
	if err == nil && c > msgpcode.PosFixedNumHigh && (c < msgpcode.Uint8 || c > msgpcode.Uint64) {
		err = fmt.Errorf("msgpack code 0x%02x is not an unsigned integer", c)
	}
	var v uint64
	if err == nil {
		v, err = r.d.DecodeUint64()
	}
	if err == nil && v > most {
		err = fmt.Errorf("%d out of range [0, %d]", v, most)
	}
	if err != nil {
		r.fail(name, err)
		return 0
	}
	return v
}

func (r *capReader) bool(name string) bool {
	if r.err != nil {
		return false
	}
	c, err := r.d.PeekCode()
	if err == nil && c != msgpcode.True && c != msgpcode.False {
		err = fmt.Errorf("msgpack code 0x%02x is not a boolean", c)
	}
	var v bool
	if err == nil {
		v, err = r.d.DecodeBool()
	}
	if err != nil {
		r.fail(name, err)
	}
	return v
}

func (r *capReader) str(name string, most int) string {
	if r.err != nil {
		return ""
	}
	s, err := r.d.DecodeString()
	if err == nil && len(s) > most {
		err = fmt.Errorf("%d bytes, at most %d", len(s), most)
	}
	if err != nil {
		r.fail(name, err)
		return ""
	}
	return s
}

// bytes reads a msgpack bin (or nil) of at most most bytes.
func (r *capReader) bytes(name string, most int) []byte {
	if r.err != nil {
		return nil
	}
	c, err := r.d.PeekCode()
	if err == nil && c != msgpcode.Nil && c != msgpcode.Bin8 && c != msgpcode.Bin16 && c != msgpcode.Bin32 {
		err = fmt.Errorf("msgpack code 0x%02x is not binary", c)
	}
	var b []byte
	if err == nil {
		b, err = r.d.DecodeBytes()
	}
	if err == nil && len(b) > most {
		err = fmt.Errorf("%d bytes, at most %d", len(b), most)
	}
	if err != nil {
		r.fail(name, err)
		return nil
	}
	return b
}

func (r *capReader) secret(name string) [16]byte {
	var s [16]byte
	b := r.bytes(name, len(s))
	if r.err == nil && len(b) != len(s) {
		r.fail(name, fmt.Errorf("%d bytes, want %d", len(b), len(s)))
	}
	copy(s[:], b)
	return s
}
