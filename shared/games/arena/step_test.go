package arena

import (
	"reflect"
	"testing"

	"github.com/tickwire/tickwire/shared/sim"
)

// script returns a deterministic but varied input for player p at tick t.
func script(p sim.PlayerID, t uint32) Input {
	dirs := [...][2]int8{{127, 0}, {127, 127}, {0, 127}, {-127, 64}, {-127, -127}, {0, -127}, {64, -127}, {0, 0}}
	d := dirs[(uint32(p)*7+t/13)%uint32(len(dirs))]
	in := Input{MoveX: d[0], MoveY: d[1]}
	if (t+uint32(p))%37 == 0 {
		in.Buttons = ButtonDash
	}
	return in
}

func inputsAt(s *State, t uint32) []sim.Input[Input] {
	var ins []sim.Input[Input]
	for _, p := range s.Players {
		ins = append(ins, sim.Input[Input]{Player: p.ID, Input: script(p.ID, t)})
	}
	return ins
}

func newRoom(players int) State {
	var g Game
	s := g.NewState(7)
	for i := 1; i <= players; i++ {
		g.Join(&s, sim.PlayerID(i))
	}
	return s
}

// clone copies a state through its entities, which is also how a client rebuilds it.
func clone(t *testing.T, s *State) State {
	t.Helper()
	var g Game
	var c State
	if err := g.Restore(&c, g.Entities(s, nil)); err != nil {
		t.Fatalf("Restore: %v", err)
	}
	return c
}

func TestStepIsDeterministic(t *testing.T) {
	t.Parallel()
	var g Game
	a := newRoom(8)
	b := clone(t, &a)
	for tick := uint32(1); tick <= 600; tick++ {
		g.Step(&a, tick, inputsAt(&a, tick))
		g.Step(&b, tick, inputsAt(&b, tick))
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("tick %d: two steps from the same state and inputs differ", tick)
		}
	}
	if a.Players[0].Score == 0 && a.Players[1].Score == 0 && a.Players[2].Score == 0 {
		t.Error("after 600 ticks of moving no player picked up an orb: the scenario tests nothing")
	}
}

func TestEntitiesDescribeTheWholeState(t *testing.T) {
	t.Parallel()
	var g Game
	s := newRoom(5)
	for tick := uint32(1); tick <= 90; tick++ {
		g.Step(&s, tick, inputsAt(&s, tick))
	}
	c := clone(t, &s)
	s.Out = nil // the events are the room's to send, not part of the state
	if !reflect.DeepEqual(s, c) {
		t.Fatal("Restore(Entities(s)) differs from s")
	}
	ents := g.Entities(&s, nil)
	for i := range ents {
		if err := Schema.Check(&ents[i]); err != nil {
			t.Errorf("entity breaks the schema: %v", err)
		}
		if i > 0 && ents[i-1].ID >= ents[i].ID {
			t.Errorf("entities not sorted by id at %d", i)
		}
	}
}

func TestFieldsStayInSchemaUnderRoughPlay(t *testing.T) {
	t.Parallel()
	var g Game
	s := g.NewState(99)
	// Many players dashing into each other in a corner is the worst case for velocities and walls.
	for i := 1; i <= MaxPlayers; i++ {
		g.Join(&s, sim.PlayerID(i))
	}
	for tick := uint32(1); tick <= 900; tick++ {
		var ins []sim.Input[Input]
		for _, p := range s.Players {
			ins = append(ins, sim.Input[Input]{Player: p.ID, Input: Input{MoveX: -127, MoveY: -127, Buttons: ButtonDash}})
		}
		g.Step(&s, tick, ins)
		for _, e := range g.Entities(&s, nil) {
			if err := Schema.Check(&e); err != nil {
				t.Fatalf("tick %d: %v", tick, err)
			}
		}
	}
}

func TestRules(t *testing.T) {
	t.Parallel()
	var g Game
	tests := []struct {
		name  string
		setup func(s *State)
		input Input
		ticks int
		check func(t *testing.T, s *State)
	}{
		{
			name:  "standing still stays put",
			setup: func(s *State) { s.Players[0].Body = Body{X: 1000 * One, Y: 1000 * One} },
			ticks: 30,
			check: func(t *testing.T, s *State) {
				if p := s.Players[0]; p.X != 1000*One || p.Y != 1000*One {
					t.Errorf("player drifted to (%d, %d)", p.X/One, p.Y/One)
				}
			},
		},
		{
			name:  "right moves right at a bounded speed",
			setup: func(s *State) { s.Players[0].Body = Body{X: 1000 * One, Y: 1000 * One} },
			input: Input{MoveX: 127},
			ticks: 60,
			check: func(t *testing.T, s *State) {
				p := s.Players[0]
				if p.X <= 1000*One || p.Y != 1000*One {
					t.Errorf("player at (%d, %d), want right of 1000 on y=1000", p.X/One, p.Y/One)
				}
				if p.VX > 10*One {
					t.Errorf("speed %d px/tick, above the ~9.6 px/tick top speed", p.VX/One)
				}
			},
		},
		{
			name: "a moving player left alone comes to a full stop",
			setup: func(s *State) {
				s.Players[0].Body = Body{X: 1000 * One, Y: 1000 * One, VX: 9 * One, VY: -3}
			},
			ticks: 90,
			check: func(t *testing.T, s *State) {
				if p := s.Players[0]; p.VX != 0 || p.VY != 0 {
					t.Errorf("velocity (%d, %d) after 3 s of no input, want (0, 0)", p.VX, p.VY)
				}
			},
		},
		{
			name:  "diagonal is no faster than straight",
			setup: func(s *State) { s.Players[0].Body = Body{X: 1000 * One, Y: 1000 * One} },
			input: Input{MoveX: 127, MoveY: 127},
			ticks: 60,
			check: func(t *testing.T, s *State) {
				if v := sim.Length(s.Players[0].VX, s.Players[0].VY); v > 10*One {
					t.Errorf("diagonal speed %d px/tick", v/One)
				}
			},
		},
		{
			name:  "wall stops the player inside the arena",
			setup: func(s *State) { s.Players[0].Body = Body{X: 40 * One, Y: 1000 * One} },
			input: Input{MoveX: -127},
			ticks: 30,
			check: func(t *testing.T, s *State) {
				if x := s.Players[0].X; x != PlayerRadius && x > PlayerRadius+10*One {
					t.Errorf("player at x=%d px, want against the left wall", x/One)
				}
			},
		},
		{
			name:  "dash bursts and then cools down",
			setup: func(s *State) { s.Players[0].Body = Body{X: 1000 * One, Y: 1000 * One} },
			input: Input{MoveX: 127, Buttons: ButtonDash},
			ticks: 1,
			check: func(t *testing.T, s *State) {
				p := s.Players[0]
				if p.Dash != DashTicks || p.Cooldown != DashCooldown || p.VX < DashImpulse/2 {
					t.Errorf("after a dash: dash=%d cooldown=%d vx=%d", p.Dash, p.Cooldown, p.VX)
				}
			},
		},
		{
			name: "touching an orb scores and respawns it",
			setup: func(s *State) {
				s.Players[0].Body = Body{X: 1000 * One, Y: 1000 * One}
				s.Orbs[0] = Orb{X: 1000*One + 10*One, Y: 1000 * One, Value: GoldenValue}
			},
			ticks: 1,
			check: func(t *testing.T, s *State) {
				if s.Players[0].Score != GoldenValue {
					t.Errorf("score %d, want %d", s.Players[0].Score, GoldenValue)
				}
				if o := s.Orbs[0]; o.X == 1010*One && o.Y == 1000*One {
					t.Error("the orb did not move after being picked up")
				}
			},
		},
		{
			name: "a dashing player knocks another back",
			setup: func(s *State) {
				s.Players[0].Body = Body{X: 1000 * One, Y: 1000 * One}
				s.Players[1].Body = Body{X: 1000*One + 2*PlayerRadius + 4*One, Y: 1000 * One}
			},
			input: Input{MoveX: 127, Buttons: ButtonDash},
			ticks: 2,
			check: func(t *testing.T, s *State) {
				if vx := s.Players[1].VX; vx < KnockImpulse/2 {
					t.Errorf("target's vx %d px/tick after the hit, want a knock", vx/One)
				}
				if s.Players[0].X >= s.Players[1].X {
					t.Error("the discs passed through each other")
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := g.NewState(1)
			g.Join(&s, 1)
			g.Join(&s, 2)
			s.Players[1].Body = Body{X: 3000 * One, Y: 1800 * One} // out of the way unless set
			for i := range s.Orbs {
				s.Orbs[i] = Orb{X: 100 * One, Y: 1900 * One, Value: 1} // park the orbs in a corner
			}
			for i := range s.Drones {
				s.Drones[i] = Drone{Body: Body{X: 3000 * One, Y: 100 * One}, TX: 3000 * One, TY: 100 * One}
			}
			tt.setup(&s)
			for tick := 1; tick <= tt.ticks; tick++ {
				g.Step(&s, uint32(tick), []sim.Input[Input]{{Player: 1, Input: tt.input}})
			}
			tt.check(t, &s)
		})
	}
}

func TestJoinLeaveKeepsPlayersSorted(t *testing.T) {
	t.Parallel()
	var g Game
	s := g.NewState(3)
	for _, id := range []sim.PlayerID{5, 2, 9, 1, 7} {
		g.Join(&s, id)
	}
	g.Join(&s, 5) // twice is a no-op
	g.Leave(&s, 9)
	g.Leave(&s, 42) // unknown is a no-op
	var ids []sim.PlayerID
	for _, p := range s.Players {
		ids = append(ids, p.ID)
	}
	if want := []sim.PlayerID{1, 2, 5, 7}; !reflect.DeepEqual(ids, want) {
		t.Errorf("players %v, want %v", ids, want)
	}
}
