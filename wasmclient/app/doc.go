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
//
// Start with [New] (a [Config] from the page, a [Spec] from the game's registration), and run the
// result with ebiten.RunGame. [App.DebugJSON] is the read-only test
// hook the browser build exposes as window.tickwireView().
package app
