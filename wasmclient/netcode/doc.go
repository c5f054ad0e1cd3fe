// Package netcode makes a browser game feel local over a real network: it predicts the player's
// own entity with the game's shared step function and reconciles it with the server, draws
// everyone else interpolated between snapshots at an adaptive delay, keeps the client's input
// clock just ahead of the server's and stamps each input with the tick it is for, and measures all
// of it for the net graph.
//
// Start with [Driver]: the one pipeline every game client, bot and netlab player runs, over a
// [Link] (netclient.Client). It keeps a [Session] per seat, built from a [Sync] (the server's
// clock), an [Interpolator] and, when the game predicts, a [Predictor]; a welcome that resumes the
// seat on a new connection (a reconnect, a room moved to another node, or restored from a
// checkpoint behind what the client saw: a [Rollback]) carries the session over ([Session.Resume]).
// A session also compares the server's desync checks with its uncontested predictions
// (desync.go; [Stats].Desyncs). The driver sends the inputs a session stamps in batches of the
// game's sim.Info.InputsPerMessage, through a [Batcher] (batch.go).
//
// It is pure and free of Ebiten and WebSocket: time is passed in, so it is tested natively with
// generated timestamps (only [Driver.Play], for headless players, reads the clock).
package netcode
