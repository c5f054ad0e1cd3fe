package main

import (
	"github.com/tickwire/tickwire/shared/games/pong"
	"github.com/tickwire/tickwire/wasmclient/app"
	pongclient "github.com/tickwire/tickwire/wasmclient/games/pong"
	"github.com/tickwire/tickwire/wasmclient/ui"
)

var _ app.Messenger = (*pongclient.Client)(nil)

func init() {
	register(app.Spec[pong.State, pong.Input]{Shared: pong.Game{}, Messages: pong.Messages,
		Title: "tickwire pong", Tagline: "Two paddles · one ball · first to seven",
		Client: func(sounds *ui.Sounds) app.Game[pong.Input] { return pongclient.New(sounds) }})
}
