//go:build !js

package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/shared/games/pong"
	"github.com/tickwire/tickwire/wasmclient/netclient"
	"github.com/tickwire/tickwire/wasmclient/netcode"
)

// TestReadmeScreenshot takes the README's screenshot when `go tool mage screenshot` asks for it (by
// setting TICKWIRE_SCREENSHOT to the file to write): one page and three bots that play in one room.
// It is a tool for the docs, not a check, so without that variable there is nothing for it to do.
func TestReadmeScreenshot(t *testing.T) {
	out := os.Getenv("TICKWIRE_SCREENSHOT")
	if out == "" {
		t.Skip("TICKWIRE_SCREENSHOT is not set: this only runs for 'go tool mage screenshot'")
	}
	findChromium(t)
	www := wwwDir(t)
	_, base := startServer(t, www)
	url := "ws" + strings.TrimPrefix(base, "http") + "/ws"

	// Three bots that steer in slow circles and dash now and then.
	stop := make(chan struct{})
	defer close(stop)
	for i, name := range []string{"Bob", "Chen", "Dara"} {
		bot := netclient.Dial[arena.Input](netclient.Config{URL: url, Room: "demo", Name: name, Messages: arena.Messages}, arena.Game{}, arena.Schema)
		t.Cleanup(bot.Close)
		drv := netcode.NewDriver[arena.State, arena.Input](arena.Game{}, bot, netcode.DriverConfig{})
		ctx, stopDriver := context.WithCancel(context.Background())
		t.Cleanup(stopDriver)
		go drv.Play(ctx, 30)
		go func() {
			dirs := [][2]int8{{127, 0}, {90, 90}, {0, 127}, {-90, 90}, {-127, 0}, {-90, -90}, {0, -127}, {90, -90}}
			for k := 0; ; k++ {
				select {
				case <-stop:
					return
				case <-time.After(50 * time.Millisecond):
				}
				d := dirs[(k/12+i*3)%len(dirs)]
				in := arena.Input{MoveX: d[0], MoveY: d[1]}
				if k%40 == i*10 {
					in.Buttons = arena.ButtonDash
				}
				drv.Hold(in)
			}
		}()
	}

	browser := newBrowserSized(t, 1280, 720) // the README's picture: full size, however slow
	p := openPage(t, browser, "Ann's page", base+"/?name=Ann&room=demo")
	p.waitView("the page to see all four players", 90*time.Second, func(v netclient.DebugView) bool {
		return v.Status == "connected" && v.Frames > 0 && len(v.Entities["player"]) == 4
	})
	// Let the bots spread out and collect some orbs, and Ann wander toward them.
	p.hold("ArrowRight", 39, 1200*time.Millisecond)
	p.hold("ArrowDown", 40, 600*time.Millisecond)
	time.Sleep(3 * time.Second)
	p.screenshot(out)
}

// TestScreens saves the page's fixed screens, for the closing note of a change to them, when
// TICKWIRE_SHOTS names a directory: the lobby, the name input, the room-full and bad-room error
// screens, the arena in play with its menu open, and pong in play, each at 960×600 (mouse) and at
// 390×844 (a phone: touch, the mobile viewport), as NAME-960x600.png and NAME-390x844.png. Like
// TestReadmeScreenshot it is a tool, not a check: without TICKWIRE_SHOTS there is nothing to do.
func TestScreens(t *testing.T) {
	dir := os.Getenv("TICKWIRE_SHOTS")
	if dir == "" {
		t.Skip("TICKWIRE_SHOTS is not set: this only saves the screens when asked")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	findChromium(t)
	www := wwwDir(t)
	_, base := startServer(t, www)
	ws := "ws" + strings.TrimPrefix(base, "http") + "/ws"
	fillPongRoom(t, base, "full")
	for _, vp := range []struct {
		w, h  int64
		touch bool
	}{{960, 600, false}, {390, 844, true}} {
		size := fmt.Sprintf("%dx%d", vp.w, vp.h)
		p := openPage(t, newBrowserSized(t, int(vp.w), int(vp.h)), "the "+size+" page", "about:blank")
		if err := p.cdp(func(ctx context.Context) error {
			if _, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride,
				emulation.SetDeviceMetricsOverrideParams{Width: vp.w, Height: vp.h, DeviceScaleFactor: 1, Mobile: vp.touch}); err != nil {
				return err
			}
			_, err := chromedp.Call(ctx, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{Enabled: vp.touch, MaxTouchPoints: 1})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		shot := func(name string) { p.screenshot(filepath.Join(dir, name+"-"+size+".png")) }
		visit := func(path string) {
			t.Helper()
			if err := chromedp.Do(p.ctx, chromedp.Navigate(base+path)); err != nil {
				t.Fatal(err)
			}
		}
		// touch taps once at (x, y), so that the games show their touch controls.
		touch := func(x, y float64) {
			if !vp.touch {
				return
			}
			for _, ev := range []input.DispatchTouchEventParams{
				{Type: input.DispatchTouchEventTypeTouchStart, TouchPoints: []*input.TouchPoint{{X: x, Y: y}}},
				{Type: input.DispatchTouchEventTypeTouchEnd, TouchPoints: []*input.TouchPoint{}},
			} {
				if err := p.cdp(func(ctx context.Context) error {
					_, err := chromedp.Call(ctx, input.DispatchTouchEvent, ev)
					return err
				}); err != nil {
					t.Fatal(err)
				}
				time.Sleep(200 * time.Millisecond)
			}
		}

		visit("/")
		p.waitLobby("the lobby", func(l lobbyState) bool { return len(l.Rooms) > 0 })
		shot("lobby")
		visit("/?game=pong&room=shots")
		p.waitView("the title screen", 90*time.Second, func(v netclient.DebugView) bool { return v.Status == "title" && v.Frames > 10 })
		time.Sleep(500 * time.Millisecond)
		shot("name")
		visit("/?game=pong&room=full&name=Cy")
		p.waitView("the room-full screen", 90*time.Second, func(v netclient.DebugView) bool { return len(labels(v)) > 0 })
		shot("error-room-full")
		visit("/?game=pong&room=no%20spaces&name=Cy")
		p.waitView("the bad-room screen", 90*time.Second, func(v netclient.DebugView) bool { return len(labels(v)) > 0 })
		shot("error-bad-room")
		visit("/?game=arena&room=shots&name=Ann")
		p.waitView("the arena", 90*time.Second, connected)
		touch(float64(vp.w)/2, float64(vp.h)/3)
		time.Sleep(time.Second)
		shot("arena")
		p.pressButton("Menu")
		p.waitView("the menu", 10*time.Second, func(v netclient.DebugView) bool { return v.Page != nil && v.Page.Menu })
		time.Sleep(500 * time.Millisecond)
		shot("menu")
		bot := netclient.Dial[pong.Input](netclient.Config{URL: ws, Game: "pong", Room: "shots-" + size, Name: "Bob"}, pong.Game{}, pong.Schema)
		visit("/?game=pong&room=shots-" + size + "&name=Ann")
		p.waitView("pong", 90*time.Second, func(v netclient.DebugView) bool { return connected(v) && len(v.Entities["paddle"]) == 2 })
		touch(float64(vp.w)/2, float64(vp.h)/2)
		time.Sleep(time.Second)
		shot("pong")
		bot.Close()
	}
}
