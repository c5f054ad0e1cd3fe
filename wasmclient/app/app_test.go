package app

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/wasmclient/netclient"
	"github.com/tickwire/tickwire/wasmclient/ui"
)

// fakeGame is a Game that draws nothing.
type fakeGame struct{ resets int }

func (g *fakeGame) Reset()                          { g.resets++ }
func (g *fakeGame) Input(*ui.Context) arena.Input   { return arena.Input{} }
func (g *fakeGame) Update(*ui.Context, *Frame)      {}
func (g *fakeGame) Draw(*ebiten.Image, *ui.Context) {}

// fakeSpec declares the arena with g as its client half.
func fakeSpec(g *fakeGame) Spec[arena.State, arena.Input] {
	return Spec[arena.State, arena.Input]{Shared: arena.Game{}, Title: "test", Predict: true,
		Client: func(*ui.Sounds) Game[arena.Input] { return g }}
}

func debugView(t *testing.T, a *App[arena.Input]) netclient.DebugView {
	t.Helper()
	var d netclient.DebugView
	if err := json.Unmarshal([]byte(a.DebugJSON()), &d); err != nil {
		t.Fatalf("DebugJSON is not JSON: %v", err)
	}
	return d
}

func TestDebugJSONTitle(t *testing.T) {
	t.Parallel()
	a := New(Config{URL: "ws://127.0.0.1:1/ws"}, fakeSpec(&fakeGame{}), nil)
	defer a.Close()
	if _, ok := a.mgr.Current().(*title[arena.Input]); !ok {
		t.Fatalf("without a name the client starts at %T, want the title screen", a.mgr.Current())
	}
	if d := debugView(t, a); d.Status != "title" || d.Frames != 0 {
		t.Errorf("before connecting: %+v, want status title and no frames", d)
	}
}

func TestDebugJSONClosed(t *testing.T) {
	t.Parallel()
	g := &fakeGame{}
	// Port 1 refuses connections: the client ends up closed, with a reason, without blocking.
	a := New(Config{URL: "ws://127.0.0.1:1/ws", Name: "Ann"}, fakeSpec(g), nil)
	defer a.Close()
	if _, ok := a.mgr.Current().(*connecting[arena.Input]); !ok || g.resets != 1 {
		t.Fatalf("with a name the client starts at %T with %d resets, want connecting after one reset", a.mgr.Current(), g.resets)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		d := debugView(t, a)
		if d.Status == "closed" {
			if !strings.Contains(d.Reason, "reach the server") || strings.Contains(d.Reason, "ws://") {
				t.Errorf("reason %q, want it to say the server cannot be reached", d.Reason)
			}
			break
		}
		if d.Status != "connecting" || time.Now().After(deadline) {
			t.Fatalf("status %q, want connecting and then closed", d.Status)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
