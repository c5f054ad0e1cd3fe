package arena

import (
	"slices"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/wasmclient/ui"
)

// A live spectator chooses whom the camera follows: a click or tap on a name on the leaderboard,
// or the right and left arrow keys (or ] and [) for the next and previous on the board; 0 goes
// back to following the leader.
// A replay has its own list of players to follow (app's), which the arena leaves alone.

// NextPick returns whom to follow after cur, step places along the board's order (ids as the
// board lists them), wrapping around; with cur not on the board, the first (or last).
func NextPick(order []sim.PlayerID, cur sim.PlayerID, step int) sim.PlayerID {
	if len(order) == 0 {
		return 0
	}
	i := slices.Index(order, cur)
	if i < 0 {
		if step > 0 {
			return order[0]
		}
		return order[len(order)-1]
	}
	n := len(order)
	return order[((i+step)%n+n)%n]
}

// updateFollow takes a live spectator's choice of whom to follow.
func (c *Client) updateFollow(ctx *ui.Context) {
	if !c.spectator || c.replay {
		c.pick = 0
		return
	}
	for i, r := range c.boardRows {
		if i < len(c.board) && ctx.Tapped(r) {
			c.pick = c.board[i].ID
		}
	}
	pressed := func(keys ...ebiten.Key) bool { return slices.ContainsFunc(keys, inpututil.IsKeyJustPressed) }
	next, prev := pressed(ebiten.KeyArrowRight, ebiten.KeyBracketRight), pressed(ebiten.KeyArrowLeft, ebiten.KeyBracketLeft)
	if next || prev {
		rows := c.standingsRows()
		order := make([]sim.PlayerID, 0, len(rows))
		for _, r := range Leaderboard(rows, 0, len(rows)) {
			order = append(order, r.ID)
		}
		step := 1
		if prev {
			step = -1
		}
		cur := c.pick
		if cur == 0 && c.followed != nil {
			cur = c.followed.ID
		}
		c.pick = NextPick(order, cur, step)
	}
	if pressed(ebiten.Key0, ebiten.KeyNumpad0) {
		c.pick = 0
	}
	if _, ok := c.standings.score(c.pick); !ok {
		c.pick = 0 // left the room
	}
}

// standingsRows returns every player in the standings as board rows, unsorted.
func (c *Client) standingsRows() []Row {
	rows := make([]Row, 0, len(c.standings.msg.Players))
	for _, p := range c.standings.msg.Players {
		rows = append(rows, Row{ID: p.Player, Score: p.Score})
	}
	return rows
}
