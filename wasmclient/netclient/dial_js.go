package netclient

import "github.com/coder/websocket"

// dialOptions has nothing to set in the browser, whose WebSocket dials by itself.
func dialOptions(Config) *websocket.DialOptions { return nil }
