package cluster_test

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/tickwire/tickwire/server/cluster"
	"github.com/tickwire/tickwire/shared/wire"
)

// oneRoom is the smallest Reserver: one room of two seats, counted under one lock, as a lobby counts
// its players, so that concurrent reservations cannot overfill it.
type oneRoom struct {
	mu    sync.Mutex
	taken int
}

func (r *oneRoom) Reserve(_ context.Context, h cluster.Hold) (cluster.Seat, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.taken == 2 {
		return cluster.Seat{}, wire.Closef(wire.CloseRoomFull, "room %q is full", h.Room)
	}
	r.taken++
	return cluster.Seat{Seat: r.taken - 1}, nil
}

// A single process: no URLs, so the node runs its own NATS server and needs nothing else.
func Example() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	n, err := cluster.Start(ctx, cluster.Config{ID: "eu1", PublicURL: "wss://eu1.example.com/ws"}, &oneRoom{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer n.Leave(context.Background())

	// The lobby claims a room before opening it, and lists the cluster's rooms from the view.
	if err := n.Claim(ctx, cluster.RoomInfo{Game: "pong", Name: "friends", Seats: 2}); err != nil {
		fmt.Println(err)
		return
	}
	r, _ := n.Owner("pong", "friends")
	fmt.Println("owner:", r.Node)

	// A player asks for a seat: the owner (here this node) holds it and signs a token.
	for _, name := range []string{"Ada", "Bob", "Cy"} {
		res, err := n.Reserve(ctx, r.Node, cluster.SeatRequest{Game: "pong", Room: "friends", Name: name})
		if err != nil {
			fmt.Println(name+":", err)
			continue
		}
		fmt.Println(name+": seat", res.Claims.Seat, "at", res.URL)
	}
	// Output:
	// owner: eu1
	// Ada: seat 0 at wss://eu1.example.com/ws
	// Bob: seat 1 at wss://eu1.example.com/ws
	// Cy: 4005: room "friends" is full
}
