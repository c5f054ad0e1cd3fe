package server_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/tickwire/tickwire/server"
	"github.com/tickwire/tickwire/server/room"
	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/shared/netsim"
	"github.com/tickwire/tickwire/shared/wire"
	"go.uber.org/goleak"
)

// TestShutdownLeavesNoGoroutines plays a few clients on the real server, shuts it down, and checks
// that every goroutine the server started (rooms, connections, writers, heartbeats, and the
// simulated network's delay lines) has ended. The cases run one after the other: goleak counts
// every goroutine in the process.
func TestShutdownLeavesNoGoroutines(t *testing.T) {
	for _, tt := range []struct {
		name string
		p    netsim.Profile
	}{{"netsim off", netsim.Profile{}}, {"netsim bad", netsim.Bad}} {
		t.Run(tt.name, func(t *testing.T) { shutdownLeavesNoGoroutines(t, tt.p) })
	}
}

func shutdownLeavesNoGoroutines(t *testing.T, p netsim.Profile) {
	before := goleak.IgnoreCurrent()
	cfg := server.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	cfg.Gateway.NetSim = p
	srv, err := server.New(cfg, room.For(arena.Game{}))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var clients []*websocket.Conn
	for i, room := range []string{"a", "a", "b"} {
		ws, _, err := websocket.Dial(ctx, "ws://"+ln.Addr().String()+"/ws", nil)
		if err != nil {
			t.Fatal(err)
		}
		ws.SetReadLimit(1 << 20)
		hello, _ := wire.Encode(nil, &wire.Hello{Version: wire.ProtocolVersion, Room: room, Name: string(rune('A' + i))})
		if err := ws.Write(ctx, websocket.MessageBinary, hello); err != nil {
			t.Fatal(err)
		}
		if _, _, err := ws.Read(ctx); err != nil { // the welcome
			t.Fatal(err)
		}
		clients = append(clients, ws)
	}
	// Each client reads until the server closes it, as a browser does.
	closed := make(chan error, len(clients))
	for _, ws := range clients {
		go func() {
			for {
				if _, _, err := ws.Read(ctx); err != nil {
					closed <- err
					return
				}
			}
		}()
	}

	if err := srv.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve returned %v after shutdown", err)
	}
	for range clients {
		var ce websocket.CloseError
		if err := <-closed; !errors.As(err, &ce) || ce.Code != websocket.StatusGoingAway {
			t.Errorf("a client ended with %v, want 1001", err)
		}
	}
	for _, ws := range clients {
		ws.CloseNow()
	}
	goleak.VerifyNone(t, before)
}
