package lobby

import (
	"testing"

	"github.com/tickwire/tickwire/shared/wire"
)

func hello(room, name string, private, spectate bool) wire.Hello {
	return wire.Hello{Version: wire.ProtocolVersion, Room: room, Name: name, Private: private, Spectate: spectate}
}

func TestPrivateRoomIsJoinedOnlyByName(t *testing.T) {
	t.Parallel()
	l := newLobby(t, Config{})
	if _, ref := l.Enter(hello("hideout", "a", true, false), &nopPeer{}); ref != nil {
		t.Fatal(ref)
	}
	// Auto-fill and a spectator without a room name never land in it.
	if _, ref := l.Enter(hello("", "b", false, false), &nopPeer{}); ref != nil {
		t.Fatal(ref)
	}
	if _, ref := l.Enter(hello("", "", false, true), &nopPeer{}); ref != nil {
		t.Fatal(ref)
	}
	// By name, players and spectators get in; a later "public" hello does not change it.
	if _, ref := l.Enter(hello("hideout", "c", false, false), &nopPeer{}); ref != nil {
		t.Fatal(ref)
	}
	if _, ref := l.Enter(hello("hideout", "", false, true), &nopPeer{}); ref != nil {
		t.Fatal(ref)
	}
	got := map[string]RoomInfo{}
	for _, r := range l.Rooms() {
		got[r.Name] = r
	}
	if h := got["hideout"]; !h.Private || h.Players != 2 || h.Spectators != 1 {
		t.Errorf("hideout %+v, want private with 2 players and 1 spectator", h)
	}
	if a := got["line-1"]; a.Private || a.Players != 1 || a.Spectators != 1 {
		t.Errorf("auto room %+v, want public with b and the spectator", a)
	}
}

func TestPrivateWithoutARoomNameIsRefused(t *testing.T) {
	t.Parallel()
	l := newLobby(t, Config{})
	if _, ref := l.Enter(hello("", "a", true, false), &nopPeer{}); ref == nil || ref.Code != wire.CloseBadRoom {
		t.Errorf("refusal %v, want CloseBadRoom", ref)
	}
}
