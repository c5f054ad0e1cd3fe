package main

import (
	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/wasmclient/app"
	arenaclient "github.com/tickwire/tickwire/wasmclient/games/arena"
	"github.com/tickwire/tickwire/wasmclient/ui"
)

var (
	_ app.Messenger = (*arenaclient.Client)(nil)
	_ app.Scorer    = (*arenaclient.Client)(nil)
)

func init() {
	register(app.Spec[arena.State, arena.Input]{Shared: arena.Game{}, Predict: true, Messages: arena.Messages,
		Title: "tickwire arena", Tagline: "Collect orbs · dash rivals to knock theirs loose · win the round",
		Client: func(sounds *ui.Sounds) app.Game[arena.Input] { return arenaclient.New(sounds) }})
}
