package netclient

import (
	"context"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/tickwire/tickwire/shared/netsim"
	"github.com/tickwire/tickwire/shared/wire"
)

// The client's side of the simulated network (Config.NetSim): what the server sends is held back,
// snapshots now and then dropped; what the client sends is held back, now and then by a whole
// retransmission. With the server's -netsim as well, the two add up.

// simQueue bounds the frames held back each way: seconds of traffic.
const simQueue = 256

type arrival struct {
	data []byte
	err  error
	at   time.Time
}

// reader returns the function the read loop reads frames with: straight from the connection, or,
// with a simulated network, through a goroutine that reads ahead and a delay line.
func (c *Client[I]) reader(ctx context.Context, ws *websocket.Conn) func() ([]byte, error) {
	if !c.cfg.NetSim.Enabled() {
		return func() ([]byte, error) {
			_, data, err := ws.Read(ctx)
			return data, err
		}
	}
	c.mu.Lock()
	c.seed++
	line := netsim.NewLine(c.cfg.NetSim, c.seed)
	c.up = newUplink(ctx, ws, netsim.NewLine(c.cfg.NetSim, c.seed^0x5bd1e995))
	c.mu.Unlock()
	ch := make(chan arrival, simQueue)
	go func() {
		for {
			_, data, err := ws.Read(ctx)
			if err != nil {
				ch <- arrival{err: err} // the reader below always drains up to an error
				return
			}
			droppable := len(data) > 1 && (wire.Op(data[1]) == wire.OpSnapshot || wire.Op(data[1]) == wire.OpDelta)
			at, dropped := line.Schedule(time.Now(), droppable)
			if dropped {
				continue
			}
			select {
			case ch <- arrival{data: data, at: at}:
			default: // the page stopped reading for seconds: drop what a lossy network would
			}
		}
	}()
	return func() ([]byte, error) {
		a := <-ch
		if a.err == nil {
			sleepUntil(ctx, a.at)
		}
		return a.data, a.err
	}
}

// uplinkMu serialises scheduling on every uplink: sends are rare enough not to contend.
var uplinkMu sync.Mutex

// uplink holds back what the client sends on a simulated network, in order.
type uplink struct {
	line *netsim.Line
	ch   chan arrival
}

func newUplink(ctx context.Context, ws *websocket.Conn, line *netsim.Line) *uplink {
	u := &uplink{line: line, ch: make(chan arrival, simQueue)}
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case a := <-u.ch:
				sleepUntil(ctx, a.at)
				wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
				err := ws.Write(wctx, websocket.MessageBinary, a.data)
				cancel()
				if err != nil {
					return
				}
			}
		}
	}()
	return u
}

// send schedules b; it is called from several goroutines (inputs, pings, messages), so the line
// is guarded by the channel's order of arrival: schedule and enqueue under one lock.
func (u *uplink) send(ctx context.Context, b []byte) error {
	uplinkMu.Lock()
	at, _ := u.line.Schedule(time.Now(), false)
	select {
	case u.ch <- arrival{data: append([]byte(nil), b...), at: at}:
	default: // seconds of backlog: the connection is as good as stuck
	}
	uplinkMu.Unlock()
	return ctx.Err()
}

func sleepUntil(ctx context.Context, t time.Time) {
	d := time.Until(t)
	if d <= 0 {
		return
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
	case <-timer.C:
	}
}
