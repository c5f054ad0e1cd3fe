//go:build js

package main

import (
	"fmt"
	"syscall/js"
)

// exposeView registers window.tickwireView(), the page's read-only test hook, for the page's life.
// The browser tests (internal/e2e) poll it to see what the client has received; a game's own
// browser test can do the same.
//
// It takes no arguments and returns a JSON string (JSON.parse it): a netclient.DebugView, built by
// app.App.DebugJSON. For example, a pong player:
//
//	{"status":"connected","url":"ws://localhost:8080/ws","game":"pong","room":"r1","player":1,
//	 "tick":912,"ack":905,"snapshots":301,"events":2,"rttMs":3,"frames":845,"netGraph":false,
//	 "net":{"ping":3,"jitter":0.4,"snapshots":30,"in":2100,"out":900,"delay":50,"corrections":0,"desyncs":0},
//	 "entities":{"ball":[{"id":65536,"fields":{"x":123456,"y":...}}],
//	             "paddle":[{"id":1,"name":"ann","fields":{"side":0,"y":...}}], "world":[...]}}
//
// status is "title" before the first connection, then "connecting", "connected", "reconnecting"
// (with attempt, code and reason) or "closed" (with code and reason). url is the server the client
// plays on (or is connecting to): the page's own, or the node of a cluster a redirect sent it to
// (redirects counts those followed). tick and ack are the newest snapshot's; snapshots, events and
// welcomes count what arrived (a resumed seat is one more welcome); rollbacks counts the resumes
// welcomed behind the newest snapshot (a room restored from a checkpoint after its node died),
// rolledBack and rolledBackMs how far the last went back, and notice is the line the play screen
// shows for 5 s after one ("The server restarted — the game went back 0.7 s."); frames counts
// frames drawn; net has the newest value of each net graph
// series. entities groups the newest snapshot's entities by the schema's kind name, each with its
// id, its fields by schema name and, for a player's avatar (an id below 1<<16), its player's name.
// page is what the screens show over the game (netclient.DebugPage): the scene ("title",
// "connecting", "playing", "closed"), its buttons with their rectangles in CSS pixels (a test
// clicks them there), the closed screen's heading, the reconnecting line, whether the menu is open
// and the invite link it copied, the sound's mute and volume, and the join/leave toasts showing.
// Fields left out of the JSON are zero or empty. Until the wasm has started, window.tickwireView is
// undefined (window.tickwireLoader reports the download).
//
// mode is "play" for all of the above, or "replay" while a replay loads (status "loading"), plays
// (status "watching") or cannot be played (status "failed", with reason). Watching, tick is the
// recording's tick drawn and entities its entities, and first, last and tickRate are the
// recording's, speed (0.25 to 4), playing and following (the player the camera follows, 0 for the
// game's choice) the playback's, and players the players seated at that tick with their names and
// the scores the game shows, e.g. "players":[{"id":1,"name":"ann","score":12}].
//
// view must not block: the browser calls it on its event loop.
func exposeView(view func() string) {
	js.Global().Set("tickwireView", js.FuncOf(func(js.Value, []js.Value) any { return view() }))
}

// exposeOpen registers window.tickwireOpenReplay(bytes), which loader.js calls with the bytes (a
// Uint8Array) of a replay file dropped on the page or picked with its file input (#replay-file):
// the client plays it, switching to its game. It copies the bytes and returns at once. A file
// larger than maxReplayFile (loader.js refuses those first) is not copied: it returns a reason.
func exposeOpen(open func(data []byte)) {
	js.Global().Set("tickwireOpenReplay", js.FuncOf(func(_ js.Value, args []js.Value) any {
		if len(args) == 0 || args[0].Get("byteLength").IsUndefined() {
			return nil
		}
		if n := args[0].Get("byteLength").Int(); n > maxReplayFile {
			return fmt.Sprintf("a file of %d bytes is too big to be a replay (at most %d)", n, maxReplayFile)
		}
		data := make([]byte, args[0].Get("byteLength").Int())
		js.CopyBytesToGo(data, args[0])
		open(data)
		return nil
	}))
}

// maxReplayFile is the largest replay file the page takes (web/loader.js's MAX_REPLAY_BYTES).
const maxReplayFile = 16 << 20

// toLobby leaves for the lobby: the page's address with nothing to play.
// refuseGame tells the page that this client has no game by the address's name, before the program
// exits: the loader then shows why, with a way back to the lobby, instead of an exit code. (The
// loader checks the name against the server's list before the download; this covers a server
// whose list it could not read.)
func refuseGame(err error) {
	js.Global().Set("tickwireRefused", err.Error())
}

func toLobby() { js.Global().Get("location").Set("href", "/") }

// openFile opens the page's file picker for a replay file (#replay-file, whose change loader.js
// hands to tickwireOpenReplay). It runs a frame after the tap that asked, within the browser's
// window for a user's gesture.
func openFile() {
	if in := js.Global().Get("document").Call("getElementById", "replay-file"); in.Truthy() {
		in.Call("click")
	}
}
