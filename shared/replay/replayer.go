package replay

import (
	"fmt"
	"slices"
	"sort"

	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/vmihailenco/msgpack/v5"
)

// Game is what a replay needs of a game: its step and its input codec.
type Game[S, I any] interface {
	sim.Game[S, I]
	wire.InputCodec[I]
}

// Messenger is the part of a game's message handling a replay needs: server/room's Messenger,
// found on the game with a type assertion.
type Messenger[S any] interface {
	Messages() wire.MessageSet
	Receive(s *S, tick uint32, from sim.PlayerID, m wire.Message)
	Events(s *S, dst []wire.Event) []wire.Event
}

// StateKeeper is implemented by a game whose state holds more than its entities describe: the
// same method set as server/room's StateKeeper. A keyframe carries what SaveRoomState writes, and
// a replayer calls LoadRoomState after the game's Restore of the keyframe's entities.
type StateKeeper[S any] interface {
	SaveRoomState(s *S, dst []byte) []byte
	LoadRoomState(s *S, data []byte) error
}

// Replayer steps a recording with the game's own code: the state it holds at [Replayer.Tick] is the
// state the room had after stepping that tick. It is not safe for concurrent use.
type Replayer[S, I any] struct {
	g      Game[S, I]
	rec    *Recording
	codec  inputCodec[I]
	msgr   Messenger[S]
	keeper StateKeeper[S]
	pres   sim.Presence[S]

	state  S
	tick   uint32
	inputs []sim.Input[I]
	events []wire.Event
	// players are the seated players at tick; seats[k] those at keyframe k.
	players []Arrival
	seats   [][]Arrival
}

// NewReplayer returns a replayer of rec at its first tick. It refuses a recording of another game
// or another state version of the game, and a first keyframe the game's schema or Restore refuses.
func NewReplayer[S, I any](g Game[S, I], rec *Recording) (*Replayer[S, I], error) {
	info := g.Info()
	h := &rec.Header
	if h.Game != info.Name {
		return nil, fmt.Errorf("replay: the recording is of game %q, not %q", h.Game, info.Name)
	}
	if h.StateVersion != info.StateVersion {
		return nil, fmt.Errorf("replay: the recording is of %s state version %d, the game is at version %d", h.Game, h.StateVersion, info.StateVersion)
	}
	if len(rec.Keyframes) == 0 {
		return nil, fmt.Errorf("replay: the recording has no keyframe")
	}
	p := &Replayer[S, I]{g: g, rec: rec, codec: codecOf[I](g)}
	p.msgr, _ = any(g).(Messenger[S])
	p.keeper, _ = any(g).(StateKeeper[S])
	p.pres, _ = any(g).(sim.Presence[S])
	for i := range rec.Keyframes {
		k := &rec.Keyframes[i]
		for j := range k.Entities {
			if err := info.Schema.Check(&k.Entities[j]); err != nil {
				return nil, fmt.Errorf("replay: keyframe of tick %d: %w", k.Tick, err)
			}
		}
	}
	p.seatAll()
	p.state = g.NewState(0)
	if err := p.restore(0); err != nil {
		return nil, err
	}
	return p, nil
}

// seatAll works out who is seated at every keyframe: a keyframe's own players when it has them,
// else those of the keyframe before with the arrivals since.
func (p *Replayer[S, I]) seatAll() {
	p.seats = make([][]Arrival, len(p.rec.Keyframes))
	var seated []Arrival
	k := 0
	for k < len(p.rec.Keyframes) && p.rec.Keyframes[k].Tick == p.First() {
		seated = p.keyframePlayers(k, seated)
		k++
	}
	for i := range p.rec.Ticks {
		t := &p.rec.Ticks[i]
		seated = seat(seated, t.Arrivals)
		for k < len(p.rec.Keyframes) && p.rec.Keyframes[k].Tick == t.Tick {
			seated = p.keyframePlayers(k, seated)
			k++
		}
	}
}

func (p *Replayer[S, I]) keyframePlayers(k int, seated []Arrival) []Arrival {
	if kp := p.rec.Keyframes[k].Players; kp != nil {
		seated = slices.Clone(kp)
	}
	p.seats[k] = slices.Clone(seated)
	return seated
}

// seat applies arrivals to the seated players, kept sorted by player.
func seat(seated []Arrival, arrivals []Arrival) []Arrival {
	for _, a := range arrivals {
		i, found := slices.BinarySearchFunc(seated, a.Player, func(x Arrival, p sim.PlayerID) int {
			return int(int64(x.Player) - int64(p))
		})
		switch {
		case a.Leaving && found:
			seated = slices.Delete(seated, i, i+1)
		case !a.Leaving && !found:
			seated = slices.Insert(seated, i, Arrival{Player: a.Player, Name: a.Name})
		}
	}
	return seated
}

// restore sets the state to keyframe k's.
func (p *Replayer[S, I]) restore(k int) error {
	kf := &p.rec.Keyframes[k]
	if err := p.g.Restore(&p.state, kf.Entities); err != nil {
		return fmt.Errorf("replay: keyframe of tick %d: %w", kf.Tick, err)
	}
	if p.keeper != nil {
		if err := p.keeper.LoadRoomState(&p.state, kf.RoomState); err != nil {
			return fmt.Errorf("replay: keyframe of tick %d: room state: %w", kf.Tick, err)
		}
	}
	if p.msgr != nil { // events from before the keyframe are not the replay's
		p.events = p.msgr.Events(&p.state, p.events[:0])
		clear(p.events)
	}
	p.tick = kf.Tick
	p.players = append(p.players[:0], p.seats[k]...)
	return nil
}

// First returns the first tick of the recording: the state it starts from.
func (p *Replayer[S, I]) First() uint32 { return p.rec.First() }

// Last returns the last tick of the recording.
func (p *Replayer[S, I]) Last() uint32 { return p.rec.Last() }

// Tick returns the tick whose state the replayer holds.
func (p *Replayer[S, I]) Tick() uint32 { return p.tick }

// State returns the state at Tick. The replayer keeps stepping it: copy what must outlive a Step.
func (p *Replayer[S, I]) State() *S { return &p.state }

// Entities appends the state's entities at Tick to dst and returns it.
func (p *Replayer[S, I]) Entities(dst []sim.Entity) []sim.Entity { return p.g.Entities(&p.state, dst) }

// Players returns the players seated at Tick, sorted by player, with their names. The slice is the
// replayer's until the next Step or Seek.
func (p *Replayer[S, I]) Players() []Arrival { return p.players }

// Step steps the next tick as the room did: its arrivals (Join, Leave), its presence changes
// (Away, Back), its game messages (Receive), then Step with its inputs. It fails past the last tick, and on an input or message the
// game's decoders refuse.
func (p *Replayer[S, I]) Step() error {
	if p.tick >= p.Last() {
		return fmt.Errorf("replay: no tick after %d, the last", p.tick)
	}
	t := &p.rec.Ticks[p.tick-p.First()] // the ticks follow each other from First+1 (Read checks)
	for _, a := range t.Arrivals {
		if a.Leaving {
			p.g.Leave(&p.state, a.Player)
		} else {
			p.g.Join(&p.state, a.Player)
		}
	}
	p.players = seat(p.players, t.Arrivals)
	if len(t.Presence) > 0 && p.pres == nil {
		return fmt.Errorf("replay: tick %d: a presence change, and game %q has no sim.Presence", t.Tick, p.rec.Header.Game)
	}
	for _, c := range t.Presence {
		if c.Away {
			p.pres.Away(&p.state, t.Tick, c.Player, c.Grace)
		} else {
			p.pres.Back(&p.state, t.Tick, c.Player)
		}
	}
	if len(t.Messages) > 0 {
		if p.msgr == nil {
			return fmt.Errorf("replay: tick %d: a game message, and game %q takes none", t.Tick, p.rec.Header.Game)
		}
		set := p.msgr.Messages()
		for _, m := range t.Messages {
			msg, err := set.Decode(wire.Frame{Op: m.Op, Body: m.Body}, wire.ToServer)
			if err != nil {
				return fmt.Errorf("replay: tick %d: player %d's message: %w", t.Tick, m.Player, err)
			}
			p.msgr.Receive(&p.state, t.Tick, m.Player, msg)
		}
	}
	p.inputs = p.inputs[:0]
	for _, in := range t.Inputs {
		var v I
		if err := wire.DecodeBody(in.Input, func(d *msgpack.Decoder) error { return p.codec.decode(d, &v) }); err != nil {
			return fmt.Errorf("replay: tick %d: player %d's input: %w", t.Tick, in.Player, err)
		}
		p.inputs = append(p.inputs, sim.Input[I]{Player: in.Player, Input: v})
	}
	p.g.Step(&p.state, t.Tick, p.inputs)
	if p.msgr != nil { // the room sends them; a replay has no one to send them to
		p.events = p.msgr.Events(&p.state, p.events[:0])
		clear(p.events)
	}
	p.tick = t.Tick
	return nil
}

// Seek brings the replayer to tick: it restores the nearest keyframe at or before tick (unless the
// replayer is already between it and tick) and steps forward from there.
func (p *Replayer[S, I]) Seek(tick uint32) error {
	if tick < p.First() || tick > p.Last() {
		return fmt.Errorf("replay: tick %d is outside the recording (%d to %d)", tick, p.First(), p.Last())
	}
	kfs := p.rec.Keyframes
	k := sort.Search(len(kfs), func(i int) bool { return kfs[i].Tick > tick }) - 1
	if p.tick < kfs[k].Tick || p.tick > tick {
		if err := p.restore(k); err != nil {
			return err
		}
	}
	for p.tick < tick {
		if err := p.Step(); err != nil {
			return err
		}
	}
	return nil
}
