package lobby

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tickwire/tickwire/internal/testgame"
	"github.com/tickwire/tickwire/server/room"
)

// countingObserver keeps the net counts a metrics gauge would, per game.
type countingObserver struct {
	mu     sync.Mutex
	rooms  map[string]int
	opened int
	seats  map[string]int
	ticks  atomic.Int64 // over every room's observer
}

func newCountingObserver() *countingObserver {
	return &countingObserver{rooms: map[string]int{}, seats: map[string]int{}}
}

func (o *countingObserver) RoomOpened(game string) room.Observer {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.rooms[game]++
	o.opened++
	return tickCounter{&o.ticks}
}

func (o *countingObserver) RoomClosed(game string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.rooms[game]--
}

func (o *countingObserver) Seats(game string, n int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.seats[game] += n
}

func (o *countingObserver) counts(game string) (rooms, opened, seats int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.rooms[game], o.opened, o.seats[game]
}

type tickCounter struct{ n *atomic.Int64 }

func (c tickCounter) Tick(time.Duration, bool) { c.n.Add(1) }
func (c tickCounter) Missed(int)               {}
func (c tickCounter) InputsIgnored(int, int)   {}

func TestObserverCountsRoomsAndSeats(t *testing.T) {
	t.Parallel()
	obs := newCountingObserver()
	l := newLobby(t, Config{Observer: obs})
	var seats []room.Seat
	for range 3 { // rooms of 2: two rooms
		s, ref := join(l, "", "", "p", &nopPeer{})
		if ref != nil {
			t.Fatal(ref)
		}
		seats = append(seats, s)
	}
	if _, ref := join(l, "", "", "<bad>", &nopPeer{}); ref == nil {
		t.Fatal("a bad name was seated")
	}
	if rooms, opened, n := obs.counts("line"); rooms != 2 || opened != 2 || n != 3 {
		t.Errorf("after 3 joins: %d rooms, %d opened, %d seats; want 2, 2, 3", rooms, opened, n)
	}
	waitFor(t, func() bool { return obs.ticks.Load() > 0 }) // the rooms' own observers see ticks
	for _, s := range seats {
		s.Leave()
	}
	waitFor(t, func() bool { rooms, _, n := obs.counts("line"); return rooms == 0 && n == 0 })
}

func TestObserverForgetsSeatsOfARoomThatStops(t *testing.T) {
	t.Parallel()
	obs := newCountingObserver()
	ctx, cancel := context.WithCancel(context.Background())
	l, err := New(ctx, Config{Observer: obs, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, room.For(testgame.Game{MaxPlayers: 4}))
	if err != nil {
		t.Fatal(err)
	}
	start(t, l)
	for range 2 {
		if _, ref := join(l, "", "stay", "p", &nopPeer{}); ref != nil {
			t.Fatal(ref)
		}
	}
	cancel() // the server shuts down with the players still seated
	l.Wait()
	if rooms, opened, n := obs.counts("line"); rooms != 0 || opened != 1 || n != 0 {
		t.Errorf("after shutdown: %d rooms, %d opened, %d seats; want 0, 1, 0", rooms, opened, n)
	}
}
