package netclient_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/tickwire/tickwire/server"
	"github.com/tickwire/tickwire/server/room"
	"github.com/tickwire/tickwire/server/servertest"
	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/wasmclient/netclient"
	"github.com/tickwire/tickwire/wasmclient/netcode"
)

// startArena runs the real server with the arena on a loopback port and returns its /ws URL.
func startArena(t *testing.T, cfg server.Config) string {
	t.Helper()
	_, addr := servertest.Start(t, cfg, room.For(arena.Game{}))
	return "ws://" + addr + "/ws"
}

func waitView(t *testing.T, c *netclient.Client[arena.Input], what string, cond func(v netclient.View) bool) netclient.View {
	t.Helper()
	return waitViewFor(t, c, what, 10*time.Second, cond)
}

// waitViewFor is waitView with a time limit of its own.
func waitViewFor(t *testing.T, c *netclient.Client[arena.Input], what string, limit time.Duration, cond func(v netclient.View) bool) netclient.View {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		v := c.View()
		if cond(v) {
			return v
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; view: status %v, reason %q, %d snapshots", what, v.Status, v.Reason, v.Snapshots)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func player(v netclient.View, id sim.PlayerID) *sim.Entity {
	for i := range v.Entities {
		if v.Entities[i].ID == sim.EntityID(id) && v.Entities[i].Kind == arena.KindPlayer {
			return &v.Entities[i]
		}
	}
	return nil
}

func TestTwoClientsSeeEachOtherMove(t *testing.T) {
	t.Parallel()
	// Interest management off: two players placed at random need not be in each other's view.
	cfg := server.Config{}
	cfg.Lobby.SeeEverything = true
	url := startArena(t, cfg)
	dial := func(name string) *netclient.Client[arena.Input] {
		c := netclient.Dial[arena.Input](netclient.Config{URL: url, Room: "pair", Name: name}, arena.Game{}, arena.Schema)
		t.Cleanup(c.Close)
		return c
	}
	a, b := dial("ann"), dial("bob")
	// Both play through the netcode's driver, as a game does; a predicts, b only interpolates.
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	da := netcode.NewDriver[arena.State, arena.Input](arena.Game{}, a, netcode.DriverConfig{Predict: true})
	db := netcode.NewDriver[arena.State, arena.Input](arena.Game{}, b, netcode.DriverConfig{})
	go da.Play(ctx, 60)
	go db.Play(ctx, 60)
	va := waitView(t, a, "a's welcome", func(v netclient.View) bool { return v.Status == netclient.Connected && v.Snapshots > 0 })
	me := va.Welcome.Player
	vb := waitView(t, b, "b to see a by name", func(v netclient.View) bool { return player(v, me) != nil && v.Name(me) == "ann" })
	start := player(vb, me).Fields[arena.PlayerX]

	// a holds a direction toward the middle of the arena (it may have been placed by a wall).
	dir := int8(127)
	if start > arena.Width/2 {
		dir = -127
	}
	da.Hold(arena.Input{MoveX: dir})
	v := waitView(t, b, "b to see a move toward the middle", func(v netclient.View) bool {
		p := player(v, me)
		return p != nil && (p.Fields[arena.PlayerX]-start)*int32(dir)/127 > 50*arena.One
	})
	if v.Ack == 0 {
		t.Error("b's idle inputs were never acknowledged")
	}
	if a.View().Ack == 0 {
		t.Error("a's inputs were never acknowledged")
	}
	if a.View().RTT <= 0 {
		t.Error("no round trip measured")
	}
	d := netclient.Debug(v, arena.Schema)
	if len(d.Entities["player"]) != 2 || len(d.Entities["orb"]) != arena.NumOrbs || !strings.Contains(d.JSON(), `"name":"ann"`) {
		t.Errorf("debug view: %s", d.JSON())
	}
}

// TestStoppedLoopStops: a player whose game loop stops (a hidden tab) sends no more inputs, and
// the server, after repeating the last one for a few ticks, steps the zero input: the player stops
// rather than runs on.
func TestStoppedLoopStops(t *testing.T) {
	t.Parallel()
	url := startArena(t, server.Config{})
	c := netclient.Dial[arena.Input](netclient.Config{URL: url, Name: "idle"}, arena.Game{}, arena.Schema)
	t.Cleanup(c.Close)
	d := netcode.NewDriver[arena.State, arena.Input](arena.Game{}, c, netcode.DriverConfig{Predict: true})
	d.Hold(arena.Input{MoveX: 127})
	ctx, stopLoop := context.WithCancel(context.Background())
	t.Cleanup(stopLoop)
	go d.Play(ctx, 60)
	v := waitView(t, c, "inputs applied", func(v netclient.View) bool { return v.Ack > 0 })
	me := v.Welcome.Player
	stopLoop() // the game loop stops
	// From top speed, friction takes about 1.7 s to bring a disc to a full stop.
	time.Sleep(3 * time.Second)
	v1 := player(c.View(), me)
	time.Sleep(500 * time.Millisecond)
	v2 := player(c.View(), me)
	if v1 == nil || v2 == nil || v1.Fields[arena.PlayerVX] != 0 || v2.Fields[arena.PlayerX] != v1.Fields[arena.PlayerX] {
		t.Errorf("a client whose loop stopped kept its player moving: %+v then %+v", v1, v2)
	}
}

func TestRefusalReasonReachesTheView(t *testing.T) {
	t.Parallel()
	url := startArena(t, server.Config{})
	c := netclient.Dial[arena.Input](netclient.Config{URL: url, Name: "<bad>"}, arena.Game{}, arena.Schema)
	t.Cleanup(c.Close)
	v := waitView(t, c, "the refusal", func(v netclient.View) bool { return v.Status == netclient.Closed })
	if v.Code != 4004 || !strings.Contains(v.Reason, "not allowed") {
		t.Errorf("closed with %d %q, want 4004 and the reason", v.Code, v.Reason)
	}
}

func TestUnreachableServer(t *testing.T) {
	t.Parallel()
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	c := netclient.Dial[arena.Input](netclient.Config{URL: "ws://" + addr + "/ws", Name: "x"}, arena.Game{}, arena.Schema)
	v := waitView(t, c, "the failure", func(v netclient.View) bool { return v.Status == netclient.Closed })
	// A plain sentence: the address is the view's URL, not the player's business.
	if v.Reason != "Can't reach the server" || v.URL != "ws://"+addr+"/ws" {
		t.Errorf("reason %q, URL %q", v.Reason, v.URL)
	}
}
