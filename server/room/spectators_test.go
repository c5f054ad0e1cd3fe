package room

import (
	"reflect"
	"testing"

	"github.com/tickwire/tickwire/internal/testgame"
	"github.com/tickwire/tickwire/shared/wire"
)

func TestSpectatorGetsWhatPlayersGetButTakesNoSeat(t *testing.T) {
	t.Parallel()
	left := 0
	r := newLineRoom(Config{SnapshotRate: 30, OnSpectatorLeave: func() { left++ }})
	var a, b, w fakePeer
	sa := r.Join(1, "a", &a)
	r.Join(2, "b", &b)
	sw := r.Watch("watcher", &w)
	r.step()
	input(t, sa, 1, 4)
	if err := send(t, sa, &testgame.Jump{By: 2}); err != nil {
		t.Fatal(err)
	}
	if err := send(t, sa, &testgame.Whisper{To: 2, N: 9}); err != nil {
		t.Fatal(err)
	}
	r.step()

	ops := w.ops()
	if len(ops) < 3 || ops[0] != wire.OpWelcome || ops[1] != wire.OpRoster {
		t.Fatalf("spectator's frames %v, want welcome, roster, …", ops)
	}
	var wel wire.Welcome
	w.mu.Lock()
	_ = w.frames[0].Decode(&wel)
	var roster wire.Roster
	_ = w.frames[1].Decode(&roster)
	w.mu.Unlock()
	if !wel.Spectator || wel.Player != 0 || wel.Room != r.cfg.Name || wel.MaxPlayers != 3 {
		t.Errorf("spectator's welcome %+v, want player 0 and spectator", wel)
	}
	if len(roster.Players) != 2 {
		t.Errorf("spectator's roster %+v, want the two players and not the spectator", roster.Players)
	}
	// The jump is for everyone; the whisper was for player 2 only.
	if got := w.gameMessages(t); !reflect.DeepEqual(got, []wire.Message{&testgame.Jumped{Player: 1, Pos: 2}}) {
		t.Errorf("spectator's events %+v, want only the jump", got)
	}
	snap := w.lastSnapshot(t)
	if snap.Ack != 0 || len(snap.Entities) != 2 || snap.Entities[0].Fields[0] != 6 {
		t.Errorf("spectator's snapshot %+v, want ack 0 and the two players, 1 at 6", snap)
	}
	if pa := a.lastSnapshot(t); !reflect.DeepEqual(pa.Entities, snap.Entities) || pa.Tick != snap.Tick {
		t.Errorf("player's snapshot %+v differs from the spectator's %+v", pa, snap)
	}
	if len(r.state.Pos) != 2 {
		t.Errorf("the game state has %d players, want 2: a spectator is not in it", len(r.state.Pos))
	}

	if err := sw.Input(mustBody(t, 1)); closeCode(t, err) != wire.CloseSpectator {
		t.Errorf("a spectator's input: err %v, want 4012", err)
	}
	if err := send(t, sw, &testgame.Jump{By: 1}); closeCode(t, err) != wire.CloseSpectator {
		t.Errorf("a spectator's game message: err %v, want 4012", err)
	}
	if sw.Player() != 0 {
		t.Errorf("a spectator's player id is %d, want 0", sw.Player())
	}

	sw.Leave()
	sw.Leave()
	r.step()
	if left != 1 || len(r.watchers) != 0 {
		t.Errorf("after leaving twice: %d spectator leaves reported, %d watching; want 1 and 0", left, len(r.watchers))
	}
	n := len(w.ops())
	r.step()
	if len(w.ops()) != n {
		t.Error("a spectator who left still gets frames")
	}
}

func TestStopClosesSpectatorsToo(t *testing.T) {
	t.Parallel()
	r := newLineRoom(Config{})
	var a, w fakePeer
	r.Join(1, "a", &a)
	r.Watch("w", &w)
	r.Stop(wire.CloseNormal, "room closed")
	r.closeAll(&wire.CloseError{Code: wire.CloseNormal, Reason: "room closed"})
	if w.closed != "room closed" || a.closed != "room closed" {
		t.Errorf("closed: player %q, spectator %q; want both closed", a.closed, w.closed)
	}
}

func TestSpectatorWhoLeavesBeforeArrivingIsFreed(t *testing.T) {
	t.Parallel()
	left := 0
	r := newLineRoom(Config{OnSpectatorLeave: func() { left++ }})
	var w fakePeer
	r.Watch("w", &w).Leave()
	r.step()
	if left != 1 || len(r.watchers) != 0 || len(w.ops()) != 0 {
		t.Errorf("%d leaves, %d watching, %d frames; want 1, 0, 0", left, len(r.watchers), len(w.ops()))
	}
}

func TestPrivateRoomSaysSoInTheWelcome(t *testing.T) {
	t.Parallel()
	r := newLineRoom(Config{Private: true})
	var a fakePeer
	r.Join(1, "a", &a)
	r.step()
	var w wire.Welcome
	a.mu.Lock()
	_ = a.frames[0].Decode(&w)
	a.mu.Unlock()
	if !w.Private || w.Spectator {
		t.Errorf("welcome %+v, want private and not a spectator", w)
	}
}
