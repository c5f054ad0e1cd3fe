package pong

import (
	"fmt"

	"github.com/tickwire/tickwire/shared/games/pong"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/wasmclient/netclient"
)

// Model is what a snapshot says about a match, in field pixels, ready to draw. It is built by
// [FromView] without Ebiten, so it is tested on its own.
type Model struct {
	Phase        pong.Phase
	Timer        int32 // ticks
	Hold         int32 // ticks before a match paused for an absent player plays on
	Forfeit      bool  // the match Over was won because the other player left
	Tick         uint32
	TickRate     int
	Score        [2]int32
	Paddles      [2]PaddleModel // by side; Present says whether a player is there
	Ball         BallModel
	Me           sim.PlayerID // 0 for a spectator
	Spectator    bool
	Players      int
	Room         string
	Private      bool
	HaveSnapshot bool
}

// PaddleModel is one side's paddle.
type PaddleModel struct {
	Present bool
	ID      sim.PlayerID
	Name    string
	Y, VY   float64 // centre, and movement in the last tick, field pixels
	Ready   bool
	Me      bool
	// Away is, while the player's connection is lost, the tick its seat is given up at; 0 while
	// the player is here.
	Away int32
}

// BallModel is the ball, in field pixels and pixels per tick.
type BallModel struct {
	X, Y, VX, VY float64
}

func px(v int32) float64 { return float64(v) / pong.One }

// FromView reads the newest snapshot of v.
func FromView(v *netclient.View) Model {
	m := Model{Me: v.Welcome.Player, Spectator: v.Welcome.Spectator, Players: len(v.Roster),
		Room: v.Welcome.Room, Private: v.Welcome.Private, Tick: v.Tick, TickRate: int(max(v.Welcome.TickRate, 1))}
	m.Ball = BallModel{X: px(pong.Width / 2), Y: px(pong.Height / 2)}
	for i := range v.Entities {
		e := &v.Entities[i]
		switch e.Kind {
		case pong.KindWorld:
			m.HaveSnapshot = true
			m.Phase, m.Timer = pong.Phase(e.Field(pong.WorldPhase)), e.Field(pong.WorldTimer)
			m.Score = [2]int32{e.Field(pong.WorldLeft), e.Field(pong.WorldRight)}
			m.Hold, m.Forfeit = e.Field(pong.WorldHold), e.Field(pong.WorldForfeit) == 1
		case pong.KindPaddle:
			side := pong.Side(e.Field(pong.PaddleSide))
			if side != pong.Left && side != pong.Right {
				continue
			}
			id := sim.PlayerID(e.ID)
			m.Paddles[side] = PaddleModel{Present: true, ID: id, Name: v.Name(id),
				Y: px(e.Field(pong.PaddleY)), VY: px(e.Field(pong.PaddleVY)), Ready: e.Field(pong.PaddleReady) == 1,
				Me: id == m.Me && !m.Spectator, Away: e.Field(pong.PaddleAway)}
		case pong.KindBall:
			m.Ball = BallModel{X: px(e.Field(pong.BallX)), Y: px(e.Field(pong.BallY)),
				VX: px(e.Field(pong.BallVX)), VY: px(e.Field(pong.BallVY))}
		}
	}
	return m
}

// Mine returns the player's own paddle, or nil for a spectator (or before the paddle arrives).
func (m *Model) Mine() *PaddleModel {
	if side, ok := m.MySide(); ok {
		return &m.Paddles[side]
	}
	return nil
}

// WantsReady reports whether the match waits for this player to say ready.
func (m *Model) WantsReady() bool {
	p := m.Mine()
	return p != nil && !p.Ready && (m.Phase == pong.Ready || m.Phase == pong.Over)
}

// SideName names a side by its player, or by the side.
func (m *Model) SideName(side pong.Side) string {
	if p := m.Paddles[side]; p.Present && p.Name != "" {
		return p.Name
	}
	return [...]string{"Left", "Right"}[side]
}

// Away returns the side of a player who is away (their connection lost, the seat held), if any.
func (m *Model) Away() (pong.Side, bool) {
	for _, side := range []pong.Side{pong.Left, pong.Right} {
		if p := m.Paddles[side]; p.Present && p.Away != 0 {
			return side, true
		}
	}
	return pong.Left, false
}

// AwaySeconds returns how many seconds are left of the grace of the player on side, who is away:
// when they run out, the player leaves (and forfeits a match under way).
func (m *Model) AwaySeconds(side pong.Side) int {
	left := int64(m.Paddles[side].Away) - int64(m.Tick)
	return int(max(0, (left+int64(m.TickRate)-1)/int64(m.TickRate)))
}

// AwayCount counts the players who are away: their connection lost, their seat (and their place
// on the roster) held.
func (m *Model) AwayCount() int {
	n := 0
	for _, p := range m.Paddles {
		if p.Present && p.Away != 0 {
			n++
		}
	}
	return n
}

// awayLine says who left and how long they have to come back, or "" when nobody is away.
func (m *Model) awayLine() string {
	side, ok := m.Away()
	if !ok {
		return ""
	}
	return fmt.Sprintf("%s left — waiting %d s for them", m.SideName(side), m.AwaySeconds(side))
}

// Banner is the line shown across the field for the match's phase, and a smaller line under it;
// both empty while the ball is in play. A match paused for an absent player says who left and
// how long it waits for them; after they are back, a countdown.
func (m *Model) Banner() (title, sub string) {
	inMatch := m.Phase == pong.Countdown || m.Phase == pong.Playing || m.Phase == pong.Point
	if away := m.awayLine(); away != "" && inMatch {
		return "Paused", away
	}
	if inMatch && m.Hold > 0 {
		return fmt.Sprint(1 + m.Hold*3/(pong.ResumeTicks+1)), "everyone is back: play resumes"
	}
	if m.Phase == pong.Over && m.Forfeit {
		for _, side := range []pong.Side{pong.Left, pong.Right} {
			if m.Paddles[side].Present {
				return m.SideName(side) + " wins by forfeit", fmt.Sprintf("the other player left at %d–%d", m.Score[side], m.Score[1-side])
			}
		}
		return "Match over", "a player left"
	}
	switch m.Phase {
	case pong.Waiting:
		if m.Spectator {
			return "Waiting for players", "a match starts when two have joined"
		}
		return "Waiting for an opponent", "share this room's link to invite someone"
	case pong.Ready, pong.Over:
		if m.Phase == pong.Ready {
			title = "Ready?"
		} else {
			w := pong.Left
			if m.Score[pong.Right] > m.Score[pong.Left] {
				w = pong.Right
			}
			title = fmt.Sprintf("%s wins %d–%d", m.SideName(w), m.Score[w], m.Score[1-w])
		}
		switch away := m.awayLine(); {
		case away != "":
			sub = away
		case m.WantsReady():
			sub = "press Space or tap when you are ready"
		case !m.Spectator && m.Mine() != nil:
			side, _ := m.MySide()
			sub = "waiting for " + m.SideName(1-side)
		default:
			sub = "waiting for both players to be ready"
		}
		return title, sub
	case pong.Countdown:
		return fmt.Sprint(1 + m.Timer*3/91), "first to " + fmt.Sprint(pong.WinScore)
	}
	return "", ""
}

// MySide returns the side of the player's own paddle, if it has one.
func (m *Model) MySide() (pong.Side, bool) {
	for _, side := range []pong.Side{pong.Left, pong.Right} {
		if p := m.Paddles[side]; p.Present && p.Me {
			return side, true
		}
	}
	return pong.Left, false
}

// Extrapolate returns where the ball is dt seconds after the snapshot that said b, at tickRate
// ticks per second: moving on in a straight line, reflected by the top and bottom walls, and held
// between the paddles' faces (the server decides whether it is returned or missed). dt is capped at
// a tenth of a second, so a late snapshot freezes the ball rather than flinging it.
func Extrapolate(b BallModel, dt float64, tickRate int) (x, y float64) {
	ticks := min(max(dt, 0), 0.1) * float64(tickRate)
	x, y = b.X+b.VX*ticks, b.Y+b.VY*ticks
	r := px(pong.BallRadius)
	top, bottom := r, px(pong.Height)-r
	for y < top || y > bottom { // at most a bounce or two in a tenth of a second
		if y < top {
			y = 2*top - y
		} else {
			y = 2*bottom - y
		}
	}
	lo := px(pong.PaddleX(pong.Left)+pong.PaddleHalfW) + r
	hi := px(pong.PaddleX(pong.Right)-pong.PaddleHalfW) - r
	if b.X >= lo && b.X <= hi {
		x = max(lo, min(hi, x))
	}
	return x, y
}
