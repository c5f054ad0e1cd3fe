// Command wasmclient is the tickwire game client: the arena demo drawn with Ebitengine. Built for
// the browser (GOOS=js GOARCH=wasm) it takes its settings from the page's address: the WebSocket is
// /ws on the page's host (wss on https), ?room= picks a room, ?name= skips the title screen and
// ?mute=1 turns sound off. Built natively it takes them from flags (see -help).
package main

import (
	"fmt"
	"os"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/wasmclient/app"
	arenaclient "github.com/tickwire/tickwire/wasmclient/games/arena"
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
	// Room is the room to join, lower-cased; empty lets the server pick one.
	Room string
	// Name is the player's name; empty shows the title screen.
	Name string
	// Mute turns sound off (and opens no audio device). Defaults to false.
	Mute bool
}

func run() error {
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	game := arenaclient.New(ui.NewSounds(cfg.Mute))
	a := app.New(app.Config{URL: cfg.URL, Game: arena.Name, Room: cfg.Room, Name: cfg.Name, Title: "tickwire arena"},
		game, arena.Game{}, arena.Schema)
	defer a.Close()
	exposeView(a.DebugJSON)

	ebiten.SetWindowTitle("tickwire arena")
	ebiten.SetWindowSize(1280, 720)
	ebiten.SetWindowResizingMode(ebiten.WindowResizingModeEnabled)
	return ebiten.RunGame(a)
}
