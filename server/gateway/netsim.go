package gateway

import (
	"context"
	"errors"
	"sync/atomic"

	"github.com/coder/websocket"
	"github.com/tickwire/tickwire/shared/netsim"
	"github.com/tickwire/tickwire/shared/wire"
)

// Config.NetSim makes each connection suffer a simulated bad network (see shared/netsim), so that
// netcode can be tried on loopback. With it off none of this runs: conn.sim stays nil, which next
// and writeFrame check, so there is no goroutine, queue or copy.
//
// With it on, a netsim.Conn sits between the connection and its socket, and each direction has its
// own netsim.Line:
//
//   - Server to client: the writer hands what the outbox holds to the netsim.Conn, which writes
//     each frame to the socket at its time. Snapshots and deltas are the droppable frames;
//     everything else (welcome, roster, pong, game messages) is reliable. Frames held back behind a
//     late one are written together, as TCP delivers them. The writer takes frames from the outbox
//     as fast as they come, so the outbox's own limits (SendQueue, SlowTimeout) see a client that
//     keeps up; the simulation's queue has its own bound. Closing is not delayed: when the writer
//     takes a close, frames still on the line are lost, as a connection that closes under them
//     would lose them, and the bye and the close frame are written at once.
//   - Client to server: after the hello (which is not delayed, so joining takes half an RTT less
//     than on a real network), a goroutine reads the socket ahead and schedules each frame on the
//     inbound line; the read loop takes them (next) at their time, in order, and handles them as
//     it always does. The rate limit therefore sees frames as the simulated network delivers them,
//     bunched behind a late one, as it would on a real network. Pings are delayed too, so the RTT
//     a client measures includes the simulated one. The server's own WebSocket heartbeat is not:
//     its control frames are answered inside the socket library.
//
// Both queues are bounded. Outbound holds at most netsim.DefaultHeld frames: past it a snapshot is
// dropped, and a reliable frame closes the connection with 4010, as the outbox does when its queue
// is full. Inbound holds at most what a client within the rate limit can send over the line's
// longest delay (netsimInLimit): past it the client is sending faster than it may, and is closed
// with 1008 as the rate limit would. Both goroutines end when the connection does, and serve waits
// for them. Snapshots the simulation loses never reach the socket, and are not counted by the
// Observer as dropped: that count is for clients too slow to keep up.

// netsimSeeds numbers connections so that each line has its own randomness (the same from run to
// run for connections made in the same order).
var netsimSeeds atomic.Uint64

// netsimInLimit is how many frames the inbound line may hold: a client within the rate limit sends
// at most burst + rate × d frames in any d, and none stays longer than the line's longest delay.
// The burst is doubled for slack, as the limit is checked when frames leave the line, not as they
// arrive.
func netsimInLimit(p netsim.Profile, rate, burst float64) int {
	longest := p.RTT/2 + p.Jitter - p.Jitter/2
	if p.Loss > 0 {
		longest += p.RTT // a lost reliable frame is retransmitted an RTT later
	}
	return int(2*burst+rate*longest.Seconds()) + 1
}

// startNetSim turns Config.NetSim on for c, before anything is sent to it, and returns a function
// that ends it and waits for its goroutines, to be called once the writer has closed the socket.
func (c *conn) startNetSim() (stop func()) {
	cfg := c.g.cfg
	c.sim = netsim.Wrap(socket{c}, netsim.Config{
		Profile: cfg.NetSim,
		Seed:    netsimSeeds.Add(1),
		MaxIn:   netsimInLimit(cfg.NetSim, cfg.MessageRate, cfg.MessageBurst),
	})
	return func() {
		c.sim.Close()
		c.sim.Wait()
	}
}

// stopNetSim loses what is still on the simulated network, before the writer's bye and close.
func (c *conn) stopNetSim() {
	if c.sim != nil {
		c.sim.Close()
	}
}

// next returns the next frame the client sent: with Config.NetSim, when the simulated network
// delivers it; else straight from the socket.
func (c *conn) next(ctx context.Context) (wire.Frame, error) {
	if c.sim == nil {
		return c.read(ctx)
	}
	data, err := c.sim.ReadFrame(ctx)
	if errors.Is(err, netsim.ErrFull) {
		return wire.Frame{}, wire.Closef(wire.ClosePolicy, "too many messages: more than %d held by the simulated network (-netsim)", netsimInLimit(c.g.cfg.NetSim, c.g.cfg.MessageRate, c.g.cfg.MessageBurst))
	}
	if err != nil {
		return wire.Frame{}, err
	}
	return c.decode(data)
}

// writeFrame writes a frame the outbox held: straight to the socket, or with Config.NetSim onto the
// simulated network, which writes it later.
func (c *conn) writeFrame(frame []byte) error {
	if c.sim == nil {
		return c.write(frame)
	}
	err := c.sim.WriteFrame(context.Background(), frame)
	if errors.Is(err, netsim.ErrFull) {
		c.out.Close(&wire.CloseError{Code: wire.CloseSlowClient, Reason: "too slow: frames piled up in the simulated network (-netsim)"})
		return nil // the frame is lost with the connection; the writer takes the close next
	}
	return err
}

// socket is the connection's WebSocket as the simulated network reads and writes it. Its writes
// come from the simulation's goroutine, not the writer, so they bound their time with a context
// rather than the writer's timer.
type socket struct{ c *conn }

func (s socket) ReadFrame(ctx context.Context) ([]byte, error) { return s.c.readBinary(ctx) }

func (s socket) WriteFrame(ctx context.Context, frame []byte) error {
	ctx, cancel := context.WithTimeout(ctx, s.c.g.cfg.WriteTimeout)
	defer cancel()
	if err := s.c.ws.Write(ctx, websocket.MessageBinary, frame); err != nil {
		return err
	}
	s.c.g.cfg.Observer.FrameOut(frameOp(frame), len(frame))
	return nil
}
