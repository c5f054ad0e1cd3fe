package main

import (
	"context"
	"reflect"
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
		Mute: true, NetGraph: true, Net: netsim.Bad, Replay: "r1-7",
		findReplay: func(context.Context, string, string) (string, error) { return "", nil }, watchReplay: func(string) {}}
	want := app.Config{URL: "ws://h/ws", Room: "r", Name: "ann", Spectate: true, Private: true, NetSim: netsim.Bad,
		Replay: "r1-7"} // natively there is no lobby page nor file picker: ToLobby and OpenFile are nil
	got := cfg.app()
	if got.FindReplay == nil || got.WatchReplay == nil {
		t.Error("FindReplay and WatchReplay are not passed on")
	}
	got.FindReplay, got.WatchReplay = nil, nil
	if !reflect.DeepEqual(got, want) {
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

// TestAppConfigCarriesFriend checks that an invite link's friend reaches the game's app, where the
// arena asks to spawn next to them.
func TestAppConfigCarriesFriend(t *testing.T) {
	if got := (config{Friend: 7}).app().Friend; got != 7 {
		t.Errorf("app().Friend = %d, want 7", got)
	}
}
