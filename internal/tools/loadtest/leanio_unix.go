//go:build unix

package loadtest

import (
	"errors"
	"net"
	"syscall"
)

// rawConn reads and writes a socket with one system call each, never waiting: the descriptor is
// already non-blocking (Go's network poller made it so), and the callbacks given to syscall.RawConn
// return true so that the poller never parks the caller.
type rawConn struct{ rc syscall.RawConn }

func newRawConn(nc net.Conn) (rawConn, error) {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return rawConn{}, errors.New("lean bots need a socket with a descriptor")
	}
	rc, err := sc.SyscallConn()
	return rawConn{rc}, err
}

// read reads into p what the kernel holds: errLeanWait when it holds nothing, io.EOF-like
// errLeanClosed when the server closed the connection.
func (r rawConn) read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	var n int
	var errno error
	err := r.rc.Read(func(fd uintptr) bool {
		n, errno = syscall.Read(int(fd), p)
		return true
	})
	return result(n, errno, err, true)
}

// write writes as much of p as the kernel takes now: errLeanWait when it takes nothing.
func (r rawConn) write(p []byte) (int, error) {
	var n int
	var errno error
	err := r.rc.Write(func(fd uintptr) bool {
		n, errno = syscall.Write(int(fd), p)
		return true
	})
	return result(n, errno, err, false)
}

func result(n int, errno, err error, reading bool) (int, error) {
	switch {
	case err != nil:
		return 0, err
	case errno == syscall.EAGAIN || errno == syscall.EINTR:
		return 0, errLeanWait
	case errno != nil:
		return 0, errno
	case n == 0 && reading:
		return 0, errLeanClosed
	}
	return n, nil
}

// errLeanClosed is the server's end of the stream.
var errLeanClosed = errors.New("the server closed the connection")
