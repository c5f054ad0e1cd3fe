//go:build unix

package loadtest

import (
	"errors"
	"net"
	"syscall"
)

// rawConn reads and writes a socket's descriptor with one system call each, never waiting: Go's
// network poller already made the descriptor non-blocking. The descriptor is used directly rather
// than through syscall.RawConn's Read and Write, whose locks and escaping closures cost a lean bot
// a few percent of its CPU: this is safe because only the leanConn that owns the socket closes
// it, and it makes no call after that.
type rawConn struct{ fd int }

func newRawConn(nc net.Conn) (rawConn, error) {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return rawConn{}, errors.New("lean bots need a socket with a descriptor")
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return rawConn{}, err
	}
	r := rawConn{fd: -1}
	if err := rc.Control(func(fd uintptr) { r.fd = int(fd) }); err != nil {
		return rawConn{}, err
	}
	return r, nil
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
