package gateway

import (
	"errors"
	"net"
	"sync"
	"syscall"
)

// sock is the TCP connection under a client's WebSocket, as the socket library writes to it: a write
// never waits. What the kernel takes at once is written by the caller's own goroutine; what it
// refuses (its buffer for the client is full) is kept in pending, the write reports success, and the
// connection's writer goroutine is woken (onBlock) to write pending out, waiting as long as it takes
// (within WriteTimeout). This is what lets a room write its players' snapshots itself, with no
// goroutine woken per message (outbox.go): a client that stops reading costs the room one short
// write, never a wait.
//
// While pending holds anything, every write goes behind it, so that bytes leave in order. pending is
// bounded: the outbox writes nothing more while a connection has pending bytes (it queues instead),
// so what can pile up there is one frame of the outbox's and the socket library's own control
// frames (pongs, a close); a writer other than the outbox's that would take pending past
// maxPending waits for it to drain, as every write did before.
type sock struct {
	net.Conn
	raw syscall.RawConn

	mu      sync.Mutex
	pending []byte // written by the caller, refused by the kernel, not yet sent
	// noWait counts writes in progress that must not wait (the outbox's, from a room's goroutine):
	// while it is positive, Write keeps everything in pending however much it holds.
	noWait int
	// blocking: from now on every write waits, as a plain net.Conn's does (set for the close, whose
	// frame must go out before the library waits for the peer's answer).
	blocking bool

	// drainMu is held by the one goroutine writing pending out.
	drainMu sync.Mutex

	onBlock func() // pending just became non-empty; called without mu held

	try   tryState           // tryWrite's, under mu
	tryFn func(uintptr) bool // s.tryOnce, made once
}

// maxPending is how much a writer that may wait lets pile up in pending before it waits.
const maxPending = 64 << 10

// newSock wraps c, or returns nil when c has no file descriptor to write to without waiting.
func newSock(c net.Conn) *sock {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return nil
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	s := &sock{Conn: c, raw: raw}
	s.tryFn = s.tryOnce
	return s
}

// Write writes p, or keeps what the kernel will not take now in pending (see sock). It waits only
// when pending would grow past maxPending and no write in progress must not wait, or once
// blocking is set.
func (s *sock) Write(p []byte) (int, error) {
	for {
		s.mu.Lock()
		if len(s.pending) == 0 && !s.blocking {
			n, err := s.tryWrite(p)
			if err != nil || n == len(p) {
				s.mu.Unlock()
				return n, err
			}
			s.pending = append(s.pending, p[n:]...)
			onBlock := s.onBlock
			s.mu.Unlock()
			if onBlock != nil {
				onBlock()
			}
			return len(p), nil
		}
		if len(s.pending) > 0 && (s.noWait > 0 || len(s.pending)+len(p) <= maxPending && !s.blocking) {
			s.pending = append(s.pending, p...)
			s.mu.Unlock()
			return len(p), nil
		}
		blocking := s.blocking
		s.mu.Unlock()
		if err := s.drain(); err != nil {
			return 0, err
		}
		if blocking {
			return s.Conn.Write(p) // pending is empty, and no one else writes while blocking
		}
	}
}

// tryWrite writes what the kernel takes of p without waiting. mu is held.
func (s *sock) tryWrite(p []byte) (int, error) {
	s.try = tryState{p: p}
	err := s.raw.Write(s.tryFn)
	n, werr := s.try.n, s.try.err
	s.try = tryState{}
	if err == nil {
		err = werr
	}
	if err != nil {
		return n, &net.OpError{Op: "write", Net: "tcp", Source: s.LocalAddr(), Addr: s.RemoteAddr(), Err: err}
	}
	return n, nil
}

// tryState is tryWrite's, passed to the RawConn callback through the sock: a closure capturing it
// would cost three allocations per write.
type tryState struct {
	p   []byte
	n   int
	err error
}

// tryOnce is the RawConn callback of tryWrite (s.tryFn): it writes s.try.p until the kernel refuses
// more, and never asks to wait.
func (s *sock) tryOnce(fd uintptr) bool {
	t := &s.try
	for t.n < len(t.p) {
		m, err := syscall.Write(int(fd), t.p[t.n:])
		if m > 0 {
			t.n += m
		}
		switch {
		case err == syscall.EINTR:
			continue
		case err == syscall.EAGAIN:
			return true // full: the rest goes to pending
		case err != nil:
			t.err = err
			return true
		case m == 0:
			t.err = errors.New("write returned 0 bytes")
			return true
		}
	}
	return true
}

// drain writes pending out, waiting as long as the kernel makes it (a closed connection ends the
// wait with an error). New writes queue behind pending meanwhile.
func (s *sock) drain() error {
	s.drainMu.Lock()
	defer s.drainMu.Unlock()
	for {
		s.mu.Lock()
		out := s.pending
		s.mu.Unlock()
		if len(out) == 0 {
			return nil
		}
		// Writes appended meanwhile land after out in pending's array (or in a new one), never in it.
		n, err := s.Conn.Write(out)
		s.mu.Lock()
		rest := copy(s.pending, s.pending[n:])
		s.pending = s.pending[:rest]
		if rest == 0 && cap(s.pending) > 4<<10 {
			s.pending = nil // a burst's array is not kept for the connection's life
		}
		s.mu.Unlock()
		if err != nil {
			return err
		}
	}
}

// hasPending reports whether bytes wait in pending for the writer.
func (s *sock) hasPending() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.pending) > 0
}

// beginNoWait and endNoWait bracket a write that must not wait (see noWait).
func (s *sock) beginNoWait() {
	s.mu.Lock()
	s.noWait++
	s.mu.Unlock()
}

func (s *sock) endNoWait() {
	s.mu.Lock()
	s.noWait--
	s.mu.Unlock()
}

// setBlocking makes every write from now on wait for pending and then for itself.
func (s *sock) setBlocking() {
	s.mu.Lock()
	s.blocking = true
	s.mu.Unlock()
}
