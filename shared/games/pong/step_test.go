package pong

import (
	"reflect"
	"testing"

	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
)

// follow returns the input that moves player p's paddle toward the ball, a little late, so rallies
// happen and points are won and lost.
func follow(s *State, p *Paddle, tick uint32) Input {
	target := s.Ball.Y + int32((tick/97+uint32(p.ID))%5-2)*30*One
	switch d := target - p.Y; {
	case d > 4*One:
		return Input{Move: 127}
	case d < -4*One:
		return Input{Move: -127}
	}
	return Input{}
}

func inputsAt(s *State, tick uint32) []sim.Input[Input] {
	var ins []sim.Input[Input]
	for i := range s.Paddles {
		ins = append(ins, sim.Input[Input]{Player: s.Paddles[i].ID, Input: follow(s, &s.Paddles[i], tick)})
	}
	return ins
}

// step runs one tick as the room does: the players' messages, the step, then the events are taken.
func step(s *State, tick uint32, msgs map[sim.PlayerID][]wire.Message) []wire.Event {
	var g Game
	for i := range s.Paddles {
		for _, m := range msgs[s.Paddles[i].ID] {
			g.Receive(s, tick, s.Paddles[i].ID, m)
		}
	}
	g.Step(s, tick, inputsAt(s, tick))
	return g.Events(s, nil)
}

func newMatch(seed uint64) State {
	var g Game
	s := g.NewState(seed)
	g.Join(&s, 3)
	g.Join(&s, 8)
	return s
}

// readyAt makes both players say ready at tick 1 and after every match.
func readyAt(s *State, tick uint32) map[sim.PlayerID][]wire.Message {
	if tick != 1 && s.Phase != Over {
		return nil
	}
	return map[sim.PlayerID][]wire.Message{3: {&ReadyMsg{}}, 8: {&ReadyMsg{}}}
}

// clone copies a state through its entities, as a client rebuilds it.
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
	a := newMatch(11)
	b := clone(t, &a)
	var points, overs int
	for tick := uint32(1); tick <= 20000; tick++ {
		ea := step(&a, tick, readyAt(&a, tick))
		eb := step(&b, tick, readyAt(&b, tick))
		if !reflect.DeepEqual(a, b) || !reflect.DeepEqual(ea, eb) {
			t.Fatalf("tick %d: two steps from the same state and inputs differ", tick)
		}
		for _, e := range ea {
			switch e.Msg.(type) {
			case *PointMsg:
				points++
			case *OverMsg:
				overs++
			}
		}
	}
	t.Logf("%d points, %d finished matches", points, overs)
	if points < 5 || overs == 0 {
		t.Errorf("%d points and %d finished matches in 333 s of play: the scenario tests little", points, overs)
	}
}

func TestEntitiesDescribeTheWholeState(t *testing.T) {
	t.Parallel()
	var g Game
	s := newMatch(5)
	for tick := uint32(1); tick <= 400; tick++ {
		step(&s, tick, readyAt(&s, tick))
		if tick%50 != 0 {
			continue
		}
		c := clone(t, &s)
		s.Out, c.Out = nil, nil // the room has taken the events; they are not state
		if !reflect.DeepEqual(s, c) {
			t.Fatalf("tick %d: Restore(Entities(s)) = %+v, want %+v", tick, c, s)
		}
		ents := g.Entities(&s, nil)
		for i := range ents {
			if i > 0 && ents[i-1].ID >= ents[i].ID {
				t.Errorf("entities not sorted by id at %d", i)
			}
		}
	}
	if s.Phase != Playing && s.Phase != Point {
		t.Errorf("after 400 ticks the match is in phase %d: the round trip saw no play", s.Phase)
	}
}

func TestFieldsStayInSchema(t *testing.T) {
	t.Parallel()
	var g Game
	s := newMatch(2)
	for tick := uint32(1); tick <= 8000; tick++ {
		msgs := readyAt(&s, tick)
		if tick%7 == 0 {
			msgs = map[sim.PlayerID][]wire.Message{3: {&EmoteMsg{Emote: int32(tick % NumEmotes)}}}
		}
		step(&s, tick, msgs)
		for _, e := range g.Entities(&s, nil) {
			if err := Schema.Check(&e); err != nil {
				t.Fatalf("tick %d: %v", tick, err)
			}
		}
	}
}

func TestRestoreRefuses(t *testing.T) {
	t.Parallel()
	var g Game
	s := newMatch(1)
	good := g.Entities(&s, nil)
	paddle := func(id sim.EntityID, side int32) sim.Entity {
		return sim.NewEntity(id, KindPaddle, side, Height/2, 0, 0, 0)
	}
	cases := map[string][]sim.Entity{
		"no ball":            {good[0], good[1], good[3]},
		"no world":           {good[0], good[1], good[2]},
		"two on one side":    {paddle(1, 0), paddle(2, 0), good[2], good[3]},
		"three paddles":      {paddle(1, 0), paddle(2, 1), paddle(4, 1), good[2], good[3]},
		"paddles unsorted":   {good[1], good[0], good[2], good[3]},
		"ball with a bad id": {good[0], good[1], sim.NewEntity(5, KindBall, 0, BallRadius, 0, 0), good[3]},
		"paddle off field":   {sim.NewEntity(1, KindPaddle, 0, 0, 0, 0, 0), good[2], good[3]},
	}
	for name, ents := range cases {
		var c State
		if err := g.Restore(&c, ents); err == nil {
			t.Errorf("%s: Restore accepted %v", name, ents)
		}
	}
}

// ball and paddle positions in pixels, for the rules table.
func px(v int32) int32 { return v * One }

func TestRules(t *testing.T) {
	t.Parallel()
	var g Game
	tests := []struct {
		name string
		// setup changes a match between players 3 (left) and 8 (right) that is in play with the
		// ball still and both paddles centred.
		setup func(s *State)
		// left and right are the players' inputs every tick.
		left, right Input
		msgs        map[sim.PlayerID][]wire.Message // sent at the first tick
		ticks       int
		check       func(t *testing.T, s *State, events []wire.Event)
	}{
		{
			name:  "the ball bounces off the top wall",
			setup: func(s *State) { s.Ball = Ball{X: px(480), Y: px(12), VX: px(2), VY: -px(5)} },
			ticks: 1,
			check: func(t *testing.T, s *State, _ []wire.Event) {
				// 12 - 5 = 7 is 2 px past the ball's radius from the wall: reflected to 9 + 2.
				if b := s.Ball; b.Y != px(11) || b.VY != px(5) {
					t.Errorf("ball at y %d with vy %d, want reflected to 11 moving down at 5", b.Y/One, b.VY/One)
				}
			},
		},
		{
			name: "a ball meeting the paddle's centre goes back level and faster",
			// The ball's left edge goes from 51 to 45 px, through the paddle's face at 47.
			setup: func(s *State) { s.Ball = Ball{X: px(60), Y: px(300), VX: -px(6)} },
			ticks: 1,
			check: func(t *testing.T, s *State, _ []wire.Event) {
				if b := s.Ball; b.VX != px(6)+SpeedUp || b.VY != 0 || b.X != PaddleInset+PaddleHalfW+BallRadius {
					t.Errorf("ball %+v, want it at the paddle's face moving right at 6.5 px/tick, level", b)
				}
			},
		},
		{
			name: "a ball meeting the paddle's edge leaves steeply",
			// The right edge goes from 905 to 915 px, through the face at 913; 55 px above the centre.
			setup: func(s *State) { s.Ball = Ball{X: px(896), Y: px(300 - 55), VX: px(10)} },
			ticks: 1,
			check: func(t *testing.T, s *State, _ []wire.Event) {
				if b := s.Ball; b.VX >= 0 || b.VY > -MaxSpin*5/6 {
					t.Errorf("ball %+v, want it going left and steeply up", b)
				}
			},
		},
		{
			name:  "a moving paddle adds spin",
			setup: func(s *State) { s.Ball = Ball{X: px(60), Y: px(300), VX: -px(6)} },
			left:  Input{Move: 127},
			ticks: 1,
			check: func(t *testing.T, s *State, _ []wire.Event) {
				if s.Ball.VY <= 0 {
					t.Errorf("vy %d, want the downward paddle to send the ball down", s.Ball.VY)
				}
			},
		},
		{
			name:  "the speed is capped",
			setup: func(s *State) { s.Ball = Ball{X: px(60), Y: px(300), VX: -MaxSpeed} },
			ticks: 1,
			check: func(t *testing.T, s *State, _ []wire.Event) {
				if s.Ball.VX != MaxSpeed {
					t.Errorf("vx %d, want MaxSpeed", s.Ball.VX)
				}
			},
		},
		{
			name: "a ball that misses scores for the other side and pauses",
			setup: func(s *State) {
				s.Paddles[0].Y = px(500)
				s.Ball = Ball{X: px(30), Y: px(100), VX: -px(15)}
			},
			ticks: 3,
			check: func(t *testing.T, s *State, events []wire.Event) {
				want := []wire.Event{{Msg: &PointMsg{Side: Right, Left: 0, Right: 1}}}
				if s.Score != [2]int32{0, 1} || s.Phase != Point || !reflect.DeepEqual(events, want) {
					t.Errorf("score %v, phase %d, events %+v; want 0–1, a pause and one point event", s.Score, s.Phase, events)
				}
				if s.Ball.VX != 0 || s.Ball.X != Width/2 || s.Serve != -1 {
					t.Errorf("ball %+v serving %d, want it parked and the next serve toward the left", s.Ball, s.Serve)
				}
			},
		},
		{
			name: "after the pause the ball is served toward the side that conceded",
			setup: func(s *State) {
				s.Phase, s.Timer, s.Serve = Point, 2, 1
				s.park()
			},
			ticks: 3,
			check: func(t *testing.T, s *State, _ []wire.Event) {
				if s.Phase != Playing || s.Ball.VX != ServeSpeed || s.Ball.X != Width/2+ServeSpeed {
					t.Errorf("phase %d, ball %+v; want in play, moving right at the serve speed", s.Phase, s.Ball)
				}
			},
		},
		{
			name: "the winning point ends the match",
			setup: func(s *State) {
				s.Score = [2]int32{WinScore - 1, 3}
				s.Paddles[1].Y = px(100)
				s.Ball = Ball{X: px(930), Y: px(500), VX: px(15)}
			},
			ticks: 3,
			check: func(t *testing.T, s *State, events []wire.Event) {
				want := []wire.Event{
					{Msg: &PointMsg{Side: Left, Left: WinScore, Right: 3}},
					{Msg: &OverMsg{Winner: Left, Left: WinScore, Right: 3}},
				}
				if s.Phase != Over || !reflect.DeepEqual(events, want) {
					t.Errorf("phase %d, events %+v; want over with a point and an over event", s.Phase, events)
				}
			},
		},
		{
			name: "both ready after a match start a rematch from nothing",
			setup: func(s *State) {
				s.Phase, s.Score = Over, [2]int32{2, WinScore}
			},
			msgs:  map[sim.PlayerID][]wire.Message{3: {&ReadyMsg{}}, 8: {&ReadyMsg{}, &ReadyMsg{}}},
			ticks: CountdownTicks + 1,
			check: func(t *testing.T, s *State, _ []wire.Event) {
				if s.Phase != Playing || s.Score != [2]int32{} || s.Ball.VX == 0 {
					t.Errorf("phase %d, score %v, ball %+v; want a new match in play", s.Phase, s.Score, s.Ball)
				}
			},
		},
		{
			name:  "one ready player waits for the other",
			setup: func(s *State) { s.Phase = Ready; s.park() },
			msgs:  map[sim.PlayerID][]wire.Message{8: {&ReadyMsg{}}},
			ticks: 200,
			check: func(t *testing.T, s *State, _ []wire.Event) {
				if s.Phase != Ready || !s.Paddle(8).Ready || s.Paddle(3).Ready {
					t.Errorf("phase %d, ready %v %v; want still waiting, only 8 ready", s.Phase, s.Paddle(3).Ready, s.Paddle(8).Ready)
				}
			},
		},
		{
			name:  "ready in the middle of a rally changes nothing",
			setup: func(s *State) { s.Ball = Ball{X: px(480), Y: px(300), VX: px(6)} },
			msgs:  map[sim.PlayerID][]wire.Message{3: {&ReadyMsg{}}, 8: {&ReadyMsg{}}},
			ticks: 1,
			check: func(t *testing.T, s *State, _ []wire.Event) {
				if s.Phase != Playing || s.Paddle(3).Ready {
					t.Errorf("phase %d, 3 ready %v; want play to go on", s.Phase, s.Paddle(3).Ready)
				}
			},
		},
		{
			name:  "a paddle stops at the wall",
			left:  Input{Move: -127},
			ticks: 60,
			check: func(t *testing.T, s *State, _ []wire.Event) {
				if p := s.Paddle(3); p.Y != PaddleHalfH || p.VY != 0 {
					t.Errorf("paddle at %d moving %d, want against the top wall and still", p.Y/One, p.VY)
				}
			},
		},
		{
			name:  "half input is half speed",
			right: Input{Move: 64},
			ticks: 10,
			check: func(t *testing.T, s *State, _ []wire.Event) {
				if p := s.Paddle(8); p.Y != Height/2+10*(64*PaddleSpeed/127) {
					t.Errorf("paddle at %d, want %d", p.Y, Height/2+10*(64*PaddleSpeed/127))
				}
			},
		},
		{
			name:  "emotes reach everyone, but not faster than the cooldown",
			msgs:  map[sim.PlayerID][]wire.Message{3: {&EmoteMsg{Emote: 2}, &EmoteMsg{Emote: 1}}},
			ticks: 1,
			check: func(t *testing.T, s *State, events []wire.Event) {
				want := []wire.Event{{Msg: &EmotedMsg{Player: 3, Emote: 2}}}
				if !reflect.DeepEqual(events, want) || s.Paddle(3).Emote != EmoteCooldown-1 {
					t.Errorf("events %+v, cooldown %d; want one emote and the cooldown running", events, s.Paddle(3).Emote)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newMatch(1)
			s.Phase = Playing
			if tt.setup != nil {
				tt.setup(&s)
			}
			var events []wire.Event
			for tick := 1; tick <= tt.ticks; tick++ {
				if tick == 1 {
					for _, id := range []sim.PlayerID{3, 8} {
						for _, m := range tt.msgs[id] {
							g.Receive(&s, uint32(tick), id, m)
						}
					}
				}
				g.Step(&s, uint32(tick), []sim.Input[Input]{{Player: 3, Input: tt.left}, {Player: 8, Input: tt.right}})
				events = g.Events(&s, events)
			}
			tt.check(t, &s, events)
		})
	}
}

func TestJoinAndLeave(t *testing.T) {
	t.Parallel()
	var g Game
	s := g.NewState(1)
	g.Join(&s, 5)
	if s.Phase != Waiting || s.Paddle(5).Side != Left {
		t.Fatalf("one player: phase %d, side %d; want waiting, on the left", s.Phase, s.Paddle(5).Side)
	}
	g.Join(&s, 2)
	g.Join(&s, 2) // twice is a no-op
	g.Join(&s, 9) // a third gets no paddle
	if s.Phase != Ready || len(s.Paddles) != 2 || s.Paddles[0].ID != 2 || s.Paddle(2).Side != Right {
		t.Fatalf("two players: phase %d, paddles %+v; want ready, 2 on the right, sorted", s.Phase, s.Paddles)
	}
	s.Phase, s.Score = Ready, [2]int32{3, 4}
	g.Leave(&s, 5)
	if s.Phase != Waiting || s.Score != [2]int32{} || len(s.Paddles) != 1 {
		t.Fatalf("after a leave: phase %d, score %v; want waiting from 0–0", s.Phase, s.Score)
	}
	g.Join(&s, 7) // takes the free side
	if s.Paddle(7).Side != Left || s.Phase != Ready {
		t.Errorf("the newcomer is on side %d in phase %d, want the free left, ready", s.Paddle(7).Side, s.Phase)
	}
}

func TestPresence(t *testing.T) {
	t.Parallel()
	var g Game
	tests := []struct {
		name string
		// script runs at each tick from 1 before the step; players 3 (left) and 8 (right) are in a
		// match in play, the ball moving right from the middle.
		script func(s *State, tick uint32)
		ticks  int
		check  func(t *testing.T, s *State, events []wire.Event)
	}{
		{
			name: "an away player pauses the rally at once, the other paddle still moves",
			script: func(s *State, tick uint32) {
				if tick == 10 {
					g.Away(s, tick, 8, 1800)
				}
			},
			ticks: 200,
			check: func(t *testing.T, s *State, _ []wire.Event) {
				if !s.Paused() || s.Phase != Playing || s.Ball.X != Width/2+9*px(6) || s.Paddle(8).Away != 1810 {
					t.Errorf("paused %v, phase %d, ball x %d, away until %d; want paused in play after 9 ticks of the ball, until 1810",
						s.Paused(), s.Phase, s.Ball.X/One, s.Paddle(8).Away)
				}
				if s.Paddle(3).Y != PaddleHalfH {
					t.Errorf("the present player's paddle at %d, want it moved to the top", s.Paddle(3).Y/One)
				}
			},
		},
		{
			name: "back, the match plays on after the resume countdown",
			script: func(s *State, tick uint32) {
				switch tick {
				case 10:
					g.Away(s, tick, 8, 1800)
				case 100:
					g.Back(s, tick, 8)
				}
			},
			ticks: 100 + ResumeTicks, // the hold runs over ticks 100 to 189
			check: func(t *testing.T, s *State, _ []wire.Event) {
				if s.Paused() || s.Hold != 0 || s.Paddle(8).Away != 0 || s.Ball.X != Width/2+10*px(6) {
					t.Errorf("paused %v, hold %d, ball x %d; want in play again, one tick on", s.Paused(), s.Hold, s.Ball.X/One)
				}
			},
		},
		{
			name: "while the other is still away, one player's return holds the match",
			script: func(s *State, tick uint32) {
				switch tick {
				case 10:
					g.Away(s, tick, 8, 1800)
					g.Away(s, tick, 3, 1800)
				case 20:
					g.Back(s, tick, 3)
				}
			},
			ticks: 300,
			check: func(t *testing.T, s *State, _ []wire.Event) {
				if !s.Paused() || s.Hold != 0 {
					t.Errorf("paused %v, hold %d; want still paused for 8", s.Paused(), s.Hold)
				}
			},
		},
		{
			name: "a player who leaves a match forfeits it; the scores stand",
			script: func(s *State, tick uint32) {
				switch tick {
				case 1:
					s.Score = [2]int32{2, 5}
				case 10:
					g.Away(s, tick, 8, 60)
				case 70:
					g.Leave(s, 8)
				}
			},
			ticks: 80,
			check: func(t *testing.T, s *State, events []wire.Event) {
				want := []wire.Event{{Msg: &OverMsg{Winner: Left, Left: 2, Right: 5, Forfeit: true}}}
				if s.Phase != Over || !s.Forfeit || s.Score != [2]int32{2, 5} || !reflect.DeepEqual(events, want) {
					t.Errorf("phase %d, forfeit %v, score %v, events %+v; want over by forfeit at 2–5", s.Phase, s.Forfeit, s.Score, events)
				}
			},
		},
		{
			name: "a newcomer after a forfeit starts a new match",
			script: func(s *State, tick uint32) {
				switch tick {
				case 5:
					g.Leave(s, 8)
				case 6:
					g.Join(s, 9)
				}
			},
			ticks: 10,
			check: func(t *testing.T, s *State, _ []wire.Event) {
				if s.Phase != Ready || s.Forfeit || s.Score != [2]int32{} {
					t.Errorf("phase %d, forfeit %v, score %v; want ready from 0–0", s.Phase, s.Forfeit, s.Score)
				}
			},
		},
		{
			name: "away before the match only marks the player",
			script: func(s *State, tick uint32) {
				if tick == 1 {
					s.Phase = Ready
					s.park()
					g.Away(s, tick, 3, 1800)
				}
			},
			ticks: 5,
			check: func(t *testing.T, s *State, _ []wire.Event) {
				if s.Paused() || s.Phase != Ready || s.Paddle(3).Away != 1801 {
					t.Errorf("paused %v, phase %d, away %d", s.Paused(), s.Phase, s.Paddle(3).Away)
				}
			},
		},
		{
			name: "back without away, or for someone else, changes nothing",
			script: func(s *State, tick uint32) {
				g.Back(s, tick, 3)
				g.Back(s, tick, 99)
				g.Away(s, tick, 99, 10)
			},
			ticks: 3,
			check: func(t *testing.T, s *State, _ []wire.Event) {
				if s.Paused() || s.Hold != 0 || s.Ball.X != Width/2+3*px(6) {
					t.Errorf("paused %v, hold %d, ball x %d", s.Paused(), s.Hold, s.Ball.X/One)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newMatch(1)
			s.Phase = Playing
			s.Ball = Ball{X: Width / 2, Y: Height / 2, VX: px(6)}
			var events []wire.Event
			for tick := uint32(1); tick <= uint32(tt.ticks); tick++ {
				tt.script(&s, tick)
				g.Step(&s, tick, []sim.Input[Input]{{Player: 3, Input: Input{Move: -127}}, {Player: 8}})
				events = g.Events(&s, events)
			}
			tt.check(t, &s, events)
			// The pause, the hold and the forfeit are in the entities: a capture carries them.
			var r State
			if err := g.Restore(&r, g.Entities(&s, nil)); err != nil {
				t.Fatal(err)
			}
			r.Out = s.Out
			if !reflect.DeepEqual(r, s) {
				t.Errorf("restored %+v, want %+v", r, s)
			}
		})
	}
}
