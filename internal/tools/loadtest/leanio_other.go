//go:build !unix

package loadtest

import (
	"errors"
	"net"
)

// rawConn needs a Unix socket: lean bots read and write without waiting, with system calls the
// standard library offers only there. Elsewhere the load tester plays netclient bots (-lean=false).
type rawConn struct{}

func newRawConn(nc net.Conn) (rawConn, error) {
	nc.Close()
	return rawConn{}, errors.New("lean bots need a Unix system; play with -lean=false")
}

func (rawConn) read([]byte) (int, error)  { return 0, errors.ErrUnsupported }
func (rawConn) write([]byte) (int, error) { return 0, errors.ErrUnsupported }
func (rawConn) close() error              { return nil }
func (rawConn) descriptor() int           { return -1 }
