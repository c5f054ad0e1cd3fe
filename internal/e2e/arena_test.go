//go:build !js

package e2e

import (
	"bytes"
	"context"
	"image/color"
	imagepng "image/png"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/tickwire/tickwire/server"
	"github.com/tickwire/tickwire/server/room"
	"github.com/tickwire/tickwire/server/servertest"
	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/tickwire/tickwire/wasmclient/netclient"
)

// onBoard reports whether the page's leaderboard (DebugView.Board) lists every one of ids.
func onBoard(v netclient.DebugView, ids ...uint32) bool {
	for _, id := range ids {
		if !slices.ContainsFunc(v.Board, func(p netclient.DebugPlayer) bool { return p.ID == id }) {
			return false
		}
	}
	return true
}

// TestArenaBoardListsPlayersOutOfView is issue 16's first broken item: with interest management
// on (as in production), two players at opposite walls do not see each other, and each page's
// leaderboard must still list both, from the room's standings rather than from the entities in
// view.
func TestArenaBoardListsPlayersOutOfView(t *testing.T) {
	findChromium(t)
	www := wwwDir(t)
	_, base := startServer(t, www, func(cfg *server.Config) { cfg.Lobby.SeeEverything = false })
	browser := newBrowser(t)
	a := openPage(t, browser, "Ann's page", base+"/?name=Ann&room=far&mute=1")
	b := openPage(t, browser, "Bob's page", base+"/?name=Bob&room=far&mute=1")
	inGame := func(v netclient.DebugView) bool { return v.Status == "connected" && v.Frames > 0 && v.Snapshots > 0 }
	va := a.waitView("Ann to reach the game", 90*time.Second, inGame)
	vb := b.waitView("Bob to reach the game", 60*time.Second, inGame)

	// Ann runs to the left wall and Bob to the right: 3200 px apart, more than a view (1800 px
	// and its margin) can hold.
	x := func(v netclient.DebugView, id uint32) int32 {
		if p := findPlayer(v, id); p != nil {
			return p.Fields["x"] / arena.One
		}
		return -1
	}
	va = a.holdUntil("ArrowLeft", 37, a, "Ann to reach the left wall", 40*time.Second, func(v netclient.DebugView) bool {
		return x(v, va.Player) >= 0 && x(v, va.Player) < 400
	})
	vb = b.holdUntil("ArrowRight", 39, b, "Bob to reach the right wall", 40*time.Second, func(v netclient.DebugView) bool {
		return x(v, vb.Player) > 2800
	})
	va, _ = a.view()
	if findPlayer(va, vb.Player) != nil || findPlayer(vb, va.Player) != nil {
		t.Fatalf("Ann at x=%d and Bob at x=%d see each other: the test needs them out of view", x(va, va.Player), x(vb, vb.Player))
	}
	t.Logf("Ann at x=%d px, Bob at x=%d px, out of each other's view", x(va, va.Player), x(vb, vb.Player))

	both := func(v netclient.DebugView) bool { return onBoard(v, va.Player, vb.Player) }
	va = a.waitView("Ann's board to list Ann and Bob", 10*time.Second, both)
	vb = b.waitView("Bob's board to list Ann and Bob", 10*time.Second, both)
	t.Logf("Ann's board %+v; Bob's board %+v", va.Board, vb.Board)
	// The scores on a board are the server's: Bob's own on Ann's board.
	a.waitView("Ann's board to show Bob's score", 10*time.Second, func(v netclient.DebugView) bool {
		i := slices.IndexFunc(v.Board, func(p netclient.DebugPlayer) bool { return p.ID == vb.Player })
		own, err := b.view()
		bob := findPlayer(own, vb.Player)
		return i >= 0 && err == nil && bob != nil && v.Board[i].Score == bob.Fields["score"] && v.Board[i].Name == "Bob"
	})
	for _, p := range []*page{a, b} {
		if probs := p.consoleProblems(); len(probs) > 0 {
			t.Errorf("%s: console problems %v", p.name, probs)
		}
	}
}

// openTouchPage opens url in a tab that is a phone: a w×h viewport at scale 1, mobile, touch
// emulated (the page's "(pointer: coarse)" matches), before the page loads.
func openTouchPage(t *testing.T, browser context.Context, name, url string, w, h int64) *page {
	t.Helper()
	p := newTab(t, browser, name)
	err := chromedp.Do(p.ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		if _, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride,
			emulation.SetDeviceMetricsOverrideParams{Width: w, Height: h, DeviceScaleFactor: 1, Mobile: true}); err != nil {
			return err
		}
		_, err := chromedp.Call(ctx, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{Enabled: true, MaxTouchPoints: 5})
		return err
	}), chromedp.Navigate(url))
	if err != nil {
		t.Fatalf("%s: emulate a phone and navigate: %v", name, err)
	}
	return p
}

// TestArenaTouchControlsFromTheStart is the arena's part of issue 16's fifth broken item: on a
// phone, the DASH button (and the touch help) must show from the first frame, not after the first
// touch. The page is never touched; its screenshot must show the button's gold ring.
func TestArenaTouchControlsFromTheStart(t *testing.T) {
	findChromium(t)
	www := wwwDir(t)
	_, base := startServer(t, www)
	browser := newBrowser(t)
	const w, h = 360, 640
	p := openTouchPage(t, browser, "the phone's page", base+"/?name=Pho&room=touch&mute=1", w, h)
	if coarse, err := p.eval(`String(matchMedia("(pointer: coarse)").matches)`); err != nil || coarse != "true" {
		t.Fatalf("the emulated phone's pointer is not coarse (%q, %v): the test emulates nothing", coarse, err)
	}
	p.waitView("the phone to reach the game", 90*time.Second, func(v netclient.DebugView) bool {
		return v.Status == "connected" && v.Frames > 30 && v.Snapshots > 0
	})
	// Where the arena draws the button (Controls.Update): its centre 84 px from the right and 96
	// from the bottom, radius 46, its ring the outer 7 px; sample the ring left, right, above and
	// below.
	cx, cy, r := w-84, h-96, 46-3
	deadline := time.Now().Add(20 * time.Second)
	var got []color.RGBA
	for {
		png := p.screenshotPNG()
		img, err := imagepng.Decode(bytes.NewReader(png))
		if err != nil {
			t.Fatal(err)
		}
		got = got[:0]
		gold := 0
		for _, pt := range [][2]int{{cx - r, cy}, {cx + r, cy}, {cx, cy - r}, {cx, cy + r}} {
			c := color.RGBAModel.Convert(img.At(pt[0], pt[1])).(color.RGBA)
			got = append(got, c)
			if c.R > 180 && c.G > 130 && c.B < 140 && int(c.R) > int(c.B)+80 {
				gold++
			}
		}
		if gold >= 3 { // one may be under an orb or a disc passing by
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no DASH button on the untouched phone: the ring's pixels are %v, want gold", got)
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Logf("the DASH button's ring, untouched: %v", got)
	if dir := os.Getenv("TICKWIRE_SHOTS"); dir != "" {
		p.screenshot(filepath.Join(dir, "arena-phone-untouched.png"))
	}
	if probs := p.consoleProblems(); len(probs) > 0 {
		t.Errorf("console problems %v", probs)
	}
}

// screenshotPNG returns a screenshot of the page.
func (p *page) screenshotPNG() []byte {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		p.t.Fatalf("%s: screenshot: %v", p.name, err)
	}
	return png
}

// TestArenaStandingsAndSpawnNearOverTheWire plays the arena's messages through the real server
// with Go clients (no browser): with interest management on, two players far apart each receive
// standings that list both; then a third, joining by the first's invite, asks to spawn near them
// and is moved there.
func TestArenaStandingsAndSpawnNearOverTheWire(t *testing.T) {
	t.Parallel()
	_, addr := servertest.Start(t, server.Config{}, room.For(arena.Game{}))
	url := "ws://" + addr + "/ws"
	dial := func(name string) *netclient.Client[arena.Input] {
		c := netclient.Dial[arena.Input](netclient.Config{URL: url, Room: "wire", Name: name, Messages: arena.Messages},
			arena.Game{}, arena.Schema)
		t.Cleanup(c.Close)
		return c
	}
	// wait polls c's view until cond holds, taking the events that arrived.
	wait := func(c *netclient.Client[arena.Input], what string, cond func(v netclient.View, evs []wire.Message) bool) netclient.View {
		t.Helper()
		var evs []wire.Message
		for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			evs = c.TakeEvents(evs[:0])
			if v := c.View(); cond(v, evs) {
				return v
			}
		}
		t.Fatalf("timed out waiting for %s; view %+v", what, c.View())
		return netclient.View{}
	}
	standingsOf := func(evs []wire.Message) *arena.StandingsMsg {
		for i := len(evs) - 1; i >= 0; i-- {
			if m, ok := evs[i].(*arena.StandingsMsg); ok {
				return m
			}
		}
		return nil
	}
	ann, bob := dial("Ann"), dial("Bob")
	va := wait(ann, "Ann's welcome", func(v netclient.View, _ []wire.Message) bool { return v.Welcome.Player != 0 })
	vb := wait(bob, "Bob's welcome", func(v netclient.View, _ []wire.Message) bool { return v.Welcome.Player != 0 })
	for _, c := range []*netclient.Client[arena.Input]{ann, bob} {
		wait(c, "standings listing Ann and Bob", func(_ netclient.View, evs []wire.Message) bool {
			m := standingsOf(evs)
			return m != nil && len(m.Players) == 2 && m.Round == 1 && m.Left > 0
		})
	}

	// Cy follows Ann's invite: its client asks once, after its welcome, to spawn near Ann.
	cy := dial("Cy")
	vc := wait(cy, "Cy's welcome", func(v netclient.View, _ []wire.Message) bool { return v.Welcome.Player != 0 })
	welcomed := time.Now()
	if err := cy.Send(&arena.SpawnNearMsg{Player: va.Welcome.Player}); err != nil {
		t.Fatal(err)
	}
	pos := func(v netclient.View, id sim.PlayerID) (int32, int32, bool) {
		for _, e := range v.Entities {
			if e.ID == sim.EntityID(id) {
				return e.Field(arena.PlayerX), e.Field(arena.PlayerY), true
			}
		}
		return 0, 0, false
	}
	// Moved, not placed there by chance: the move spends the spawn grace (fresh), which would
	// otherwise last 3 s.
	wait(cy, "Cy next to Ann", func(v netclient.View, _ []wire.Message) bool {
		ax, ay, okA := pos(v, va.Welcome.Player)
		cx, cy, okC := pos(v, vc.Welcome.Player)
		fresh := int32(-1)
		for _, e := range v.Entities {
			if e.ID == sim.EntityID(vc.Welcome.Player) {
				fresh = e.Field(arena.PlayerFresh)
			}
		}
		return okA && okC && sim.Length(ax-cx, ay-cy) < 4*arena.PlayerRadius && fresh == 0
	})
	if d := time.Since(welcomed); d > 2*time.Second {
		t.Errorf("Cy reached Ann %v after its welcome: by then the grace had run out by itself", d)
	}
	if vb.Welcome.Player == va.Welcome.Player {
		t.Errorf("Ann and Bob are both player %d", va.Welcome.Player)
	}
}
