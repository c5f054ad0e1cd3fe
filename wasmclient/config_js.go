//go:build js

package main

import (
	"strings"
	"syscall/js"

	"github.com/tickwire/tickwire/shared/netsim"
)

// loadConfig reads the page's address: the WebSocket is /ws on the same host, over wss when the
// page came over https; ?game=, ?room=, ?name=, ?spectate=, ?private=, ?mute=, ?netgraph=, ?net= and ?replay= come
// from the query.
func loadConfig() (config, error) {
	loc := js.Global().Get("location")
	scheme := "ws://"
	if loc.Get("protocol").String() == "https:" {
		scheme = "wss://"
	}
	q := js.Global().Get("URLSearchParams").New(loc.Get("search"))
	param := func(name string) string {
		v := q.Call("get", name)
		if v.IsNull() || v.IsUndefined() {
			return ""
		}
		return strings.TrimSpace(v.String())
	}
	net, err := netsim.Parse(param("net"))
	if err != nil {
		return config{}, err
	}
	return config{
		Net:      net,
		URL:      scheme + loc.Get("host").String() + "/ws",
		Game:     strings.ToLower(param("game")),
		Room:     strings.ToLower(param("room")),
		Name:     param("name"),
		Spectate: yes(param("spectate")),
		Private:  yes(param("private")),
		Mute:     param("mute") != "",
		NetGraph: yes(param("netgraph")),
		Replay:   param("replay"),
	}, nil
}
