package app

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/tickwire/tickwire/internal/testgame"
	"github.com/tickwire/tickwire/internal/testserver"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/tickwire/tickwire/wasmclient/netclient"
	"github.com/tickwire/tickwire/wasmclient/ui"
)

// jumper is a game client for the test game that jumps by 1 on every Input it is told to (its
// input, 0, never moves it otherwise), and keeps the positions it hears of.
type jumper struct {
	adds    int
	totals  []int32
	updates int
	out     []wire.Message
}

func (g *jumper) Reset() {}
func (g *jumper) Input(*ui.Context) int8 {
	if g.adds > 0 {
		g.adds--
		g.out = append(g.out, &testgame.Jump{By: 1})
	}
	return 0
}
func (g *jumper) Update(*ui.Context, *Frame)      { g.updates++ }
func (g *jumper) Draw(*ebiten.Image, *ui.Context) {}
func (g *jumper) Receive(m wire.Message) {
	if t, ok := m.(*testgame.Jumped); ok {
		g.totals = append(g.totals, t.Pos)
	}
}
func (g *jumper) Outbox(dst []wire.Message) []wire.Message {
	dst = append(dst, g.out...)
	g.out = g.out[:0]
	return dst
}

// play runs the playing scene's Update until cond holds.
func play(t *testing.T, a *App[int8], cond func() bool) {
	t.Helper()
	p := &playing[int8]{app: a, client: a.client.Load()}
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out; view %+v", p.client.View())
		}
		if p.client.View().Status == netclient.Connected {
			if err := p.Update(&ui.Context{}); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestPlayingExchangesGameMessagesAndSpectatorsSendNothing(t *testing.T) {
	t.Parallel()
	url := testserver.Start(t)
	cfg := Config{URL: url, Room: "t", Name: "ann"}
	spec := func(g *jumper) Spec[testgame.State, int8] {
		return Spec[testgame.State, int8]{Shared: testgame.Game{}, Messages: testgame.Game{}.Messages(),
			Client: func(*ui.Sounds) Game[int8] { return g }}
	}
	player := &jumper{adds: 3}
	a := New(cfg, spec(player), nil)
	defer a.Close()
	// The player opens the room; a spectator who came first would find nothing to watch.
	play(t, a, func() bool { return a.client.Load().View().Status == netclient.Connected })
	cfg.Spectate, cfg.Name = true, ""
	watcher := &jumper{adds: 3} // would add, were it not a spectator
	w := New(cfg, spec(watcher), nil)
	defer w.Close()
	if _, ok := w.mgr.Current().(*connecting[int8]); !ok {
		t.Fatalf("a spectator starts at %T, want connecting without a title screen", w.mgr.Current())
	}
	// Let the spectator in before the adds, so it hears every total.
	play(t, w, func() bool { return w.client.Load().View().Status == netclient.Connected })
	play(t, a, func() bool { return len(player.totals) == 3 })
	play(t, w, func() bool { return len(watcher.totals) == 3 })
	if want := []int32{1, 2, 3}; !reflect.DeepEqual(player.totals, want) || !reflect.DeepEqual(watcher.totals, want) {
		t.Errorf("totals: player %v, spectator %v; want %v for both", player.totals, watcher.totals, want)
	}
	if watcher.updates == 0 || len(watcher.out) == 0 {
		t.Errorf("the spectator's client ran %d updates and queued %d adds: its outbox must not be taken", watcher.updates, len(watcher.out))
	}
	play(t, a, func() bool { return a.client.Load().View().Ack > 0 }) // the player's input is sent
	var d netclient.DebugView
	if err := json.Unmarshal([]byte(w.DebugJSON()), &d); err != nil || !d.Spectator || d.Ack != 0 {
		t.Errorf("spectator's debug view %+v (%v), want spectator with no ack", d, err)
	}
}

// TestMenuTakesTheInput: while the in-game menu is open the game's Input is not asked (a key or a
// finger on the menu must not also steer), and it is asked again once the menu closes.
func TestMenuTakesTheInput(t *testing.T) {
	t.Parallel()
	url := testserver.Start(t)
	player := &jumper{adds: 2}
	a := New(Config{URL: url, Room: "menu", Name: "ann"}, Spec[testgame.State, int8]{Shared: testgame.Game{},
		Messages: testgame.Game{}.Messages(), Client: func(*ui.Sounds) Game[int8] { return player }}, nil)
	defer a.Close()
	a.over.open = true
	p := &playing[int8]{app: a, client: a.client.Load()}
	play(t, a, func() bool { return p.client.View().Status == netclient.Connected })
	for range 10 {
		if err := p.Update(&ui.Context{}); err != nil {
			t.Fatal(err)
		}
	}
	if player.adds != 2 {
		t.Fatalf("the game's Input ran %d times while the menu was open, want 0", 2-player.adds)
	}
	a.over.open = false
	play(t, a, func() bool { return player.adds == 0 })
}

// TestLeaveSaysGoodbyeAndForgetsTheSeat: leaving for the lobby closes the connection as a player
// who left (the room frees the seat at once) and tells the page to forget the seat it kept.
func TestLeaveSaysGoodbyeAndForgetsTheSeat(t *testing.T) {
	t.Parallel()
	url := testserver.Start(t)
	var forgot []string
	lobby := false
	cfg := Config{URL: url, Room: "leave", Name: "ann", ToLobby: func() { lobby = true },
		Page: Page{Left: func(game, room string) { forgot = append(forgot, game, room) }}}
	a := New(cfg, Spec[testgame.State, int8]{Shared: testgame.Game{}, Messages: testgame.Game{}.Messages(),
		Client: func(*ui.Sounds) Game[int8] { return &jumper{} }}, nil)
	defer a.Close()
	play(t, a, func() bool { return a.client.Load().View().Status == netclient.Connected })
	a.leave()
	if !lobby || !reflect.DeepEqual(forgot, []string{testgame.Game{}.Info().Name, "leave"}) {
		t.Errorf("after leave: lobby %v, seat forgotten %v; want the lobby and [%s leave]", lobby, forgot, testgame.Game{}.Info().Name)
	}
	if v := a.client.Load().View(); v.Status != netclient.Closed {
		t.Errorf("after leave the connection is %v, want closed", v.Status)
	}
}
