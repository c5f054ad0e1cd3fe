//go:build !js

package e2e

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tickwire/tickwire/shared/games/arena"
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
