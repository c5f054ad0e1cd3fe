package netclient

import (
	"context"
	"errors"
	"time"

	"github.com/tickwire/tickwire/shared/netsim"
	"github.com/tickwire/tickwire/wasmclient/netclient/internal/websocket"
)

// The client's side of the simulated network (Config.NetSim) is a netsim.Conn between the client
// and its socket, the same wrapper the server's -netsim uses: what the server sends is held back,
// snapshots and deltas now and then dropped; what the client sends is held back, now and then by a
// whole retransmission. The hello is not delayed. With the server's -netsim as well, the two add up.
// Each way holds at most netsim.DefaultHeld frames: past it a snapshot is dropped, and a reliable
// frame ends the connection (the client then reconnects and resumes its seat). With it off there is
// no goroutine, queue or copy: c.sim stays nil.

// reader returns the function the read loop reads frames with: straight from the connection, or,
// with a simulated network, through a netsim.Conn, which from then on also carries what the client
// writes (writeRaw). hangUp ends it with the connection.
func (c *Client[I]) reader(ctx context.Context, ws *websocket.Conn) func() ([]byte, error) {
	if !c.cfg.NetSim.Enabled() {
		return func() ([]byte, error) {
			_, data, err := ws.Read(ctx)
			return data, err
		}
	}
	c.mu.Lock()
	c.seed++
	sim := netsim.Wrap(socket{ws}, netsim.Config{Profile: c.cfg.NetSim, Seed: c.seed})
	c.sim = sim
	c.mu.Unlock()
	return func() ([]byte, error) { return sim.ReadFrame(ctx) }
}

// writeSim hands b to the simulated network. A backlog past its bound (seconds of frames the
// network has not let through) drops the connection, as a real one that stuck would be lost, and
// the client reconnects.
func writeSim(ctx context.Context, sim *netsim.Conn, ws *websocket.Conn, b []byte) error {
	err := sim.WriteFrame(ctx, b)
	if errors.Is(err, netsim.ErrFull) {
		_ = ws.CloseNow()
	}
	return err
}

// hangUp closes the connection and ends its simulated network, if any, losing what is on it.
func (c *Client[I]) hangUp(ws *websocket.Conn) {
	_ = ws.CloseNow()
	c.mu.Lock()
	sim := c.sim
	c.sim = nil
	c.mu.Unlock()
	if sim != nil {
		sim.Close()
		sim.Wait()
	}
}

// socket is a WebSocket as the simulated network reads and writes it.
type socket struct{ ws *websocket.Conn }

func (s socket) ReadFrame(ctx context.Context) ([]byte, error) {
	_, data, err := s.ws.Read(ctx)
	return data, err
}

func (s socket) WriteFrame(ctx context.Context, frame []byte) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return s.ws.Write(ctx, websocket.MessageBinary, frame)
}
