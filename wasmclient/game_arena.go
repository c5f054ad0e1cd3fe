package main

import (
	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/wasmclient/app"
	arenaclient "github.com/tickwire/tickwire/wasmclient/games/arena"
	"github.com/tickwire/tickwire/wasmclient/ui"
)

func init() {
	register(clientGame{Name: arena.Name, Title: "tickwire arena", Start: func(cfg config, sounds *ui.Sounds) runner {
		return app.New(app.Config{URL: cfg.URL, Game: arena.Name, Room: cfg.Room, Name: cfg.Name,
			Spectate: cfg.Spectate, Private: cfg.Private, NetSim: cfg.Net, Title: "tickwire arena",
			Tagline: "Collect orbs · dash into rivals · dodge the drones"},
			arenaclient.New(sounds), arena.Game{}, arena.Schema)
	}})
}
