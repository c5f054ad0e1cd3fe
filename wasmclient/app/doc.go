// Package app is the game client as the player meets it: the title screen (pick a name), the
// connecting screen, the game, and the screen that says why a connection closed and offers to
// reconnect. It is generic over a game's input type; the game's own client half (for the demo,
// wasmclient/games/arena) implements [Game] and does the drawing and input mapping, and a [Spec]
// declares the game (its shared half, messages, whether it predicts). Each tick the playing scene
// runs the netcode's one pipeline, a netcode.Driver, with the game's input, and hands the game a
// [Frame] to draw.
//
// Over every game the playing scene draws a NET button at the top left: it, or F3, shows the net
// graph, the connection's measures as live sparklines ([App.SetNetGraph] sets it from the start).
// Under it the Menu button (or Esc) opens the in-game menu, the same for every game (overlay.go):
// leave to lobby, invite a friend, sound and volume, fullscreen, and the game's controls ([Helper]);
// roster changes show as "Ann joined" / "Ann left" toasts. A lost connection is retried for as
// long as the app runs, the game dimmed under a plain line ("Can't reach the server — trying
// again in 8 s"); the closed screen offers the ways out that help with its close code, and always
// the lobby (closed.go). What the web page does for the client (keep the seat for the tab, name
// the room in the address, reload, copy, a real name input) comes in [Config].Page ([Page]);
// DebugJSON's "page" part says which screen shows, its buttons (in CSS pixels) and the menu.
//
// [App.Watch] plays a replay (a shared/replay recording) instead of a connection: the watching
// scene steps a replay.Replayer at the playback's pace ([Playback]: play, pause, 0.25× to 4×, seek)
// and hands the game the Frame a spectator would get, built from the recording's exact tick, so
// the game's own renderer draws it; a bar at the bottom has the controls and a timeline to scrub,
// a list at the left the players to follow with their scores ([Scorer]). While playing, a game can
// offer the room's newest replay ([ReplayOffer], Frame.Replays).
//
// Start with [New] (a [Config] from the page, a [Spec] from the game's registration), and run the
// result with ebiten.RunGame. [App.DebugJSON] is the read-only test
// hook the browser build exposes as window.tickwireView().
package app
