package main

import (
	"github.com/tickwire/tickwire/shared/games/pong"
	"github.com/tickwire/tickwire/wasmclient/app"
	pongclient "github.com/tickwire/tickwire/wasmclient/games/pong"
	"github.com/tickwire/tickwire/wasmclient/ui"
)

var _ app.Messenger = (*pongclient.Client)(nil)

func init() {
	register(clientGame{Name: pong.Name, Title: "tickwire pong", Start: func(cfg config, sounds *ui.Sounds) runner {
		return app.New(app.Config{URL: cfg.URL, Game: pong.Name, Room: cfg.Room, Name: cfg.Name,
			Spectate: cfg.Spectate, Private: cfg.Private, NetSim: cfg.Net, Messages: pong.Messages, Title: "tickwire pong",
			Tagline: "Two paddles · one ball · first to seven"},
			pongclient.New(sounds), pong.Game{}, pong.Schema)
	}})
}
