package gateway

import (
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/tickwire/tickwire/internal/testgame"
	"github.com/tickwire/tickwire/shared/wire"
)

// spectate sends a spectator's hello and reads up to the welcome.
func (c *client) spectate(room string) wire.Welcome {
	c.t.Helper()
	c.send(&wire.Hello{Version: wire.ProtocolVersion, Room: room, Spectate: true})
	f, err := c.next(5 * time.Second)
	if err != nil {
		c.t.Fatalf("spectate: %v", err)
	}
	var w wire.Welcome
	if err := f.Decode(&w); err != nil {
		c.t.Fatalf("spectate: %v", err)
	}
	return w
}

func TestSpectatorWatchesAPlayerMove(t *testing.T) {
	t.Parallel()
	srv := startServer(t, Config{})
	p := srv.dial(t)
	wp := p.join("show", "ann")
	s := srv.dial(t)
	ws := s.spectate("show")
	if !ws.Spectator || ws.Player != 0 || ws.Room != "show" {
		t.Fatalf("spectator's welcome %+v", ws)
	}
	for i := range uint32(20) { // 4 a tick for 20 ticks from a few after the spectator's welcome
		p.input(i+1, ws.Tick+3+i, 4)
	}
	p.send(&testgame.Jump{By: 1})
	sawJump := false
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		f, err := s.next(5 * time.Second)
		if err != nil {
			t.Fatal(err)
		}
		switch f.Op {
		case testgame.OpJumped:
			sawJump = true
		case wire.OpSnapshot:
			var snap wire.Snapshot
			if err := f.Decode(&snap); err != nil {
				t.Fatal(err)
			}
			if snap.Ack != 0 {
				t.Fatalf("a spectator's snapshot acknowledges input %d", snap.Ack)
			}
			for _, e := range snap.Entities {
				if uint32(e.ID) == uint32(wp.Player) && e.Fields[0] > 40 {
					if !sawJump {
						t.Error("the spectator saw the move but not the jump event before it")
					}
					return
				}
			}
		}
	}
	t.Fatal("the spectator never saw the player move")
}

func TestSpectatorSendingInputIsClosed(t *testing.T) {
	t.Parallel()
	srv := startServer(t, Config{})
	srv.dial(t).join("stage", "ann")
	var in int8 = 1
	input, _ := wire.EncodeInput(nil, testgame.Game{}, wire.InputHeader{Seq: 1}, &in)
	inputs, _ := wire.EncodeInputs(nil, testgame.Game{}, &wire.InputBatch[int8]{Seq: 1, Entries: make([]wire.InputEntry[int8], 2)})
	jump, _ := wire.Encode(nil, &testgame.Jump{By: 1})
	tests := []struct {
		name   string
		frame  []byte
		code   wire.CloseCode
		reason string
	}{
		{"input", input, wire.CloseSpectator, "spectators send no input"},
		{"inputs", inputs, wire.CloseSpectator, "spectators send no input"},
		{"game message", jump, wire.CloseSpectator, "spectators send no game messages"},
		{"unknown toolkit op", []byte{0x92, 0x3f, 0x90}, wire.CloseUnknownOp, "unknown op 63"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := srv.dial(t)
			c.spectate("stage")
			c.send(&wire.Ping{ClientTime: 1}) // a spectator may ping
			c.sendRaw(websocket.MessageBinary, tt.frame)
			code, reason, bye := c.closedWith()
			if code != websocket.StatusCode(tt.code) || !strings.Contains(reason, tt.reason) || bye == nil {
				t.Errorf("closed with %d %q (bye %+v), want %d containing %q after a bye", code, reason, bye, tt.code, tt.reason)
			}
		})
	}
}

func TestSpectatingARoomThatIsNotOpen(t *testing.T) {
	t.Parallel()
	srv := startServer(t, Config{})
	c := srv.dial(t)
	c.send(&wire.Hello{Version: wire.ProtocolVersion, Room: "ghost", Spectate: true})
	code, reason, _ := c.closedWith()
	if code != websocket.StatusCode(wire.CloseNoRoom) || !strings.Contains(reason, "not open") {
		t.Errorf("closed with %d %q, want %d 'not open'", code, reason, wire.CloseNoRoom)
	}
}
