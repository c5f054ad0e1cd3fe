package arena

import (
	"strconv"

	"github.com/tickwire/tickwire/shared/games/arena"
)

// winnerShown is how long after a round ends its winner is announced, in ticks.
const winnerShown = 6 * arena.TickRate

// ClockText is the time left in a round, "m:ss", from its ticks left, rounded up so that "0:00"
// shows only at the end.
func ClockText(left int32) string {
	secs := (left + arena.TickRate - 1) / arena.TickRate
	s := strconv.Itoa(int(secs % 60))
	if len(s) < 2 {
		s = "0" + s
	}
	return strconv.Itoa(int(secs/60)) + ":" + s
}

// WinnerText is the announcement of the last round's winner while it is fresh (within winnerShown
// ticks of the round's end), or "".
func WinnerText(m *arena.StandingsMsg, name string, me bool) string {
	if m.Winner == 0 || m.Round < 2 || arena.RoundTicks-m.Left > winnerShown {
		return ""
	}
	if me {
		return "You win round " + strconv.Itoa(int(m.Round-1)) + " with " + strconv.Itoa(int(m.WinScore)) + "!"
	}
	if name == "" {
		name = "player " + strconv.Itoa(int(m.Winner))
	}
	return name + " wins round " + strconv.Itoa(int(m.Round-1)) + " with " + strconv.Itoa(int(m.WinScore)) + "!"
}

// updateRound remakes the round's line when the round or its second changes, and the winner's
// announcement.
func (c *Client) updateRound() {
	m := &c.standings.msg
	if !c.standings.have || m.Round == 0 {
		c.roundText, c.winnerText = "", ""
		return
	}
	// The clock runs on between standings (three a second), so that it ticks every second.
	left := max(0, m.Left-int32(c.standings.age*arena.TickRate))
	key := [2]int32{m.Round, (left + arena.TickRate - 1) / arena.TickRate}
	if key != c.roundKey || c.roundText == "" {
		c.roundKey = key
		c.roundText = "ROUND " + strconv.Itoa(int(m.Round)) + " · " + ClockText(left)
	}
	c.winnerText = WinnerText(m, c.view.Name(m.Winner), m.Winner == c.me && !c.spectator)
}
