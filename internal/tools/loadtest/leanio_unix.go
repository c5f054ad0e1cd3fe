//go:build unix

package loadtest

import (
	"errors"
	"net"
	"syscall"
)

// rawConn is a lean bot's socket, taken out of Go's network poller: it reads and writes with one
// system call each, never waiting. The poller would otherwise be told of every segment that
// arrives for a socket nobody waits on (a few percent of a lean bot's CPU), and syscall.RawConn's
// Read and Write cost a lock and a closure per call. The connection's owner closes it, once, and
// makes no call after that.
type rawConn struct{ fd int }

// newRawConn takes nc's socket over: a non-blocking duplicate of its descriptor that the poller
// does not know, nc itself closed (which removes it from the poller; the duplicate keeps the
// connection open).
func newRawConn(nc net.Conn) (rawConn, error) {
	defer nc.Close()
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return rawConn{}, errors.New("lean bots need a socket with a descriptor")
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return rawConn{}, err
	}
	fd, derr := -1, error(nil)
	if err := rc.Control(func(orig uintptr) {
		syscall.ForkLock.RLock()
		defer syscall.ForkLock.RUnlock()
		if fd, derr = syscall.Dup(int(orig)); derr == nil {
			syscall.CloseOnExec(fd)
			derr = syscall.SetNonblock(fd, true)
		}
	}); err != nil {
		return rawConn{}, err
	}
	if derr != nil {
		if fd >= 0 {
			syscall.Close(fd)
		}
		return rawConn{}, derr
	}
	return rawConn{fd: fd}, nil
}

// read reads into p what the kernel holds: errLeanWait when it holds nothing, errLeanClosed when
// the server closed the connection.
func (r rawConn) read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	n, err := syscall.Read(r.fd, p)
	return result(n, err, true)
}

// write writes as much of p as the kernel takes now: errLeanWait when it takes nothing.
func (r rawConn) write(p []byte) (int, error) {
	n, err := syscall.Write(r.fd, p)
	return result(n, err, false)
}

func (r rawConn) close() error { return syscall.Close(r.fd) }

func (r rawConn) descriptor() int { return r.fd }

func result(n int, err error, reading bool) (int, error) {
	switch {
	case err == syscall.EAGAIN || err == syscall.EINTR:
		return 0, errLeanWait
	case err != nil:
		return 0, err
	case n == 0 && reading:
		return 0, errLeanClosed
	}
	return n, nil
}

// errLeanClosed is the server's end of the stream.
var errLeanClosed = errors.New("the server closed the connection")
