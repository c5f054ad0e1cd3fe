package pong

import (
	"image"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/tickwire/tickwire/shared/games/pong"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/tickwire/tickwire/wasmclient/netclient"
	"github.com/tickwire/tickwire/wasmclient/ui"
)

// view builds what the network client would hold for a match state, as player me.
func view(s *pong.State, me sim.PlayerID, spectator bool) netclient.View {
	return netclient.View{
		Status:   netclient.Connected,
		Welcome:  wire.Welcome{Player: me, Room: "cup", TickRate: pong.TickRate, MaxPlayers: 2, Spectator: spectator},
		Roster:   []wire.RosterEntry{{Player: 3, Name: "Ann"}, {Player: 8, Name: "Bob"}},
		Entities: pong.Game{}.Entities(s, nil),
		Tick:     100,
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
		// The view's tick is 100 (see view): 1800 ticks of grace left are 30 s.
		{"paused for the absent opponent", func(s *pong.State) { s.Phase = pong.Playing; s.Paddle(8).Away = 1900 },
			3, false, "Paused", "Bob left — waiting 30 s for them", false},
		{"the spectator sees the pause too", func(s *pong.State) { s.Phase = pong.Point; s.Paddle(3).Away = 161 },
			0, true, "Paused", "Ann left — waiting 2 s for them", false},
		{"back: a countdown", func(s *pong.State) { s.Phase, s.Hold = pong.Playing, pong.ResumeTicks }, 8, false, "3", "everyone is back: play resumes", false},
		{"the opponent away before the match", func(s *pong.State) { s.Paddle(8).Away = 700 }, 3, false, "Ready?", "Bob left — waiting 10 s for them", true},
		{"won by forfeit", func(s *pong.State) {
			s.Phase, s.Score = pong.Playing, [2]int32{1, 3}
			pong.Game{}.Leave(s, 8)
		}, 3, false, "Ann wins by forfeit", "the other player left at 1–3", true},
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

func TestAwayOnTheRoster(t *testing.T) {
	t.Parallel()
	s := match()
	s.Phase = pong.Playing
	pong.Game{}.Away(&s, 100, 8, 1800)
	v := view(&s, 3, false)
	m := FromView(&v)
	if side, ok := m.Away(); !ok || side != pong.Right || m.AwayCount() != 1 || m.AwaySeconds(pong.Right) != 30 {
		t.Errorf("away %v %v, count %d, %d s; want Bob on the right, 30 s", side, ok, m.AwayCount(), m.AwaySeconds(pong.Right))
	}
	var c Client
	c.view, c.model = v, m
	c.updateStatus()
	if got := c.fitStatus(1e9, func(s string) float64 { return float64(len(s)) }); !strings.Contains(got, "1/2 players · Bob away") {
		t.Errorf("status %q, want 1/2 players and Bob away", got)
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

func TestFitTurns(t *testing.T) {
	t.Parallel()
	for _, turn := range []Turn{Flat, LeftBottom, RightBottom} {
		f := fitBox(10, 20, 300, 700, turn)
		for _, p := range [][2]float64{{0, 0}, {960, 600}, {123, 456}} {
			sx, sy := f.Screen(p[0], p[1])
			if x, y := f.Field(sx, sy); math.Abs(x-p[0]) > 1e-9 || math.Abs(y-p[1]) > 1e-9 {
				t.Errorf("turn %d: %v went to (%g, %g) and back to (%g, %g)", turn, p, sx, sy, x, y)
			}
		}
		x, y, w, h := f.Rect(0, 0, 960, 600)
		if x < 10-1e-9 || y < 20-1e-9 || x+w > 310+1e-9 || y+h > 720+1e-9 {
			t.Errorf("turn %d: the field (%g, %g, %g, %g) leaves its box", turn, x, y, w, h)
		}
	}
	// Turned, the own side is at the bottom.
	for side, turn := range map[pong.Side]Turn{pong.Left: LeftBottom, pong.Right: RightBottom} {
		f := fitBox(0, 0, 390, 700, turn)
		_, yOwn := f.Screen(px(pong.PaddleX(side)), 300)
		_, yOther := f.Screen(px(pong.PaddleX(1-side)), 300)
		if yOwn <= yOther {
			t.Errorf("turn %d: the %d side's paddle is drawn above the other", turn, side)
		}
	}
}

// TestLayoutOnAPhone: a phone held upright (390×844 CSS pixels, at 1 and 3 device pixels per CSS
// pixel) gets the field turned and large, and everything inside the screen.
func TestLayoutOnAPhone(t *testing.T) {
	t.Parallel()
	for _, scale := range []float64{1, 3} {
		w, h := 390*scale, 844*scale
		l := LayoutFor(w, h, scale, true, pong.Right)
		flat := LayoutFor(w, h, scale, true, pong.Right)
		flat.Fit = fitBox(10*scale, 0, w-20*scale, h, Flat) // the same margins, lying down
		if !l.Upright || l.Fit.Turn != RightBottom || l.Fit.K < 1.55*flat.Fit.K {
			t.Errorf("scale %g: upright %v, turn %d, k %g (flat %g); want turned, 1.55 times larger (2.4 times the area)", scale, l.Upright, l.Fit.Turn, l.Fit.K, flat.Fit.K)
		}
		screen := image.Rect(0, 0, int(w), int(h))
		fx, fy, fw, fh := l.Fit.Rect(0, 0, 960, 600)
		if fx < 0 || fy < 0 || fx+fw > w || fy+fh > h {
			t.Errorf("scale %g: field (%g, %g, %g, %g) off the screen", scale, fx, fy, fw, fh)
		}
		for i, r := range l.Emotes {
			if r.Empty() || !r.In(screen) || float64(r.Min.Y) < fy+fh {
				t.Errorf("scale %g: emote button %d at %v, want on the screen below the field", scale, i, r)
			}
		}
		if top, bottom := l.Rows[pong.Left], l.Rows[pong.Right]; top.Y >= fy || bottom.Y <= fy+fh || top.Y < float64(l.Status.Max.Y) {
			t.Errorf("scale %g: rows at %g and %g around a field from %g to %g", scale, top.Y, bottom.Y, fy, fy+fh)
		}
		if net := ui.NetGraphButton(scale); float64(net.Max.X) > l.Rows[pong.Left].Left {
			t.Errorf("scale %g: the top row starts at %g, under the net graph button %v", scale, l.Rows[pong.Left].Left, net)
		}
		if l.HelpY >= float64(l.Emotes[0].Min.Y) {
			t.Errorf("scale %g: help at %g, over the emote buttons at %d", scale, l.HelpY, l.Emotes[0].Min.Y)
		}
		if e := l.EmoteAt(l.Emotes[2].Min.Add(image.Pt(2, 2))); e != 2 {
			t.Errorf("a point in button 2 is on %d", e)
		}
	}
	if l := LayoutFor(960, 600, 1, false, pong.Left); l.Upright || l.Fit.Turn != Flat || !l.Emotes[0].Empty() {
		t.Errorf("960×600 without touch: %+v, want flat, no emote buttons", l)
	}
}

func TestFitText(t *testing.T) {
	t.Parallel()
	n := func(s string) float64 { return float64(len([]rune(s))) }
	for _, tc := range []struct {
		s     string
		width float64
		want  string
	}{{"Ann", 5, "Ann"}, {"Nimble Tiger (you)", 8, "Nimble …"}, {"Bob", 1, "…"}, {"Bob", 0, ""}} {
		if got := FitText(tc.s, tc.width, n); got != tc.want {
			t.Errorf("FitText(%q, %g) = %q, want %q", tc.s, tc.width, got, tc.want)
		}
	}
}
