//go:build !js

package e2e

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/tickwire/tickwire/wasmclient/netclient"
)

// tap touches the page at (x, y) CSS pixels for d, then lifts the finger.
func (p *page) tap(x, y float64, d time.Duration) {
	p.t.Helper()
	touch := func(typ input.DispatchTouchEventType, points []*input.TouchPoint) {
		ctx, cancel := context.WithTimeout(p.ctx, 5*time.Second)
		defer cancel()
		err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: typ, TouchPoints: points})
			return err
		}))
		if err != nil {
			p.t.Fatalf("%s: touch: %v", p.name, err)
		}
	}
	touch(input.DispatchTouchEventTypeTouchStart, []*input.TouchPoint{{X: x, Y: y}})
	time.Sleep(d)
	touch(input.DispatchTouchEventTypeTouchEnd, []*input.TouchPoint{})
}

// TestPongOnAPhone is issue 16's "Broken 5" for pong: a phone held upright (390×844, touch) in a
// match against a desktop player. Every text the game draws (status, names, banner, help, emote
// buttons) lies inside the screen, the help is for touch, a tap says ready, and a tap on an emote
// button sends the emote, which the other player receives.
func TestPongOnAPhone(t *testing.T) {
	findChromium(t)
	www := wwwDir(t)
	_, base := startServer(t, www)
	browser := newBrowser(t)
	const w, h = 390, 844

	room := "/?game=pong&room=e2e-phone&mute=1"
	a := openTouchPage(t, browser, "the phone", base+room+"&name=Phoebe%20Longname", w, h)
	b := openPage(t, browser, "Bob's page", base+room+"&name=Bob")
	inGame := func(v netclient.DebugView) bool {
		return v.Status == "connected" && v.Frames > 0 && len(v.Entities["paddle"]) == 2
	}
	a.waitView("the phone to see two paddles", 90*time.Second, inGame)
	b.waitView("Bob to see two paddles", 30*time.Second, inGame)

	inside := func(what string) {
		t.Helper()
		ts := a.texts()
		if len(ts) < 4 {
			t.Fatalf("%s: the phone drew %d texts (%+v), want the status, names, scores and more", what, len(ts), ts)
		}
		for _, tx := range ts {
			if tx.X < 0 || tx.Y < 0 || tx.X+tx.W > w || tx.Y+tx.H > h {
				t.Errorf("%s: %q at (%.0f, %.0f) %.0f×%.0f is cut off by the %d×%d screen", what, tx.Text, tx.X, tx.Y, tx.W, tx.H, w, h)
			}
		}
	}
	a.waitText("the touch help and the phone's name", 10*time.Second, "drag", "(you)", "Ready?")
	inside("before the match")

	// A tap in the middle of the screen says ready; Bob says it with Space.
	a.tap(w/2, h/2, 150*time.Millisecond)
	b.holdKey(" ", "Space", 32, 300*time.Millisecond)
	a.waitView("the match to start", 20*time.Second, func(v netclient.DebugView) bool {
		phase, _ := field(v, "world", "phase")
		return phase >= 2
	})
	inside("in the match")

	// A tap on the "GG" button sends the emote: Bob hears it.
	var gg *drawnText
	for _, tx := range a.waitText("the emote buttons", 5*time.Second, "GG") {
		if tx.Text == "GG" {
			gg = &tx
		}
	}
	if gg == nil {
		t.Fatal("no GG button drawn")
	}
	vb, _ := b.view()
	a.tap(gg.X+gg.W/2, gg.Y+gg.H/2, 150*time.Millisecond)
	b.waitView("Bob to hear the phone's emote", 10*time.Second, func(v netclient.DebugView) bool { return v.Events > vb.Events })
	a.waitText("the phone to show its own emote", 5*time.Second, "GG")
	inside("with an emote shown")
	a.screenshot(filepath.Join(artifactDir(t, www), "pong-phone.png"))
	for _, p := range []*page{a, b} {
		if problems := p.consoleProblems(); len(problems) > 0 {
			t.Errorf("%s logged errors: %v", p.name, problems)
		}
	}
}
