package main

import (
	"strconv"
	"strings"

	"github.com/tickwire/tickwire/shared/netsim"
	"github.com/tickwire/tickwire/shared/sim"
)

// configFromQuery reads the page's settings from its address's query, param returning a
// parameter's value ("" when absent): ?game=, ?room=, ?name=, ?spectate=, ?private=, ?mute=,
// ?netgraph=, ?net=, ?replay= and ?friend=. A yes/no parameter is yes unless absent or "0",
// "false" or "no" (so ?mute=0 plays sound). url is the server's WebSocket endpoint.
func configFromQuery(url string, param func(name string) string) (config, error) {
	get := func(name string) string { return strings.TrimSpace(param(name)) }
	net, err := netsim.Parse(get("net"))
	if err != nil {
		return config{}, err
	}
	var friend sim.PlayerID
	if f := get("friend"); f != "" {
		// A link's friend that is not a player id is ignored: the invite still names the room.
		if id, err := strconv.ParseUint(f, 10, 32); err == nil {
			friend = sim.PlayerID(id)
		}
	}
	return config{
		Net:      net,
		URL:      url,
		Game:     strings.ToLower(get("game")),
		Room:     strings.ToLower(get("room")),
		Name:     get("name"),
		Spectate: yes(get("spectate")),
		Private:  yes(get("private")),
		Mute:     yes(get("mute")),
		NetGraph: yes(get("netgraph")),
		Replay:   get("replay"),
		Friend:   friend,
	}, nil
}
