package pong

import (
	"testing"

	"github.com/tickwire/tickwire/shared/games/pong"
	"github.com/tickwire/tickwire/wasmclient/ui"
)

// TestEmoteBubblesNeverStack is issue 16's "emote bubbles overlap": a player's new emote replaces
// their bubble, and each player has one at most.
func TestEmoteBubblesNeverStack(t *testing.T) {
	c := New(ui.NewSounds(true))
	for _, e := range []int32{0, 1, 2} {
		c.Receive(&pong.EmotedMsg{Player: 3, Emote: e})
	}
	c.Receive(&pong.EmotedMsg{Player: 4, Emote: 3})
	if len(c.bubbles) != 2 {
		t.Fatalf("%d bubbles after three emotes of one player and one of another, want 2: %+v", len(c.bubbles), c.bubbles)
	}
	for _, b := range c.bubbles {
		if b.Player == 3 && b.Text != Emotes[2] {
			t.Errorf("player 3's bubble says %q, want the newest, %q", b.Text, Emotes[2])
		}
	}
}
