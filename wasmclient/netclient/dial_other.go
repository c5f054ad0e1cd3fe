//go:build !js

package netclient

import "github.com/coder/websocket"

func dialOptions(cfg Config) *websocket.DialOptions {
	return &websocket.DialOptions{HTTPClient: cfg.HTTPClient}
}
