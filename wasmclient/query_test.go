package main

import (
	"net/url"
	"testing"

	"github.com/tickwire/tickwire/shared/sim"
)

func TestConfigFromQuery(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		query string
		check func(c config) bool
	}{
		{"mute=0", func(c config) bool { return !c.Mute }},
		{"mute=1", func(c config) bool { return c.Mute }},
		{"mute=", func(c config) bool { return !c.Mute }},
		{"mute=no", func(c config) bool { return !c.Mute }},
		{"", func(c config) bool { return !c.Mute && c.Game == "" && c.Friend == 0 }},
		{"game=Pong&room=Cup&friend=7", func(c config) bool { return c.Game == "pong" && c.Room == "cup" && c.Friend == sim.PlayerID(7) }},
		{"friend=ann", func(c config) bool { return c.Friend == 0 }},
		{"spectate=1&name=+Ann+", func(c config) bool { return c.Spectate && c.Name == "Ann" }},
	} {
		q, err := url.ParseQuery(tc.query)
		if err != nil {
			t.Fatal(err)
		}
		c, err := configFromQuery("ws://x/ws", q.Get)
		if err != nil || !tc.check(c) {
			t.Errorf("?%s: %+v, %v", tc.query, c, err)
		}
	}
	if _, err := configFromQuery("ws://x/ws", url.Values{"net": {"nonsense"}}.Get); err == nil {
		t.Error("?net=nonsense was taken")
	}
}
