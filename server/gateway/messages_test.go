package gateway

import (
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/tickwire/tickwire/internal/testgame"
	"github.com/tickwire/tickwire/shared/wire"
)

// nextGameMessage reads up to the next game message and decodes it.
func (c *client) nextGameMessage() wire.Message {
	c.t.Helper()
	for {
		f, err := c.next(5 * time.Second)
		if err != nil {
			c.t.Fatalf("waiting for a game message: %v", err)
		}
		if f.Op.IsGameOp() {
			m, err := testgame.Game{}.Messages().Decode(f, wire.ToClient)
			if err != nil {
				c.t.Fatal(err)
			}
			return m
		}
	}
}

func TestGameMessagesReachTheGameAndEventsTheirPlayers(t *testing.T) {
	t.Parallel()
	srv := startServer(t, Config{})
	a, b := srv.dial(t), srv.dial(t)
	wa := a.join("msgs", "ann")
	wb := b.join("msgs", "bob")

	a.send(&testgame.Jump{By: 7})
	for _, c := range []*client{a, b} {
		if m, ok := c.nextGameMessage().(*testgame.Jumped); !ok || m.Player != wa.Player || m.Pos != 7 {
			t.Errorf("got %+v, want ann's jump to 7", m)
		}
	}
	// A whisper reaches only its addressee: b hears it, and a's next event is its own second jump.
	a.send(&testgame.Whisper{To: wb.Player, N: 42})
	a.send(&testgame.Jump{By: 1})
	if m, ok := b.nextGameMessage().(*testgame.Whispered); !ok || m.From != wa.Player || m.N != 42 {
		t.Errorf("b got %+v, want the whisper", m)
	}
	if m, ok := a.nextGameMessage().(*testgame.Jumped); !ok || m.Pos != 8 {
		t.Errorf("a got %+v, want its jump to 8", m)
	}
}

func TestBadGameMessagesCloseWithASpecificCode(t *testing.T) {
	t.Parallel()
	srv := startServer(t, Config{})
	tests := []struct {
		name   string
		frame  []byte
		code   wire.CloseCode
		reason string
	}{
		{"undeclared game op", []byte{0x92, 0x50, 0x90}, wire.CloseUnknownOp, "unknown op 80"},
		{"a server-to-client game op", []byte{0x92, 0x41, 0x92, 0x01, 0x01}, wire.CloseUnknownOp, "unknown op 65"},
		{"jump out of range", []byte{0x92, 0x40, 0x91, 0x10}, wire.CloseMalformed, "bad game message: jump"},
		{"jump of the wrong shape", []byte{0x92, 0x40, 0xa1, 'x'}, wire.CloseMalformed, "bad game message"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := srv.dial(t)
			c.join("", "mallory")
			c.sendRaw(websocket.MessageBinary, tt.frame)
			code, reason, _ := c.closedWith()
			if code != websocket.StatusCode(tt.code) || !strings.Contains(reason, tt.reason) {
				t.Errorf("closed with %d %q, want %d containing %q", code, reason, tt.code, tt.reason)
			}
		})
	}
}
