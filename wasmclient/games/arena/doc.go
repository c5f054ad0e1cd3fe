// Package arena is the client half of the arena demo: it draws what the server sends (the floor,
// orbs, drones and players, with a camera that follows the player) and turns keys, a gamepad or
// touches into the arena's input. The shared half, with the rules, is shared/games/arena.
//
// [Client] is the app.Game the client runs. The pure helpers beside it have no Ebiten in them and
// are tested on their own: [Intent] and [Stick] (input to the arena's input), [Camera] and
// [ClampAxis], [Smoother] (visual easing of positions between snapshots), [Leaderboard],
// [Particles] and [Pickups], [ClockText] and [WinnerText] (the round), [HitText] (the kill feed),
// [MinimapRect] and [MinimapPoint], [NextPick] (a spectator's choice of whom to follow).
//
// The leaderboard, the minimap and the round come from the room's standings (arena.StandingsMsg,
// see standings.go), which the server sends everyone: never from the entities in view, which
// interest management limits to what the player sees. The client is an app.Messenger for them, for
// the kill feed's hits, and to ask, once, to spawn next to the friend whose invite link opened the
// page (app.Frame.Friend).
//
// Nothing here runs the netcode: the arena registers with Predict, and the app's netcode driver
// hands [Client.Update] its own disc predicted and everything else interpolated. Only before the
// driver has synchronised (the first snapshot and round trip) does the arena draw the newest
// snapshot, eased by the [Smoother].
package arena
