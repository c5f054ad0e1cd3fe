package lobby

import (
	"strings"
	"testing"

	"github.com/tickwire/tickwire/shared/wire"
)

func TestSpectatorsTakeNoSeatAndHaveTheirOwnLimit(t *testing.T) {
	t.Parallel()
	l := newLobby(t, Config{MaxSpectators: 2}) // rooms of 2 seats
	for _, p := range []string{"a", "b"} {
		if _, ref := join(l, "", "cup", p, &nopPeer{}); ref != nil {
			t.Fatal(ref)
		}
	}
	// The room is full of players, yet two spectators fit; a third does not.
	w1, ref := watch(l, "", "cup", "", &nopPeer{})
	if ref != nil {
		t.Fatal(ref)
	}
	if _, ref := watch(l, "line", "cup", "Zoë", &nopPeer{}); ref != nil {
		t.Fatal(ref)
	}
	if _, ref := watch(l, "", "cup", "late", &nopPeer{}); ref == nil || ref.Code != wire.CloseRoomFull || !strings.Contains(ref.Reason, "spectator") {
		t.Errorf("third spectator: %v, want CloseRoomFull about spectators", ref)
	}
	if _, ref := join(l, "", "cup", "c", &nopPeer{}); ref == nil || ref.Code != wire.CloseRoomFull {
		t.Errorf("third player: %v, want CloseRoomFull", ref)
	}
	r := l.Rooms()
	if len(r) != 1 || r[0].Players != 2 || r[0].Spectators != 2 || r[0].MaxSpectators != 2 {
		t.Fatalf("rooms %+v, want cup with 2 players and 2 of 2 spectators", r)
	}
	w1.Leave()
	waitFor(t, func() bool { return l.Rooms()[0].Spectators == 1 })
	if _, ref := watch(l, "", "cup", "late", &nopPeer{}); ref != nil {
		t.Errorf("after a spectator left: %v", ref)
	}
}

func TestWatchRefusals(t *testing.T) {
	t.Parallel()
	l := newLobby(t, Config{})
	tests := []struct {
		name, game, room, spectator string
		want                        wire.CloseCode
	}{
		{"no room open", "", "", "", wire.CloseNoRoom},
		{"named room not open", "", "nowhere", "", wire.CloseNoRoom},
		{"unknown game", "chess", "", "", wire.CloseUnknownGame},
		{"bad room name", "", "No Where", "", wire.CloseBadRoom},
		{"bad name", "", "", "<b>", wire.CloseBadName},
	}
	for _, tt := range tests {
		if _, ref := watch(l, tt.game, tt.room, tt.spectator, &nopPeer{}); ref == nil || ref.Code != tt.want || ref.Reason == "" {
			t.Errorf("%s: refusal %v, want code %d with a reason", tt.name, ref, tt.want)
		}
	}
	if len(l.Rooms()) != 0 {
		t.Errorf("refused spectators opened rooms: %+v", l.Rooms())
	}
}

func TestWatchWithoutARoomPicksTheBusiest(t *testing.T) {
	t.Parallel()
	l := newLobby(t, Config{})
	join(l, "", "quiet", "a", &nopPeer{})
	join(l, "", "busy", "b", &nopPeer{})
	join(l, "", "busy", "c", &nopPeer{})
	if _, ref := watch(l, "", "", "", &nopPeer{}); ref != nil {
		t.Fatal(ref)
	}
	for _, r := range l.Rooms() {
		if want := map[string]int{"busy": 1, "quiet": 0}[r.Name]; r.Spectators != want {
			t.Errorf("room %s has %d spectators, want %d", r.Name, r.Spectators, want)
		}
	}
}
