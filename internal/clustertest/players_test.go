package clustertest

import (
	"context"
	"fmt"
	"testing"

	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/wasmclient/netclient"
	"github.com/tickwire/tickwire/wasmclient/netcode"
)

// player is a bot as a page plays: the Go client (wasmclient/netclient) under the netcode driver,
// holding an input and running frames at 30 a second on its own goroutine.
type player struct {
	c *netclient.Client[arena.Input]
	d *netcode.Driver[arena.State, arena.Input]
}

// startPlayer dials home (the node its page came from) for room, and plays until the test ends.
func startPlayer(t *testing.T, home, room string, i int) *player {
	t.Helper()
	c := netclient.Dial[arena.Input](netclient.Config{URL: home, Room: room, Name: fmt.Sprintf("bot%d", i), Messages: arena.Messages},
		arena.Game{}, arena.Schema)
	p := &player{c: c, d: netcode.NewDriver[arena.State, arena.Input](arena.Game{}, c, netcode.DriverConfig{})}
	p.d.Hold(arena.Input{MoveX: int8(40 * (i%3 - 1)), MoveY: int8(30 * (i%2*2 - 1))})
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = p.d.Play(ctx, 30) }()
	t.Cleanup(func() { stop(); <-done; c.Close() })
	return p
}

// playing reports whether the player is welcomed and has had a snapshot since its newest welcome
// (after which View.Snapshots, counted over the client's life, is above since).
func (p *player) playing(since int) bool {
	v := p.c.View()
	return v.Status == netclient.Connected && v.Snapshots > since
}
