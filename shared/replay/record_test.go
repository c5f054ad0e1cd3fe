package replay_test

import (
	"bytes"
	"hash/fnv"
	"slices"
	"testing"
	"time"

	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/shared/games/pong"
	"github.com/tickwire/tickwire/shared/replay"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/vmihailenco/msgpack/v5"
)

// A test recorder: it steps a game as server/room does (arrivals, messages, Judge, Step, events)
// with scripted players, and records what it applied with a Writer. No server is needed.

// sent is a game message a scripted player sends at a tick.
type sent struct {
	from sim.PlayerID
	msg  wire.Message
}

// script is a scripted match.
type script[S, I any] struct {
	ticks    int
	every    int                                       // keyframe interval, in ticks
	arrivals func(tick uint32) []replay.Arrival        // joins and leaves applied at tick
	presence func(tick uint32) []replay.Presence       // Away and Back applied at tick (a sim.Presence game)
	messages func(tick uint32, s *S) []sent            // messages applied at tick
	input    func(tick uint32, p sim.PlayerID, s *S) I // a seated player's input for tick
}

// recorded is a recording and, for each tick from its first, a hash of the live entity table: what
// the server would have sent.
type recorded struct {
	file   []byte
	hashes []uint64
}

func record[S, I any](tb testing.TB, g replay.Game[S, I], sc script[S, I]) recorded {
	tb.Helper()
	info := g.Info()
	s := g.NewState(42)
	ents := g.Entities(&s, nil)
	var seated []replay.Arrival
	w, err := replay.NewWriter(replay.Header{Game: info.Name, StateVersion: info.StateVersion, Room: "r1",
		TickRate: info.TickRate, Started: time.UnixMilli(1_700_000_000_000), KeyframeEvery: sc.every, Node: "test"},
		replay.Keyframe{Tick: 0, Entities: ents, Players: []replay.Arrival{}})
	if err != nil {
		tb.Fatal(err)
	}
	out := recorded{hashes: []uint64{hashEntities(ents)}}
	msgr, _ := any(g).(replay.Messenger[S])
	judge, _ := any(g).(sim.Compensated[S, I])
	enc := replay.NewInputEncoder[I](g)
	var inputs []sim.Input[I]
	var seen []sim.Entity
	var body bytes.Buffer
	const rewind = 5 * sim.LerpOne / 2
	var past [8][]sim.Entity // the entity tables of the last ticks, by tick mod 8
	past[0] = slices.Clone(ents)
	for tick := uint32(1); tick <= uint32(sc.ticks); tick++ {
		t := replay.Tick{Tick: tick}
		if sc.arrivals != nil {
			for _, a := range sc.arrivals(tick) {
				if a.Leaving {
					g.Leave(&s, a.Player)
				} else {
					g.Join(&s, a.Player)
				}
				t.Arrivals = append(t.Arrivals, a)
				seated = seatAfter(seated, a)
			}
		}
		if sc.presence != nil {
			pres := any(g).(sim.Presence[S])
			for _, c := range sc.presence(tick) {
				if c.Away {
					pres.Away(&s, tick, c.Player, c.Grace)
				} else {
					pres.Back(&s, tick, c.Player)
				}
				t.Presence = append(t.Presence, c)
			}
		}
		if sc.messages != nil {
			for _, m := range sc.messages(tick, &s) {
				msgr.Receive(&s, tick, m.from, m.msg)
				body.Reset()
				if err := m.msg.EncodeBody(msgpack.NewEncoder(&body)); err != nil {
					tb.Fatal(err)
				}
				t.Messages = append(t.Messages, replay.Message{Player: m.from, Op: m.msg.Op(), Body: bytes.Clone(body.Bytes())})
			}
		}
		inputs = inputs[:0]
		for _, p := range seated {
			inputs = append(inputs, sim.Input[I]{Player: p.Player, Input: sc.input(tick, p.Player, &s)})
		}
		if judge != nil {
			// As the server does (server/room/compensate.go): each input is judged against the view
			// its player drew, here interpolated 2.5 ticks back between the tables of two ticks.
			v := int64(tick)*sim.LerpOne - rewind
			ta := uint32(v / sim.LerpOne)
			seen = sim.Lerp(seen[:0], past[ta%uint32(len(past))], past[(ta+1)%uint32(len(past))],
				sim.LerpAt(ta, ta+1, v), info.Schema)
			for i := range inputs {
				judge.Judge(&s, inputs[i].Player, &inputs[i].Input, seen)
			}
		}
		for _, in := range inputs {
			b, err := enc.Append(nil, &in.Input)
			if err != nil {
				tb.Fatal(err)
			}
			t.Inputs = append(t.Inputs, replay.Input{Player: in.Player, Input: b})
		}
		g.Step(&s, tick, inputs)
		if msgr != nil {
			msgr.Events(&s, nil)
		}
		if err := w.Tick(&t); err != nil {
			tb.Fatal(err)
		}
		ents = g.Entities(&s, ents[:0])
		past[tick%uint32(len(past))] = append(past[tick%uint32(len(past))][:0], ents...)
		out.hashes = append(out.hashes, hashEntities(ents))
		if int(tick)%sc.every == 0 {
			if err := w.Keyframe(&replay.Keyframe{Tick: tick, Entities: ents, Players: seated}); err != nil {
				tb.Fatal(err)
			}
		}
	}
	out.file, err = w.Close(replay.End{Tick: uint32(sc.ticks), Reason: "closed"})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// seatAfter applies one arrival to the seated players, sorted by player.
func seatAfter(seated []replay.Arrival, a replay.Arrival) []replay.Arrival {
	i := 0
	for i < len(seated) && seated[i].Player < a.Player {
		i++
	}
	found := i < len(seated) && seated[i].Player == a.Player
	switch {
	case a.Leaving && found:
		return append(seated[:i], seated[i+1:]...)
	case !a.Leaving && !found:
		seated = append(seated, replay.Arrival{})
		copy(seated[i+1:], seated[i:])
		seated[i] = replay.Arrival{Player: a.Player, Name: a.Name}
	}
	return seated
}

func hashEntities(ents []sim.Entity) uint64 {
	h := fnv.New64a()
	for _, e := range ents {
		var b [48]byte
		b[0], b[1], b[2], b[3], b[4], b[5] = byte(e.ID), byte(e.ID>>8), byte(e.ID>>16), byte(e.ID>>24), byte(e.Kind), e.N
		for i, f := range e.Fields {
			b[6+4*i], b[7+4*i], b[8+4*i], b[9+4*i] = byte(f), byte(f>>8), byte(f>>16), byte(f>>24)
		}
		h.Write(b[:])
	}
	return h.Sum64()
}

// arenaScript is a 10-player arena match: everyone joins in the first ticks, player 4 leaves at a
// third and comes back at two thirds under another name; sticks turn with time, and everyone dashes
// every couple of seconds, so that dashes strike players and drones (Judge's Hit matters).
func arenaScript(ticks int) script[arena.State, arena.Input] {
	return script[arena.State, arena.Input]{
		ticks: ticks,
		every: 5 * arena.TickRate,
		arrivals: func(tick uint32) []replay.Arrival {
			switch {
			case tick <= 10:
				return []replay.Arrival{{Player: sim.PlayerID(tick), Name: "bot" + string(rune('a'+tick-1))}}
			case tick == uint32(ticks/3):
				return []replay.Arrival{{Player: 4, Leaving: true}}
			case tick == uint32(2*ticks/3):
				return []replay.Arrival{{Player: 4, Name: "back"}}
			}
			return nil
		},
		input: func(tick uint32, p sim.PlayerID, s *arena.State) arena.Input {
			phase := (tick/40 + uint32(p)*3) % 8
			dx := [8]int8{127, 90, 0, -90, -127, -90, 0, 90}
			in := arena.Input{MoveX: dx[phase], MoveY: dx[(phase+2)%8]}
			if (tick+uint32(p)*7)%50 < 3 {
				in.Buttons = arena.ButtonDash
			}
			return in
		},
	}
}

// pongScript is a pong match of two players who say ready at the start and after every match,
// emote now and then, and follow the ball a little late, so points are won and lost.
func pongScript(ticks int) script[pong.State, pong.Input] {
	return script[pong.State, pong.Input]{
		ticks: ticks,
		every: 5 * pong.TickRate,
		arrivals: func(tick uint32) []replay.Arrival {
			switch tick {
			case 1:
				return []replay.Arrival{{Player: 3, Name: "left"}}
			case 2:
				return []replay.Arrival{{Player: 8, Name: "right"}}
			case 5300: // away since 5000, the grace ran out: a forfeit
				return []replay.Arrival{{Player: 3, Name: "left", Leaving: true}}
			case 5400:
				return []replay.Arrival{{Player: 3, Name: "left"}}
			}
			return nil
		},
		presence: func(tick uint32) []replay.Presence {
			switch tick {
			case 2000: // a dropped connection pauses the match; back, it plays on
				return []replay.Presence{{Player: 8, Away: true, Grace: 1800}}
			case 2300:
				return []replay.Presence{{Player: 8}}
			case 5000:
				return []replay.Presence{{Player: 3, Away: true, Grace: 300}}
			}
			return nil
		},
		messages: func(tick uint32, s *pong.State) []sent {
			var out []sent
			if tick == 5 || s.Phase == pong.Over || tick > 5400 && s.Phase == pong.Ready {
				out = append(out, sent{3, &pong.ReadyMsg{}}, sent{8, &pong.ReadyMsg{}})
			}
			if tick%250 == 0 {
				out = append(out, sent{8, &pong.EmoteMsg{Emote: int32(tick/250) % pong.NumEmotes}})
			}
			return out
		},
		input: func(tick uint32, p sim.PlayerID, s *pong.State) pong.Input {
			pd := s.Paddle(p)
			if pd == nil {
				return pong.Input{}
			}
			target := s.Ball.Y + int32((tick/97+uint32(p))%5-2)*30*pong.One
			switch d := target - pd.Y; {
			case d > 4*pong.One:
				return pong.Input{Move: 127}
			case d < -4*pong.One:
				return pong.Input{Move: -127}
			}
			return pong.Input{}
		},
	}
}
