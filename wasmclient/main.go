// Command wasmclient is the tickwire game client, drawn with Ebitengine, for every game registered
// in a game_NAME.go file beside this one. Built for the browser (GOOS=js GOARCH=wasm) it takes its
// settings from the page's address: the WebSocket is /ws on the page's host (wss on https), ?game=
// picks the game (default arena), ?room= a room, ?name= skips the title screen, ?spectate=1 watches
// instead of playing, ?private=1 makes a room this client opens private, ?mute=1 turns sound off,
// ?netgraph=1 shows the net graph from the start (F3 or the NET button toggles it), ?net=bad
// (or ?net=rtt=150ms,jitter=30ms,loss=5%25) simulates a bad network on the client's side, and
// ?replay=ID plays the server's replay ID (/api/replays/ID) instead; a replay file dropped on the
// page plays too (see shell). ?mute=0 plays sound, as an absent ?mute does; ?friend=ID, from an
// invite link, names the player who invited. Once welcomed the page's address is ?game=G&room=R
// (never the name), and the tab keeps the seat's resume token, so that a reload resumes the seat
// (hook_js.go). Built
// natively it takes them from flags (see -help).
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/tickwire/tickwire/shared/netsim"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/wasmclient/app"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/tickwire/tickwire/wasmclient/ui"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "tickwire:", err)
		os.Exit(1)
	}
}

// config is what the client is started with.
type config struct {
	// URL is the server's WebSocket endpoint. Natively it defaults to ws://localhost:8080/ws.
	URL string
	// Game is the game to play, lower-cased; empty plays the default, games.Default (the arena).
	Game string
	// Room is the room to join, lower-cased; empty lets the server pick one.
	Room string
	// Name is the player's name; empty shows the title screen.
	Name string
	// Spectate watches the room instead of playing.
	Spectate bool
	// Private makes a named room that this client opens private (not listed).
	Private bool
	// Mute turns sound off (and opens no audio device). Defaults to false.
	Mute bool
	// Net simulates a bad network on the client's side: latency, jitter and loss (see package
	// netsim; "bad" is 150 ms RTT, 30 ms jitter, 5% loss). Defaults to off.
	Net netsim.Profile
	// NetGraph shows the net graph from the start. Defaults to false: F3 or the NET button shows it.
	NetGraph bool
	// Replay is a replay to watch (its id on the server: /api/replays/ID) instead of playing; the
	// replay names its game. Defaults to none.
	Replay string
	// Friend is the player whose invite link (?friend=ID) brought this one: the arena spawns a
	// newcomer near them. Defaults to none (0).
	Friend sim.PlayerID
	// Page is what the web page does for the client (hook_js.go): keeps the seat for the tab, sets
	// the address, reloads, copies, shows a real name input. Empty natively.
	Page app.Page

	// findReplay and watchReplay look up a room's newest replay and play one: the shell's, set
	// before each game starts.
	findReplay  func(ctx context.Context, game, room string) (string, error)
	watchReplay func(id string)
}

func run() error {
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	game, err := pickGame(cfg.Game)
	if err != nil {
		refuseGame(err)
		return err
	}
	a := newShell(cfg, game, ui.NewSounds(cfg.Mute))
	defer a.Close()
	a.SetNetGraph(cfg.NetGraph)
	exposeView(a.DebugJSON)
	exposeOpen(a.Open)
	if cfg.Replay != "" {
		a.fetchInto(cfg.Replay)
	}

	ebiten.SetWindowSize(1280, 720)
	ebiten.SetWindowResizingMode(ebiten.WindowResizingModeEnabled)
	return ebiten.RunGame(a)
}
