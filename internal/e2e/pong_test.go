//go:build !js

package e2e

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/tickwire/tickwire/wasmclient/netclient"
)

// field returns a field of the first entity of kind in v, and whether there is one.
func field(v netclient.DebugView, kind, name string) (int32, bool) {
	if es := v.Entities[kind]; len(es) > 0 {
		return es[0].Fields[name], true
	}
	return 0, false
}

// TestPongWithASpectator plays the second game in the browser: two pages join a pong room from its
// address; both say ready with Space, the match starts and a paddle moves. A third page watches as
// a spectator: it sees the match and an emote that reaches everyone, sends nothing and stays.
func TestPongWithASpectator(t *testing.T) {
	findChromium(t)
	www := wwwDir(t)
	_, base := startServer(t, www)
	browser := newBrowser(t)

	// mute=1: sound is not under test, and Ebiten's audio driver (oto 3.5) calls a released
	// function, logging an error, when two key-ups come before the browser has resumed audio, which
	// a busy machine makes likely.
	room := "/?game=pong&room=e2e-pong&mute=1"
	a := openPage(t, browser, "Ann's page", base+room+"&name=Ann")
	b := openPage(t, browser, "Bob's page", base+room+"&name=Bob")
	inGame := func(v netclient.DebugView) bool {
		return v.Status == "connected" && v.Frames > 0 && len(v.Entities["paddle"]) == 2
	}
	va := a.waitView("Ann to see two paddles", 90*time.Second, inGame)
	vb := b.waitView("Bob to see two paddles", 30*time.Second, inGame)
	if va.Game != "pong" || va.Player == vb.Player || va.Spectator {
		t.Fatalf("Ann: game %q, player %d, spectator %v; Bob player %d", va.Game, va.Player, va.Spectator, vb.Player)
	}
	// Both say ready: pong's own message, routed to the game.
	// Taps of 300 ms: a page drawing a few frames a second samples its keys that seldom.
	a.holdKey(" ", "Space", 32, 300*time.Millisecond)
	b.holdKey(" ", "Space", 32, 300*time.Millisecond)
	vb = b.waitView("the ball to be in play", 15*time.Second, func(v netclient.DebugView) bool {
		phase, _ := field(v, "world", "phase")
		vx, _ := field(v, "ball", "vx")
		return phase >= 3 && vx != 0 || phase == 4 // in play, or a point already scored
	})

	// Ann holds the down arrow: Bob sees her paddle go down.
	paddleY := func(v netclient.DebugView, id uint32) int32 {
		for _, p := range v.Entities["paddle"] {
			if p.ID == id {
				return p.Fields["y"]
			}
		}
		return -1
	}
	before := paddleY(vb, va.Player)
	a.holdUntil("ArrowDown", 40, b, "Bob to see Ann's paddle move down", 30*time.Second, func(v netclient.DebugView) bool {
		return paddleY(v, va.Player) > before+50*256
	})

	// A spectator joins the running match from the same address with spectate=1.
	c := openPage(t, browser, "the spectator's page", base+room+"&spectate=1")
	vc := c.waitView("the spectator to see the match", 60*time.Second, inGame)
	if !vc.Spectator || vc.Player != 0 {
		t.Fatalf("spectator's view: spectator %v, player %d", vc.Spectator, vc.Player)
	}
	if phase, _ := field(vc, "world", "phase"); phase < 3 {
		t.Errorf("the spectator sees phase %d, want the match under way (3 or later)", phase)
	}

	// Ann emotes: the event reaches Bob and the spectator.
	vb, _ = b.view()
	evB, evC := vb.Events, vc.Events
	a.holdKey("1", "Digit1", 49, 300*time.Millisecond)
	b.waitView("Bob to hear Ann's emote", 10*time.Second, func(v netclient.DebugView) bool { return v.Events > evB })
	c.waitView("the spectator to hear Ann's emote", 10*time.Second, func(v netclient.DebugView) bool { return v.Events > evC })

	// The spectator's keys change nothing and do not get it closed.
	c.holdKey(" ", "Space", 32, 100*time.Millisecond)
	c.hold("ArrowUp", 38, 300*time.Millisecond)
	time.Sleep(300 * time.Millisecond)
	if v, err := c.view(); err != nil || v.Status != "connected" || v.Ack != 0 {
		t.Errorf("spectator after pressing keys: %+v (%v), want still connected with no input acknowledged", v, err)
	}

	dir := artifactDir(t, www)
	a.screenshot(filepath.Join(dir, "pong-ann.png"))
	c.screenshot(filepath.Join(dir, "pong-spectator.png"))
	for _, p := range []*page{a, b, c} {
		if problems := p.consoleProblems(); len(problems) > 0 {
			t.Errorf("%s logged errors: %v", p.name, problems)
		}
	}
}
