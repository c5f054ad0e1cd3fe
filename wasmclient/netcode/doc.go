// Package netcode makes a browser game feel local over a real network: it predicts the player's
// own entity with the game's shared step function and reconciles it with the server, draws
// everyone else interpolated between snapshots at an adaptive delay, keeps the client's input
// clock just ahead of the server's, and measures all of it for the net graph.
//
// It is pure and free of Ebiten and WebSocket: time is passed in, so it is tested natively with
// generated timestamps. netclient feeds it frames; the game's client half draws what it returns.
package netcode
