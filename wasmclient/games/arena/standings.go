package arena

import (
	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/tickwire/tickwire/wasmclient/app"
)

// The leaderboard, the minimap and the round's clock are drawn from the room's standings
// (arena.StandingsMsg), which the server sends everyone three times a second: a player's snapshots
// hold only what it sees, so the entities in view can make neither a room-wide board nor a map.
// A replay has no messages; its frames hold the whole state, from which the same standings are
// worked out (Standings of the restored state).

// standings is the newest standings and when they arrived.
type standings struct {
	msg  arena.StandingsMsg
	have bool
	age  float64 // seconds since msg arrived
	// replay restores a replay's frame to work its standings out.
	replay arena.State
}

// receive takes the server's standings.
func (st *standings) receive(m *arena.StandingsMsg) {
	st.msg.Round, st.msg.Left, st.msg.Winner, st.msg.WinScore = m.Round, m.Left, m.Winner, m.WinScore
	st.msg.Players = append(st.msg.Players[:0], m.Players...)
	st.have, st.age = true, 0
}

// fromReplay works the standings out from a replay's frame, the whole state's entities.
func (st *standings) fromReplay(ents []sim.Entity) {
	if err := (arena.Game{}).Restore(&st.replay, ents); err != nil {
		return // a frame without its world (not yet drawn): keep the last
	}
	st.receive(st.replay.Standings())
}

// reset forgets the standings, for a new connection.
func (st *standings) reset() {
	st.msg.Players = st.msg.Players[:0]
	st.msg.Round, st.msg.Left, st.msg.Winner, st.msg.WinScore = 0, 0, 0, 0
	st.have, st.age = false, 0
}

// score returns player id's score in the standings.
func (st *standings) score(id sim.PlayerID) (int32, bool) {
	for _, p := range st.msg.Players {
		if p.Player == id {
			return p.Score, true
		}
	}
	return 0, false
}

// leader returns the player with the highest score (the lowest id among equals), or 0.
func (st *standings) leader() sim.PlayerID {
	best, score := sim.PlayerID(0), int32(-1)
	for _, p := range st.msg.Players {
		if p.Score > score {
			best, score = p.Player, p.Score
		}
	}
	return best
}

// Receive implements app.Messenger: the standings, and the hits for the kill feed.
func (c *Client) Receive(m wire.Message) {
	switch m := m.(type) {
	case *arena.StandingsMsg:
		c.standings.receive(m)
	case *arena.HitMsg:
		c.feed.add(*m, c.view.Name(m.By), c.view.Name(m.Victim), c.me)
	}
}

// Outbox implements app.Messenger: the request to spawn near a friend, once.
func (c *Client) Outbox(dst []wire.Message) []wire.Message {
	dst = append(dst, c.out...)
	clear(c.out)
	c.out = c.out[:0]
	return dst
}

// Scores implements app.Scorer: every player in the room with its score, as the leaderboard shows
// them (the standings; the own score as predicted).
func (c *Client) Scores(dst []app.Score) []app.Score {
	for _, p := range c.standings.msg.Players {
		score := p.Score
		if p.Player == c.me && c.mine != nil {
			score = c.mine.Score
		}
		dst = append(dst, app.Score{Player: p.Player, Name: c.view.Name(p.Player), Score: score})
	}
	return dst
}

// askFriend asks, once, to spawn next to the friend whose invite link opened the page: as soon as
// the first welcome has come and the friend is on the roster, while the server still honours it
// (arena.SpawnNearTicks after joining; the client gives up a little sooner).
func (c *Client) askFriend(f *app.Frame) {
	if c.askedFriend || f.Replay {
		return
	}
	if f.Friend == 0 {
		c.askedFriend = true // nothing to ask
		return
	}
	if f.Welcome.Player == 0 || f.Welcome.Spectator {
		return // not welcomed yet, or watching
	}
	if c.welcomedAt < 0 {
		c.welcomedAt = c.time
	}
	if c.time-c.welcomedAt > float64(arena.SpawnNearTicks)/arena.TickRate*0.8 {
		c.askedFriend = true // too late: the server would ignore it
		return
	}
	for _, r := range f.Roster {
		if r.Player == f.Friend && f.Friend != f.Welcome.Player {
			c.out = append(c.out, &arena.SpawnNearMsg{Player: f.Friend})
			c.askedFriend = true
			return
		}
	}
}
