// Package pong is the shared half of tickwire's second game: two-player pong at 60 ticks per second.
// It is the worked example of docs/NEW_GAME.md.
//
// Everything here is pure and deterministic (fixed-point positions in 1/256 pixel, integer maths, a
// seeded generator in the state). [Game] implements sim.Game (Step, Join, Leave, Entities, Restore),
// wire.InputCodec (the input is [move], −127 to 127), sim.Presence and room.Messenger: pong has its own messages,
// [Messages], with which players say they are ready and emote, and the server announces points,
// emotes and the end of a match. The client half that draws it lives in wasmclient/games/pong.
//
// A match: two players join (phase Waiting, then Ready); each says ready; after a countdown the
// ball is served; a ball that leaves the field scores for the other side; the first to [WinScore]
// wins (phase Over), and two new readies start a rematch. A player whose connection drops is away
// (Paddle.Away, the tick the seat is given up at): the match pauses at once and plays on after a
// countdown ([ResumeTicks]) when the player is back; a player who leaves a match under way (gone
// for good, or away past the grace) forfeits it, and the other wins (an [OverMsg] with Forfeit).
package pong
