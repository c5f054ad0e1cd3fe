package main

import (
	"strings"
	"testing"
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

func TestYes(t *testing.T) {
	t.Parallel()
	for v, want := range map[string]bool{"": false, "0": false, "false": false, "no": false, "1": true, "true": true, "yes": true} {
		if got := yes(v); got != want {
			t.Errorf("yes(%q) = %v, want %v", v, got, want)
		}
	}
}
