package pong

import (
	"math"
	"testing"
	"time"

	"github.com/tickwire/tickwire/shared/games/pong"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/tickwire/tickwire/wasmclient/netclient"
)

// view builds what the network client would hold for a match state, as player me.
func view(s *pong.State, me sim.PlayerID, spectator bool) netclient.View {
	return netclient.View{
		Status:   netclient.Connected,
		Welcome:  wire.Welcome{Player: me, Room: "cup", TickRate: pong.TickRate, MaxPlayers: 2, Spectator: spectator},
		Roster:   []wire.RosterEntry{{Player: 3, Name: "Ann"}, {Player: 8, Name: "Bob"}},
		Entities: pong.Game{}.Entities(s, nil),
		Received: time.Now(),
	}
}

func match() pong.State {
	var g pong.Game
	s := g.NewState(1)
	g.Join(&s, 3)
	g.Join(&s, 8)
	return s
}

func TestFromView(t *testing.T) {
	t.Parallel()
	s := match()
	s.Phase, s.Score = pong.Playing, [2]int32{2, 5}
	s.Paddles[1].Y = 100 * pong.One
	s.Ball = pong.Ball{X: 400 * pong.One, Y: 250 * pong.One, VX: 6 * pong.One, VY: -pong.One / 2}
	v := view(&s, 8, false)
	m := FromView(&v)
	if m.Phase != pong.Playing || m.Score != [2]int32{2, 5} || !m.HaveSnapshot {
		t.Errorf("phase %d score %v", m.Phase, m.Score)
	}
	l, r := m.Paddles[pong.Left], m.Paddles[pong.Right]
	if !l.Present || l.Name != "Ann" || l.Me || !r.Present || r.Name != "Bob" || !r.Me || r.Y != 100 {
		t.Errorf("paddles %+v", m.Paddles)
	}
	if m.Ball != (BallModel{X: 400, Y: 250, VX: 6, VY: -0.5}) {
		t.Errorf("ball %+v", m.Ball)
	}
	if side, ok := m.MySide(); !ok || side != pong.Right {
		t.Errorf("my side %v %v, want right", side, ok)
	}
	sv := view(&s, 0, true)
	if sm := FromView(&sv); sm.Mine() != nil || !sm.Spectator {
		t.Errorf("a spectator has a paddle: %+v", sm.Mine())
	}
}

func TestBanner(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		setup      func(s *pong.State)
		me         sim.PlayerID
		spectator  bool
		title, sub string
		wantsReady bool
	}{
		{"alone", func(s *pong.State) { pong.Game{}.Leave(s, 8) }, 3, false, "Waiting for an opponent", "share this room's link to invite someone", false},
		{"spectator waits", func(s *pong.State) { pong.Game{}.Leave(s, 8) }, 0, true, "Waiting for players", "a match starts when two have joined", false},
		{"ready?", func(s *pong.State) {}, 3, false, "Ready?", "press Space or tap when you are ready", true},
		{"ready and waiting", func(s *pong.State) { s.Paddles[0].Ready = true }, 3, false, "Ready?", "waiting for Bob", false},
		{"spectator before the start", func(s *pong.State) {}, 0, true, "Ready?", "waiting for both players to be ready", false},
		{"countdown", func(s *pong.State) { s.Phase, s.Timer = pong.Countdown, 90 }, 3, false, "3", "first to 7", false},
		{"last second", func(s *pong.State) { s.Phase, s.Timer = pong.Countdown, 30 }, 3, false, "1", "first to 7", false},
		{"in play", func(s *pong.State) { s.Phase = pong.Playing }, 3, false, "", "", false},
		{"won", func(s *pong.State) { s.Phase, s.Score = pong.Over, [2]int32{4, 7} }, 3, false, "Bob wins 7–4", "press Space or tap when you are ready", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := match()
			tt.setup(&s)
			v := view(&s, tt.me, tt.spectator)
			m := FromView(&v)
			title, sub := m.Banner()
			if title != tt.title || sub != tt.sub || m.WantsReady() != tt.wantsReady {
				t.Errorf("banner %q / %q, wants ready %v; want %q / %q, %v", title, sub, m.WantsReady(), tt.title, tt.sub, tt.wantsReady)
			}
		})
	}
}

func TestExtrapolate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		b    BallModel
		dt   float64
		x, y float64
	}{
		{"straight on", BallModel{X: 480, Y: 300, VX: 6, VY: 1}, 0.05, 498, 303},
		{"no time", BallModel{X: 480, Y: 300, VX: 6, VY: 1}, 0, 480, 300},
		{"late snapshot is capped", BallModel{X: 480, Y: 300, VX: 6}, 5, 516, 300},
		{"off the top wall", BallModel{X: 480, Y: 12, VX: 0, VY: -2}, 0.05, 480, 12},
		{"held at the left paddle's face", BallModel{X: 60, Y: 300, VX: -15}, 0.1, 56, 300},
		{"a ball past the paddle goes on", BallModel{X: 40, Y: 300, VX: -15}, 0.05, -5, 300},
	}
	for _, tt := range tests {
		x, y := Extrapolate(tt.b, tt.dt, pong.TickRate)
		if math.Abs(x-tt.x) > 1e-9 || math.Abs(y-tt.y) > 1e-9 {
			t.Errorf("%s: (%g, %g), want (%g, %g)", tt.name, x, y, tt.x, tt.y)
		}
	}
}

func TestFitField(t *testing.T) {
	t.Parallel()
	for _, sz := range [][2]float64{{1280, 720}, {720, 1280}, {2560, 1440}, {300, 200}} {
		f := FitField(sz[0], sz[1], 24, 96)
		x0, y0 := f.Screen(0, 0)
		x1, y1 := f.Screen(960, 600)
		if x0 < 23.99 || x1 > sz[0]-23.99 || y0 < 96 || y1 > sz[1]-23.99 {
			if sz[0] > 400 { // a tiny window may not fit the margins; it must not crash
				t.Errorf("%v: field at (%g, %g)–(%g, %g) leaves the screen's margins", sz, x0, y0, x1, y1)
			}
		}
		if math.Abs((x0+x1)/2-sz[0]/2) > 1e-9 {
			t.Errorf("%v: field not centred", sz)
		}
	}
}

func TestMoves(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		v    float64
		want int8
	}{{0, 0}, {1, 127}, {-1, -127}, {2, 127}, {0.5, 64}, {math.NaN(), 0}} {
		if got := Axis(tc.v); got != tc.want {
			t.Errorf("Axis(%g) = %d, want %d", tc.v, got, tc.want)
		}
	}
	for _, tc := range []struct {
		target, y float64
		want      int8
	}{{300, 300, 0}, {302, 300, 0}, {400, 300, 127}, {100, 300, -127}, {313.5, 300, 64}} {
		if got := FollowMove(tc.target, tc.y); got != tc.want {
			t.Errorf("FollowMove(%g, %g) = %d, want %d", tc.target, tc.y, got, tc.want)
		}
	}
}
