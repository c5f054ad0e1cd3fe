// Package netclient is the game client's transport, free of Ebiten: it dials the server, says
// hello, follows a cluster's redirect to the node its room is on, reconnects (resuming the seat)
// after a lost connection, decodes and checks every frame, keeps the newest state the server sent,
// sends what it is given, and measures the round trip. The same code runs natively (tests, bots,
// the desktop build) over coder/websocket, and in the browser over the page's WebSocket
// (internal/websocket: coder/websocket's js build would bring net/http into the page's download).
//
// Start with [Dial]. It decides nothing about timing: which input to send for which tick, and what
// to draw when, is netcode's [netcode.Driver], which plays over a [Client] (a [netcode.Link]).
// Neither [Client.View] nor [Client.SendInputs] ever blocks on the network. A room that moves to
// another node (a redirect after the welcome) is followed with the seat's resume token; a room
// restored from a checkpoint welcomes the seat behind the newest snapshot, a rollback that
// [View.Notice] tells the player about.
//
// One file per concept: client.go (Dial, View, Close), conn.go (one connection: dial, hello,
// write), read.go (the frames), snapshots.go (deltas and the snapshot queue), input.go, ping.go,
// messages.go (the game's own messages), reconnect.go and seat.go (when and how to come back),
// redirect.go (where: home, or the node of a cluster a redirect sent the client to),
// graph.go (the net graph's transport series), netsim.go (the simulated network), debug.go.
package netclient
