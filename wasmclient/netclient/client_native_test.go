//go:build !js

package netclient_test

import (
	"context"
	"net"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/tickwire/tickwire/server"
	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/wasmclient/netclient"
)

// Config.HTTPClient is net/http's client only in native builds (an empty struct in the browser's).

// countingConn counts the bytes read through a connection.
type countingConn struct {
	net.Conn
	read *atomic.Int64
}

func (c countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.read.Add(int64(n))
	return n, err
}

func TestHTTPClientDialsTheConnection(t *testing.T) {
	t.Parallel()
	url := startArena(t, server.Config{})
	var read atomic.Int64
	var d net.Dialer
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := d.DialContext(ctx, network, addr)
		return countingConn{conn, &read}, err
	}}}
	c := netclient.Dial[arena.Input](netclient.Config{URL: url, Name: "counted", HTTPClient: hc}, arena.Game{}, arena.Schema)
	t.Cleanup(c.Close)
	waitView(t, c, "snapshots", func(v netclient.View) bool { return v.Snapshots >= 3 })
	// Three arena snapshots are well over a kilobyte: they came through the given client's connection.
	if n := read.Load(); n < 1000 {
		t.Errorf("%d bytes read through the HTTPClient's connection", n)
	}
}
