package main

import (
	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/wasmclient/app"
	arenaclient "github.com/tickwire/tickwire/wasmclient/games/arena"
	"github.com/tickwire/tickwire/wasmclient/ui"
)

func init() {
	register(app.Spec[arena.State, arena.Input]{Shared: arena.Game{}, Predict: true,
		Title: "tickwire arena", Tagline: "Collect orbs · dash into rivals · dodge the drones",
		Client: func(sounds *ui.Sounds) app.Game[arena.Input] { return arenaclient.New(sounds) }})
}
