package netclient_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/tickwire/tickwire/internal/cutter"
	"github.com/tickwire/tickwire/server"
	"github.com/tickwire/tickwire/server/room"
	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/wasmclient/netclient"
)

func serve(t *testing.T, ln net.Listener) *server.Server {
	t.Helper()
	cfg := server.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	cfg.Lobby.SeeEverything = true
	srv, err := server.New(cfg, room.For(arena.Game{}))
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	return srv
}

func shutdown(t *testing.T, srv *server.Server) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Errorf("shutdown: %v", err)
	}
}

func TestReconnectResumesTheSameSeat(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := serve(t, ln)
	t.Cleanup(func() { shutdown(t, srv) })
	proxy, err := cutter.New(ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(proxy.Close)

	c := netclient.Dial[arena.Input](netclient.Config{URL: "ws://" + proxy.Addr() + "/ws", Room: "cut", Name: "ann"}, arena.Game{}, arena.Schema)
	t.Cleanup(c.Close)
	v := waitView(t, c, "the welcome", func(v netclient.View) bool { return v.Status == netclient.Connected && v.Snapshots > 0 })
	me, token := v.Welcome.Player, v.Welcome.Resume
	if token == "" {
		t.Fatal("the welcome carries no resume token")
	}

	proxy.Cut(1, nil)
	waitView(t, c, "the client to notice", func(v netclient.View) bool { return v.Status != netclient.Connected })
	v = waitView(t, c, "the client to be back", func(v netclient.View) bool {
		return v.Status == netclient.Connected && v.Welcome.Resume != token && player(v, me) != nil
	})
	if v.Welcome.Player != me {
		t.Errorf("back as player %d, want the same seat, player %d", v.Welcome.Player, me)
	}
	if len(v.Roster) != 1 || v.Roster[0].Name != "ann" {
		t.Errorf("roster after the resume %+v, want ann once", v.Roster)
	}
}

func TestReconnectAfterARestartJoinsAfresh(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	srv := serve(t, ln)
	c := netclient.Dial[arena.Input](netclient.Config{URL: "ws://" + addr + "/ws", Name: "ann"}, arena.Game{}, arena.Schema)
	t.Cleanup(c.Close)
	waitView(t, c, "the welcome", func(v netclient.View) bool { return v.Status == netclient.Connected })

	shutdown(t, srv) // a deploy: clients get 1001, and the old seats are gone for good
	v := waitView(t, c, "the client to try again", func(v netclient.View) bool { return v.Status == netclient.Reconnecting })
	if v.Code != 1001 {
		t.Errorf("reconnecting after code %d %q, want 1001", v.Code, v.Reason)
	}
	ln2, err := net.Listen("tcp", addr) // the new server, on the same address
	if err != nil {
		t.Fatal(err)
	}
	srv2 := serve(t, ln2)
	t.Cleanup(func() { shutdown(t, srv2) })
	v = waitView(t, c, "the client to land in a room again", func(v netclient.View) bool {
		return v.Status == netclient.Connected && v.Snapshots > 0 && len(v.Roster) == 1
	})
	if v.Roster[0].Name != "ann" {
		t.Errorf("roster %+v", v.Roster)
	}
}

func TestRefusalIsNotRetried(t *testing.T) {
	t.Parallel()
	url := startArena(t, server.Config{})
	c := netclient.Dial[arena.Input](netclient.Config{URL: url, Name: ""}, arena.Game{}, arena.Schema)
	t.Cleanup(c.Close)
	v := waitView(t, c, "the refusal", func(v netclient.View) bool { return v.Status == netclient.Closed })
	time.Sleep(500 * time.Millisecond)
	if v2 := c.View(); v2.Status != netclient.Closed || v.Attempt != 0 {
		t.Errorf("after a refusal: status %v, attempt %d; want closed, no attempts", v2.Status, v.Attempt)
	}
}
