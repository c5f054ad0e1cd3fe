package netclient

import "github.com/tickwire/tickwire/wasmclient/netclient/internal/websocket"

// httpClient is Config.HTTPClient's type: nothing in the browser, whose WebSocket dials by itself.
type httpClient = struct{}

// dialOptions has nothing to set in the browser, whose WebSocket dials by itself.
func dialOptions(Config) *websocket.DialOptions { return nil }
