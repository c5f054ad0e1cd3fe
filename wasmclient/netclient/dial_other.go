//go:build !js

package netclient

import (
	"net/http"

	"github.com/tickwire/tickwire/wasmclient/netclient/internal/websocket"
)

// httpClient is Config.HTTPClient's type: net/http's client in native builds.
type httpClient = http.Client

func dialOptions(cfg Config) *websocket.DialOptions {
	return &websocket.DialOptions{HTTPClient: cfg.HTTPClient}
}
