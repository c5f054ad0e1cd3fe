package room

import (
	"bytes"
	"fmt"
	"time"

	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/vmihailenco/msgpack/v5"
)

// capture takes the room's whole state between two ticks (see capture.go). It runs on the room's
// goroutine, so it reads the seats' rings and message queues under their locks: a connection may
// be adding to them this instant.
func (r *room[S, I]) capture() (*Capture, error) {
	c := &Capture{
		Game: r.info.Name, StateVersion: r.info.StateVersion,
		Room: r.cfg.Name, Private: r.cfg.Private,
		TickRate: r.cfg.TickRate, SnapshotRate: r.cfg.SnapshotRate,
		MaxPlayers: r.cfg.MaxPlayers, MaxSpectators: r.cfg.MaxSpectators,
		Tick: r.tick.Load(), Snapshots: r.snapshot, Spectators: len(r.watchers),
		// Sized as the last capture's: the table is built once, without growing.
		Entities: r.g.Entities(&r.state, make([]sim.Entity, 0, r.capEntities)),
	}
	r.capEntities = len(c.Entities)
	if r.keeper != nil {
		c.RoomState = r.keeper.SaveRoomState(&r.state, []byte{})
	}
	enc := &r.capEnc
	enc.init()
	c.Seats = make([]SeatCapture, len(r.seats))
	for i, s := range r.seats {
		sc := &c.Seats[i]
		*sc = SeatCapture{Player: s.id, Name: s.name, Secret: s.secret, Kept: s.kept,
			Detached: s.detached, GraceLeft: s.graceLeft, Rewind: s.rewind, Missing: s.missing}
		if !s.detached {
			sc.GraceLeft = 0 // whatever it was: a restored seat connected now gets the whole grace
		}
		var err error
		if sc.Input, err = enc.input(r.g, &s.input); err != nil {
			return nil, fmt.Errorf("room: capture player %d's input: %w", s.id, err)
		}
		if err := r.captureHeld(s, sc, enc); err != nil {
			return nil, fmt.Errorf("room: capture player %d: %w", s.id, err)
		}
	}
	for i := range len(r.departed.last) { // oldest first
		x := r.departed.last[(r.departed.next+i)%len(r.departed.last)]
		if x.why != 0 {
			c.Departed = append(c.Departed, DepartedSeat{Player: x.player, Secret: x.secret, Kept: x.kept, Expired: x.why == departExpired})
		}
	}
	return c, nil
}

// captureHeld copies the inputs s holds for future ticks, sorted by tick, and its queued messages
// into sc.
func (r *room[S, I]) captureHeld(s *seat[S, I], sc *SeatCapture, enc *captureEncoder[I]) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	// The ring's slot for tick t is t%len, and every tick held is less than len after the last
	// one stepped: walking the slots from the one after it meets them in tick order.
	tick := r.tick.Load()
	n := uint32(len(s.ring))
	for k := uint32(1); k <= n; k++ {
		h := &s.ring[(tick+k)%n]
		if h.tick != tick+k {
			continue // empty
		}
		b, err := enc.input(r.g, &h.input)
		if err != nil {
			return err
		}
		sc.Held = append(sc.Held, HeldInput{Tick: h.tick, Seq: h.seq, Rewind: h.rewind, Input: b})
	}
	for _, m := range s.messages {
		b, err := enc.message(m)
		if err != nil {
			return fmt.Errorf("message %s: %w", m.Op(), err)
		}
		sc.Messages = append(sc.Messages, HeldMessage{Op: m.Op(), Body: b})
	}
	return nil
}

// captureEncoder encodes inputs and messages into byte slices of their own, reusing one encoder.
type captureEncoder[I any] struct {
	buf bytes.Buffer
	e   *msgpack.Encoder
}

func (c *captureEncoder[I]) init() {
	if c.e == nil {
		c.e = msgpack.NewEncoder(&c.buf)
	}
}

func (c *captureEncoder[I]) input(codec wire.InputCodec[I], in *I) ([]byte, error) {
	c.buf.Reset()
	if err := codec.EncodeInput(c.e, in); err != nil {
		return nil, err
	}
	return bytes.Clone(c.buf.Bytes()), nil
}

func (c *captureEncoder[I]) message(m wire.Message) ([]byte, error) {
	c.buf.Reset()
	if err := m.EncodeBody(c.e); err != nil {
		return nil, err
	}
	return bytes.Clone(c.buf.Bytes()), nil
}

// Restore returns a room that carries on from c (see capture.go): its state is the game's Restore
// of c's entities (and LoadRoomState of c's room state, for a StateKeeper), its next step is tick
// c.Tick+1, and every seat of c is held, as after a lost connection, for the seat's grace left if
// its connection was already lost, else for the whole cfg.ResumeGrace. A held seat keeps the input
// in force and the inputs and messages received for later ticks: until its player resumes it with
// a token the client holds, it plays on what the player already sent. The game's Join is not
// called: the entities hold the avatars. Spectators start at none.
//
// cfg is as for New, except that name, privacy, rates and capacities come from c. A capture of
// another game or another StateVersion is refused with an error matching ErrCaptureVersion.
func (f factory[S, I]) Restore(cfg Config, c *Capture) (Room, error) {
	info := f.g.Info()
	if c.Game != info.Name || c.StateVersion != info.StateVersion {
		return nil, fmt.Errorf("room: %w: a capture of %s version %d, this server runs %s version %d",
			ErrCaptureVersion, c.Game, c.StateVersion, info.Name, info.StateVersion)
	}
	if err := c.check(); err != nil {
		return nil, fmt.Errorf("room: restore %s: %w", c.Room, err)
	}
	cfg.Name, cfg.Private = c.Room, c.Private
	cfg.TickRate, cfg.SnapshotRate = c.TickRate, c.SnapshotRate
	cfg.MaxPlayers, cfg.MaxSpectators = c.MaxPlayers, c.MaxSpectators
	r := f.newRoom(cfg)
	if err := r.restore(c); err != nil {
		return nil, fmt.Errorf("room: restore %s: %w", c.Room, err)
	}
	return r, nil
}

// restore sets a new room's state and seats from c, which check passed.
func (r *room[S, I]) restore(c *Capture) error {
	for i := range c.Entities {
		if err := r.info.Schema.Check(&c.Entities[i]); err != nil {
			return err
		}
	}
	if err := r.g.Restore(&r.state, c.Entities); err != nil {
		return fmt.Errorf("the game's restore: %w", err)
	}
	switch {
	case r.keeper != nil:
		if err := r.keeper.LoadRoomState(&r.state, c.RoomState); err != nil {
			return fmt.Errorf("the game's room state: %w", err)
		}
	case len(c.RoomState) > 0:
		return fmt.Errorf("%d bytes of room state, which the game does not keep", len(c.RoomState))
	}
	r.tick.Store(c.Tick)
	r.snapshot = c.Snapshots
	grace := max(1, int(r.cfg.ResumeGrace*time.Duration(r.cfg.TickRate)/time.Second))
	r.seats = make([]*seat[S, I], 0, len(c.Seats))
	for i := range c.Seats {
		sc := &c.Seats[i]
		s, err := r.restoreSeat(sc)
		if err != nil {
			return fmt.Errorf("seat %d: %w", sc.Player, err)
		}
		s.graceLeft = grace
		if sc.Detached {
			s.graceLeft = sc.GraceLeft
			s.away = true // the game was told, before the capture (presence.go)
		}
		if r.cfg.Recovered {
			s.restored = c.Tick
		}
		r.seats = append(r.seats, s)
	}
	if r.cfg.Recovered && len(r.seats) > 0 {
		r.waiting = max(1, int(r.cfg.RecoveryWait*time.Duration(r.cfg.TickRate)/time.Second))
	}
	r.roster = len(r.seats) > 0
	for _, d := range c.Departed {
		why := departLeft
		if d.Expired {
			why = departExpired
		}
		r.departed.add(departed{player: d.Player, secret: d.Secret, kept: d.Kept, why: why})
	}
	r.cfg.Logger.Info("room restored", "tick", c.Tick, "players", len(r.seats), "recovered", r.cfg.Recovered)
	return nil
}

// playerBack reports whether a seat of the room has a connection again (a Recovered room waits for
// one before it steps), or the room has no seat to wait for.
func (r *room[S, I]) playerBack() bool {
	for _, s := range r.seats {
		if !s.detached {
			return true
		}
	}
	return len(r.seats) == 0
}

// restoreSeat returns the held seat sc describes.
func (r *room[S, I]) restoreSeat(sc *SeatCapture) (*seat[S, I], error) {
	s := &seat[S, I]{room: r, id: sc.Player, name: sc.Name, peer: detachedPeer{},
		ring: newInputRing[I](r.cfg.InputLead), decoder: wire.NewInputDecoder[I](r.g),
		taken: r.tick.Load(), joined: true, detached: true, moved: true,
		secret: sc.Secret, kept: sc.Kept, rewind: sc.Rewind, missing: sc.Missing}
	s.left.Store(true) // as after Detach: nothing speaks for the seat until a resume
	if err := r.decodeInput(sc.Input, &s.input); err != nil {
		return nil, fmt.Errorf("input in force: %w", err)
	}
	for _, h := range sc.Held {
		if h.Tick-r.tick.Load() > uint32(r.cfg.InputLead) {
			// This server holds inputs less far ahead than the captured room did: the input is
			// dropped, as it would have been had it arrived here.
			continue
		}
		held := heldInput[I]{tick: h.Tick, seq: h.Seq, rewind: h.Rewind}
		if err := r.decodeInput(h.Input, &held.input); err != nil {
			return nil, fmt.Errorf("input for tick %d: %w", h.Tick, err)
		}
		s.ring[h.Tick%uint32(len(s.ring))] = held
	}
	if len(sc.Messages) > 0 && r.msgr == nil {
		return nil, fmt.Errorf("%d game messages for a game that has none", len(sc.Messages))
	}
	for _, hm := range sc.Messages {
		if err := wire.Validate(hm.Body); err != nil {
			return nil, fmt.Errorf("message with op %d: %w", uint8(hm.Op), err)
		}
		m, err := r.msgs.Decode(wire.Frame{Op: hm.Op, Body: hm.Body}, wire.ToServer)
		if err != nil {
			return nil, err
		}
		s.messages = append(s.messages, m)
	}
	return s, nil
}

// decodeInput reads an input the game's codec wrote, as one whole msgpack value.
func (r *room[S, I]) decodeInput(b []byte, in *I) error {
	if err := wire.Validate(b); err != nil {
		return err
	}
	return wire.DecodeBody(b, func(d *msgpack.Decoder) error { return r.g.DecodeInput(d, in) })
}
