// Package cutter is a TCP proxy for tests whose connections can be cut.
package cutter

import (
	"io"
	"math/rand/v2"
	"net"
	"sync"
)

// Cutter is a TCP proxy in front of a server whose connections can be cut, as a phone that changes
// networks cuts them: no close frame, the socket just dies. Tests and the soak run use it to make a
// client lose its connection for real.
type Cutter struct {
	ln    net.Listener
	to    string
	mu    sync.Mutex
	pairs [][2]net.Conn
	down  bool // refusing: see Refuse
}

// New listens on a loopback port and forwards every connection to the address to.
func New(to string) (*Cutter, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	c := &Cutter{ln: ln, to: to}
	go c.accept()
	return c, nil
}

// Addr is the address clients connect to instead of the server's.
func (c *Cutter) Addr() string { return c.ln.Addr().String() }

func (c *Cutter) accept() {
	for {
		in, err := c.ln.Accept()
		if err != nil {
			return
		}
		c.mu.Lock()
		down := c.down
		c.mu.Unlock()
		if down {
			in.Close()
			continue
		}
		c.mu.Lock()
		to := c.to
		c.mu.Unlock()
		out, err := net.Dial("tcp", to)
		if err != nil {
			in.Close()
			continue
		}
		c.mu.Lock()
		c.pairs = append(c.pairs, [2]net.Conn{in, out})
		c.mu.Unlock()
		go func() { io.Copy(out, in); out.Close() }()
		go func() { io.Copy(in, out); in.Close() }()
	}
}

// Cut closes every live connection with probability frac (1 cuts them all, rng may then be nil)
// and returns how many it cut.
func (c *Cutter) Cut(frac float64, rng *rand.Rand) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	kept, cut := c.pairs[:0], 0
	for _, p := range c.pairs {
		if frac >= 1 || rng.Float64() < frac {
			p[0].Close()
			p[1].Close()
			cut++
		} else {
			kept = append(kept, p)
		}
	}
	c.pairs = kept
	return cut
}

// Refuse, on, closes every new connection at once, as a server that is down would be met (its
// live ones are left to Cut); off, it forwards them again.
func (c *Cutter) Refuse(on bool) {
	c.mu.Lock()
	c.down = on
	c.mu.Unlock()
}

// Retarget forwards new connections to the address to from now on: a server restarted
// elsewhere, without the rooms and seats of the one before.
func (c *Cutter) Retarget(to string) {
	c.mu.Lock()
	c.to = to
	c.mu.Unlock()
}

// Close stops listening and cuts everything.
func (c *Cutter) Close() {
	c.ln.Close()
	c.Cut(1, nil)
}
