// Package gateway accepts WebSocket connections at /ws and connects each to a seat in the lobby.
//
// Start with [New] and [Gateway.ServeHTTP]. A connection's life: accept (same-origin, a live
// cluster node's host, or Config.OriginPatterns; see origins.go), read the hello within the handshake timeout, check it, join the lobby, then run a
// reader (frames in, to the seat) and a writer (frames out, from an [outbox] the room fills without
// ever blocking). A frame that can go out at once is written by whoever sends it (the room's
// goroutine for its snapshots, the reader for a pong) through a socket whose writes never wait
// (sock.go); the writer wakes only for a client that is behind and for closes. Every way a connection ends closes it with a specific code and a reason a person can
// read, and is logged once. Who decides a close returns it as a *wire.CloseError (the lobby a
// refusal, the seat a bad input or game message, the gateway a bad frame, a flood or a silent
// peer); the writer only writes it: a bye with the code and reason, then the close frame with the
// same (conn.finish). With [Config.NetSim] on, frames each way first pass through a simulated
// bad network (latency, jitter, loss; see netsim.go).
package gateway
