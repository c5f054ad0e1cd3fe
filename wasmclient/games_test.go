package main

import (
	"strings"
	"testing"

	"github.com/tickwire/tickwire/shared/netsim"
	"github.com/tickwire/tickwire/wasmclient/app"
)

func TestPickGame(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"", "arena"} {
		if g, err := pickGame(name); err != nil || g.Name != "arena" || g.Start == nil {
			t.Errorf("pickGame(%q) = %+v, %v; want the arena", name, g, err)
		}
	}
	if _, err := pickGame("chess"); err == nil || !strings.Contains(err.Error(), "arena") {
		t.Errorf("pickGame(chess): %v, want an error listing the games", err)
	}
}

// TestEverySettingReachesTheApp: the page's settings, ?net= included, reach the app of every game
// through the one conversion that register uses.
func TestEverySettingReachesTheApp(t *testing.T) {
	t.Parallel()
	cfg := config{URL: "ws://h/ws", Game: "pong", Room: "r", Name: "ann", Spectate: true, Private: true,
		Mute: true, NetGraph: true, Net: netsim.Bad}
	want := app.Config{URL: "ws://h/ws", Room: "r", Name: "ann", Spectate: true, Private: true, NetSim: netsim.Bad}
	if got := cfg.app(); got != want {
		t.Errorf("app config %+v, want %+v", got, want)
	}
}

func TestYes(t *testing.T) {
	t.Parallel()
	for v, want := range map[string]bool{"": false, "0": false, "false": false, "no": false, "1": true, "true": true, "yes": true} {
		if got := yes(v); got != want {
			t.Errorf("yes(%q) = %v, want %v", v, got, want)
		}
	}
}
