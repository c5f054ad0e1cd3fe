package lobby

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tickwire/tickwire/server/cluster"
	"github.com/tickwire/tickwire/server/room"
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

// TestAuthenticator: the game's authenticator names the player or refuses with its own code; a
// spectator is asked too; a resume is not.
func TestAuthenticator(t *testing.T) {
	t.Parallel()
	asked := 0
	var mu sync.Mutex
	auth := AuthenticatorFunc(func(_ context.Context, h wire.Hello) (Identity, error) {
		mu.Lock()
		asked++
		mu.Unlock()
		switch h.Auth {
		case "ann-secret":
			return Identity{Name: "Ann", ID: "account-1"}, nil
		case "broken":
			return Identity{}, context.DeadlineExceeded
		}
		return Identity{}, wire.Closef(4401, "log in first")
	})
	l := newLobby(t, Config{Authenticator: auth})
	enter := func(h wire.Hello) (room.Seat, *wire.CloseError) {
		h.Version = wire.ProtocolVersion
		return l.Enter(h, &nopPeer{})
	}
	roster := &rosterPeer{}
	h := wire.Hello{Version: wire.ProtocolVersion, Room: "club", Name: "whoever", Auth: "ann-secret"}
	if _, ref := l.Enter(h, roster); ref != nil {
		t.Fatal(ref)
	}
	waitFor(t, func() bool { return roster.names() == "Ann" })
	if _, ref := enter(wire.Hello{Room: "club", Name: "eve"}); ref == nil || ref.Code != 4401 || ref.Reason != "log in first" {
		t.Errorf("no token: %v, want the authenticator's own 4401", ref)
	}
	if _, ref := enter(wire.Hello{Room: "club", Auth: "broken"}); ref == nil || ref.Code != wire.CloseServerError {
		t.Errorf("a failing authenticator: %v, want 1011", ref)
	}
	if _, ref := enter(wire.Hello{Room: "club", Spectate: true}); ref == nil || ref.Code != 4401 {
		t.Errorf("a spectator without a token: %v, want 4401", ref)
	}
	var names []string
	for _, r := range l.Rooms() {
		names = append(names, r.Name)
	}
	if len(names) != 1 || l.Rooms()[0].Players != 1 {
		t.Errorf("rooms %v, want club with Ann alone", l.Rooms())
	}
	if asked != 4 {
		t.Errorf("the authenticator was asked %d times, want 4", asked)
	}
}

// rosterPeer keeps the names of the last roster it was sent.
type rosterPeer struct {
	nopPeer
	mu   sync.Mutex
	last []string
}

func (p *rosterPeer) Send(b []byte) {
	f, err := wire.Decode(b)
	var r wire.Roster
	if err != nil || f.Op != wire.OpRoster || f.Decode(&r) != nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.last = p.last[:0]
	for _, e := range r.Players {
		p.last = append(p.last, e.Name)
	}
}

func (p *rosterPeer) names() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.last, ",")
}
