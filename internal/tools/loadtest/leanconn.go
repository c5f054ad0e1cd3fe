package loadtest

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// leanConn is the client side of one WebSocket connection (RFC 6455) for a lean bot: no goroutine
// of its own, no blocking call after the handshake. Its owner (a shard's driver) calls receive
// and flush from its loop: receive reads whatever the kernel holds without waiting and hands out
// each complete message; flush writes the frames queued since, in one system call, without waiting
// either. The frames are the protocol's own: binary messages from the server, masked ones to it,
// pings answered, close frames read and answered.
//
// The profile of the load tester on netclient (coder/websocket's client, a reader, an input
// writer, a pinger and a message writer per bot) showed each bot's goroutine wake-ups, its
// per-message contexts and timers, and one write system call per input costing more than the
// server spent on that bot; the server keeps coder/websocket, and only the bots use this.
//
// It is not safe for concurrent use.
type leanConn struct {
	nc  net.Conn // during the handshake; then raw owns the socket
	raw rawIO

	rbuf []byte // received bytes not yet handled: rbuf[roff:]
	roff int
	msg  []byte // a fragmented message being assembled
	wbuf []byte // frames queued and not yet written
	mask uint64 // the masking keys' generator (xorshift)

	in, out int64 // bytes read and written, for the summary

	closed    bool
	code      int    // the close frame's code, 0 without one
	reason    string // why it closed, for people
	sentClose bool
}

// rawIO reads and writes the socket without waiting (rawConn; a test's fake).
type rawIO interface {
	read(p []byte) (int, error)
	write(p []byte) (int, error)
	close() error
	descriptor() int // -1: none a poller can watch
}

// leanMaxMessage is the largest message a lean bot accepts, as netclient's read limit.
const leanMaxMessage = 1 << 20

// leanMaxQueued is how many bytes may wait to be written before the bot gives up on the server:
// seconds of inputs. A server that stopped reading does not make a bot pile up memory.
const leanMaxQueued = 256 << 10

// errLeanWait is no error: the kernel had nothing to read, or no room to write.
var errLeanWait = errors.New("would block")

// dialLean opens a WebSocket connection to wsURL with the handshake done, through d. The handshake's
// bytes count in the connection's in and out.
func dialLean(ctx context.Context, d *net.Dialer, wsURL string) (*leanConn, error) {
	u, err := url.Parse(wsURL)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "ws" {
		return nil, fmt.Errorf("lean bots dial ws:// URLs only, not %q", wsURL)
	}
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), "80")
	}
	nc, err := d.DialContext(ctx, "tcp", host)
	if err != nil {
		return nil, err
	}
	c := &leanConn{nc: nc}
	if err := c.handshake(ctx, u); err != nil {
		nc.Close()
		return nil, err
	}
	if c.raw, err = newRawConn(nc); err != nil { // takes nc over
		return nil, err
	}
	c.nc = nil
	return c, nil
}

// handshake sends the upgrade request and checks the server's answer (RFC 6455 section 4.1); the
// bytes after the answer are the first frames.
func (c *leanConn) handshake(ctx context.Context, u *url.URL) error {
	deadline := time.Now().Add(10 * time.Second)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	_ = c.nc.SetDeadline(deadline)
	defer c.nc.SetDeadline(time.Time{})

	var key [16]byte
	_, _ = rand.Read(key[:])
	k := base64.StdEncoding.EncodeToString(key[:])
	var seed [8]byte
	_, _ = rand.Read(seed[:])
	c.mask = binary.LittleEndian.Uint64(seed[:]) | 1 // xorshift needs a non-zero state

	path := u.RequestURI()
	req := "GET " + path + " HTTP/1.1\r\nHost: " + u.Host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: " + k + "\r\nSec-WebSocket-Version: 13\r\nUser-Agent: tickwire-loadtest\r\n\r\n"
	if _, err := c.nc.Write([]byte(req)); err != nil {
		return err
	}
	c.out += int64(len(req))
	br := bufio.NewReaderSize(&countingReader{r: c.nc, n: &c.in}, 4096)
	resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodGet})
	if err != nil {
		return fmt.Errorf("websocket handshake: %w", err)
	}
	resp.Body.Close() // a 101 has no body
	if resp.StatusCode != http.StatusSwitchingProtocols {
		return fmt.Errorf("websocket handshake: the server answered %s", resp.Status)
	}
	if !strings.EqualFold(resp.Header.Get("Upgrade"), "websocket") {
		return errors.New("websocket handshake: no Upgrade: websocket in the answer")
	}
	if resp.Header.Get("Sec-WebSocket-Extensions") != "" {
		return errors.New("websocket handshake: the server chose an extension the bots did not offer")
	}
	sum := sha1.Sum([]byte(k + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	if resp.Header.Get("Sec-WebSocket-Accept") != base64.StdEncoding.EncodeToString(sum[:]) {
		return errors.New("websocket handshake: wrong Sec-WebSocket-Accept")
	}
	// Frames the server sent right after its answer are already in br's buffer.
	n := br.Buffered()
	c.rbuf = make([]byte, n, max(n, 16<<10))
	_, _ = br.Read(c.rbuf)
	return nil
}

type countingReader struct {
	r interface{ Read([]byte) (int, error) }
	n *int64
}

func (r *countingReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	*r.n += int64(n)
	return n, err
}

// WebSocket opcodes.
const (
	opContinuation = 0x0
	opText         = 0x1
	opBinary       = 0x2
	opClose        = 0x8
	opPing         = 0x9
	opPong         = 0xa
)

// queue appends one masked frame of opcode op carrying payload to the bytes to write.
func (c *leanConn) queue(op byte, payload []byte) {
	n := len(payload)
	b := append(c.wbuf, 0x80|op)
	switch {
	case n < 126:
		b = append(b, 0x80|byte(n))
	case n <= 0xffff:
		b = append(b, 0x80|126, byte(n>>8), byte(n))
	default:
		b = append(b, 0x80|127)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	// The key only needs to differ between frames (it protects proxies, not secrets): a xorshift
	// step is enough, and costs nothing beside crypto/rand's system call per frame.
	c.mask ^= c.mask << 13
	c.mask ^= c.mask >> 7
	c.mask ^= c.mask << 17
	key := uint32(c.mask)
	b = binary.BigEndian.AppendUint32(b, key)
	start := len(b)
	b = append(b, payload...)
	maskBytes(b[start:], key)
	c.wbuf = b
}

// maskBytes XORs p with the 4-byte key, big-endian, from its first byte.
func maskBytes(p []byte, key uint32) {
	k8 := uint64(key)<<32 | uint64(key)
	var kb [8]byte
	binary.BigEndian.PutUint64(kb[:], k8)
	k := binary.LittleEndian.Uint64(kb[:])
	for len(p) >= 8 {
		binary.LittleEndian.PutUint64(p, binary.LittleEndian.Uint64(p)^k)
		p = p[8:]
	}
	for i := range p {
		p[i] ^= kb[i]
	}
}

// send queues one binary message.
func (c *leanConn) send(payload []byte) { c.queue(opBinary, payload) }

// flush writes what is queued, as much as the kernel takes now. It returns an error when the
// connection failed, or when the server has left too much unread.
func (c *leanConn) flush() error {
	if c.closed || len(c.wbuf) == 0 {
		return nil
	}
	n, err := c.raw.write(c.wbuf)
	c.out += int64(n)
	if err != nil && err != errLeanWait {
		c.end(0, "connection to the server lost")
		return err
	}
	rest := copy(c.wbuf, c.wbuf[n:])
	c.wbuf = c.wbuf[:rest]
	if rest > leanMaxQueued {
		c.end(0, "the server stopped reading")
		return errors.New("the server stopped reading")
	}
	return nil
}

// receive reads what the kernel holds and calls fn with each complete binary message, in order;
// the message's bytes are valid only during the call. It answers pings and reads close frames. It
// returns fn's error, or the connection's; after a close frame the connection is closed, with the
// code and reason in c.code and c.reason.
func (c *leanConn) receive(fn func(msg []byte) error) error {
	if c.closed {
		return errors.New(c.reason)
	}
	for {
		if len(c.rbuf) == cap(c.rbuf) {
			c.compact()
			if len(c.rbuf) == cap(c.rbuf) {
				c.rbuf = append(c.rbuf, 0)[:len(c.rbuf)] // grow
			}
		}
		n, err := c.raw.read(c.rbuf[len(c.rbuf):cap(c.rbuf)])
		c.rbuf = c.rbuf[:len(c.rbuf)+n]
		c.in += int64(n)
		if ferr := c.frames(fn); ferr != nil {
			return ferr
		}
		switch {
		case err == errLeanWait:
			c.compact()
			return nil
		case err != nil:
			c.end(0, "connection to the server lost")
			return err
		case len(c.rbuf) < cap(c.rbuf):
			c.compact()
			return nil // the kernel had less than the room there was: nothing more waits
		}
	}
}

// compact moves the unhandled bytes to the start of the buffer.
func (c *leanConn) compact() {
	if c.roff == 0 {
		return
	}
	n := copy(c.rbuf, c.rbuf[c.roff:])
	c.rbuf, c.roff = c.rbuf[:n], 0
}

// frames handles the complete frames in the buffer.
func (c *leanConn) frames(fn func(msg []byte) error) error {
	for !c.closed {
		b := c.rbuf[c.roff:]
		if len(b) < 2 {
			return nil
		}
		fin, op, masked := b[0]&0x80 != 0, b[0]&0x0f, b[1]&0x80 != 0
		if b[0]&0x70 != 0 {
			return c.fail(1002, "a frame with reserved bits set")
		}
		if masked {
			return c.fail(1002, "a masked frame from the server")
		}
		n, h := uint64(b[1]&0x7f), 2
		switch n {
		case 126:
			if len(b) < 4 {
				return nil
			}
			n, h = uint64(binary.BigEndian.Uint16(b[2:])), 4
		case 127:
			if len(b) < 10 {
				return nil
			}
			n, h = binary.BigEndian.Uint64(b[2:]), 10
		}
		if n > leanMaxMessage {
			return c.fail(1009, "a message over the bots' read limit")
		}
		if c.roff+h+int(n) > cap(c.rbuf) {
			// Make room for the whole frame, then wait for the rest of it.
			c.compact()
			grown := make([]byte, len(c.rbuf), h+int(n)+4096)
			copy(grown, c.rbuf)
			c.rbuf = grown
			return nil
		}
		if uint64(len(b)) < uint64(h)+n {
			return nil
		}
		payload := b[h : h+int(n)]
		c.roff += h + int(n)
		if err := c.frame(fin, op, payload, fn); err != nil {
			return err
		}
	}
	return nil
}

// frame handles one frame.
func (c *leanConn) frame(fin bool, op byte, payload []byte, fn func([]byte) error) error {
	switch op {
	case opPing:
		if len(payload) > 125 {
			return c.fail(1002, "a ping over 125 bytes")
		}
		c.queue(opPong, payload)
		return nil
	case opPong:
		return nil
	case opClose:
		code, reason := 1005, ""
		if len(payload) >= 2 {
			code, reason = int(binary.BigEndian.Uint16(payload)), string(payload[2:])
		}
		if !c.sentClose {
			c.queue(opClose, payload[:min(len(payload), 2)])
			c.sentClose = true
			_ = c.flush()
		}
		c.end(code, reason)
		return nil
	case opBinary, opText:
		if c.msg != nil {
			return c.fail(1002, "a new message inside a fragmented one")
		}
		if fin {
			return fn(payload)
		}
		c.msg = append(make([]byte, 0, 2*len(payload)), payload...)
		return nil
	case opContinuation:
		if c.msg == nil {
			return c.fail(1002, "a continuation frame outside a message")
		}
		if len(c.msg)+len(payload) > leanMaxMessage {
			return c.fail(1009, "a message over the bots' read limit")
		}
		c.msg = append(c.msg, payload...)
		if !fin {
			return nil
		}
		m := c.msg
		c.msg = nil
		return fn(m)
	}
	return c.fail(1002, fmt.Sprintf("a frame of unknown opcode %d", op))
}

// fail closes the connection for a protocol error on the server's side.
func (c *leanConn) fail(code int, reason string) error {
	c.close(code, reason)
	c.end(code, reason)
	return fmt.Errorf("the server broke the WebSocket protocol: %s", reason)
}

// close starts the closing handshake: it sends a close frame with code and reason (without
// waiting). The connection ends when the server's close frame answers it ([leanConn.receive] reads
// it), or when end is called. Closing the socket at once would not do: with snapshots unread in
// its buffer the kernel resets the connection, the server never reads the close frame, and it
// holds the seat for a player who lost the connection.
func (c *leanConn) close(code int, reason string) {
	if c.closed || c.sentClose {
		return
	}
	p := binary.BigEndian.AppendUint16(nil, uint16(code))
	c.queue(opClose, append(p, reason[:min(len(reason), 123)]...))
	c.sentClose = true
	_ = c.flush()
}

// end closes the socket; code and reason say why, unless a close frame already did.
func (c *leanConn) end(code int, reason string) {
	if c.closed {
		return
	}
	c.closed, c.code, c.reason = true, code, reason
	_ = c.raw.close()
}
