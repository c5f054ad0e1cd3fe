package lobby

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/tickwire/tickwire/server/cluster"
	"github.com/tickwire/tickwire/shared/wire"
)

func hold(room, name string, ttl time.Duration) cluster.Hold {
	return cluster.Hold{SeatRequest: cluster.SeatRequest{Game: "line", Room: room, Name: name}, ID: cluster.NewID(), Expires: time.Now().Add(ttl)}
}

// TestReservationsNeverOverfill: many reservations at once for a room of two seats, one already
// taken by a player: one is held, every other is refused with 4005; the held seat counts in the
// directory as a player.
func TestReservationsNeverOverfill(t *testing.T) {
	t.Parallel()
	l := newLobby(t, Config{}) // rooms of 2
	if _, ref := join(l, "", "duo", "p", &nopPeer{}); ref != nil {
		t.Fatal(ref)
	}
	var mu sync.Mutex
	held, full := 0, 0
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			_, err := l.Reserve(context.Background(), hold("duo", "q", time.Minute))
			mu.Lock()
			defer mu.Unlock()
			if ce, ok := wire.AsCloseError(err); ok && ce.Code == wire.CloseRoomFull {
				full++
			} else if err == nil {
				held++
			} else {
				t.Errorf("reserve: %v", err)
			}
		})
	}
	wg.Wait()
	if held != 1 || full != 19 {
		t.Errorf("%d held and %d refused as full, want 1 and 19", held, full)
	}
	if r, ok := l.Node().Owner("line", "duo"); !ok || r.Players != 2 || r.Seats != 2 {
		t.Errorf("directory entry %+v, want 2 of 2 seats taken (the player and the hold)", r)
	}
	if _, ref := join(l, "", "duo", "r", &nopPeer{}); ref == nil || ref.Code != wire.CloseRoomFull {
		t.Errorf("a player joining past the hold: %v, want 4005", ref)
	}
}

// TestUnusedReservationClosesItsRoom: a reservation in a room that was not open opens it (claiming
// its name); when the hold lapses unused, the room closes and leaves the directory.
func TestUnusedReservationClosesItsRoom(t *testing.T) {
	t.Parallel()
	l := newLobby(t, Config{})
	if _, err := l.Reserve(context.Background(), hold("fresh", "q", 200*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if r, ok := l.Node().Owner("line", "fresh"); !ok || r.Players != 1 || r.Node != l.Node().ID() {
		t.Fatalf("directory entry %+v (%v), want the room here with its hold", r, ok)
	}
	if rooms := l.Rooms(); len(rooms) != 1 || rooms[0].Players != 0 {
		t.Fatalf("rooms %+v, want fresh open with nobody in it yet", rooms)
	}
	waitFor(t, func() bool {
		_, listed := l.Node().Owner("line", "fresh")
		return len(l.Rooms()) == 0 && !listed
	})
	for _, bad := range []cluster.Hold{hold("", "q", time.Minute), hold("UP", "q", time.Minute), hold("x", "", time.Minute)} {
		if _, err := l.Reserve(context.Background(), bad); err == nil {
			t.Errorf("reserve %+v: no error", bad.SeatRequest)
		}
	}
}
