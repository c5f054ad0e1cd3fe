//go:build !js

package main

import (
	"flag"
	"os"
	"strings"

	"github.com/tickwire/tickwire/shared/netsim"
)

// loadConfig reads the command line.
func loadConfig() (config, error) {
	var c config
	fs := flag.NewFlagSet("wasmclient", flag.ContinueOnError)
	fs.StringVar(&c.URL, "server", "ws://localhost:8080/ws", "the server's WebSocket endpoint")
	fs.StringVar(&c.Game, "game", "", "game to play (default: arena)")
	fs.StringVar(&c.Room, "room", "", "room to join (default: any room with a free seat)")
	fs.StringVar(&c.Name, "name", "", "player name (default: pick one on the title screen)")
	fs.BoolVar(&c.Spectate, "spectate", false, "watch the room instead of playing")
	fs.BoolVar(&c.Private, "private", false, "make a named room this client opens private (not listed)")
	fs.BoolVar(&c.Mute, "mute", false, "play no sound")
	net := fs.String("net", "off", "simulate a bad network: bad, or rtt=150ms,jitter=30ms,loss=5%")
	fs.BoolVar(&c.NetGraph, "netgraph", false, "show the net graph from the start (F3 toggles it)")
	fs.StringVar(&c.Replay, "replay", "", "watch the server's replay with this id instead of playing")
	if err := fs.Parse(os.Args[1:]); err != nil {
		return c, err
	}
	c.Game = strings.ToLower(strings.TrimSpace(c.Game))
	c.Room = strings.ToLower(strings.TrimSpace(c.Room))
	c.Name = strings.TrimSpace(c.Name)
	var err error
	c.Net, err = netsim.Parse(*net)
	return c, err
}
