//go:build js

package main

import (
	"syscall/js"
)

// loadConfig reads the page's address: the WebSocket is /ws on the same host, over wss when the
// page came over https; the rest comes from the query (configFromQuery). The page's hooks
// (pageHooks) come with it: the seat this tab held in the room, kept for a reload.
func loadConfig() (config, error) {
	loc := js.Global().Get("location")
	scheme := "ws://"
	if loc.Get("protocol").String() == "https:" {
		scheme = "wss://"
	}
	q := js.Global().Get("URLSearchParams").New(loc.Get("search"))
	cfg, err := configFromQuery(scheme+loc.Get("host").String()+"/ws", func(name string) string {
		v := q.Call("get", name)
		if v.IsNull() || v.IsUndefined() {
			return ""
		}
		return v.String()
	})
	if err != nil {
		return cfg, err
	}
	cfg.Page = pageHooks(&cfg)
	return cfg, nil
}
