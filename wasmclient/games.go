package main

import (
	"fmt"
	"maps"
	"slices"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/tickwire/tickwire/shared/games"
	"github.com/tickwire/tickwire/shared/replay"
	"github.com/tickwire/tickwire/wasmclient/app"
	"github.com/tickwire/tickwire/wasmclient/ui"
)

// clientGame is a game this client can play. Each game registers itself from a file of its own
// (game_NAME.go) with one declaration, an app.Spec, so adding a game to the client adds a file and
// edits none; the page's settings (address, room, name, ?net=) reach every game the same way.
type clientGame struct {
	// Name is the game's name as the server knows it (sim.Info.Name).
	Name string
	// Title is shown in the window's title and on the title screen.
	Title string
	// Start returns the client for cfg, ready to run.
	Start func(cfg config, sounds *ui.Sounds) runner
}

// runner is a started client: an app.App of some input type.
type runner interface {
	ebiten.Game
	// DebugJSON is the test hook the page exposes as window.tickwireView().
	DebugJSON() string
	// SetNetGraph shows or hides the net graph.
	SetNetGraph(shown bool)
	// Watch plays a replay of the game; WatchFailed says why one cannot be played.
	Watch(rec *replay.Recording) error
	WatchFailed(err error)
	Close()
}

var registered = map[string]clientGame{}

// register adds the game spec declares; it is called from init functions.
func register[S, I any](spec app.Spec[S, I]) {
	name := spec.Shared.Info().Name
	if _, dup := registered[name]; dup {
		panic("wasmclient: game " + name + " registered twice")
	}
	registered[name] = clientGame{Name: name, Title: spec.Title, Start: func(cfg config, sounds *ui.Sounds) runner {
		return app.New(cfg.app(), spec, sounds)
	}}
}

// app returns the page's settings as every game's app gets them: the one place they are copied,
// so that none (the simulated network, say) is left out for one game.
func (c config) app() app.Config {
	return app.Config{URL: c.URL, Room: c.Room, Name: c.Name, Spectate: c.Spectate, Private: c.Private, NetSim: c.Net,
		Replay: c.Replay, ToLobby: toLobby, OpenFile: openFile, FindReplay: c.findReplay, WatchReplay: c.watchReplay,
		Page: c.Page, Friend: c.Friend}
}

// pickGame returns the game named name, or the default game for "".
func pickGame(name string) (clientGame, error) {
	if name == "" {
		name = games.Default
	}
	g, ok := registered[name]
	if !ok {
		return g, fmt.Errorf("this client has no game %q (it has %v)", name, slices.Sorted(maps.Keys(registered)))
	}
	return g, nil
}

// yes reads a yes/no query parameter: present and not "0", "false" or "no" means yes.
func yes(v string) bool {
	switch v {
	case "", "0", "false", "no":
		return false
	}
	return true
}
