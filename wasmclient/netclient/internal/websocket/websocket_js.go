package websocket

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"syscall/js"
	"unicode/utf8"
)

// StatusCode is a WebSocket close code (RFC 6455, section 7.4).
type StatusCode int

// The close codes netclient names.
const (
	StatusNormalClosure   StatusCode = 1000
	StatusGoingAway       StatusCode = 1001
	StatusPolicyViolation StatusCode = 1008
	StatusMessageTooBig   StatusCode = 1009
	StatusInternalError   StatusCode = 1011
	// StatusAbnormalClosure is what the browser reports for a connection that ended without a
	// close frame; it is never sent.
	StatusAbnormalClosure StatusCode = 1006
)

// CloseError is how the connection ended: the close code and reason the server sent (or the
// browser's, 1006 and no reason, when it just broke).
type CloseError struct {
	Code   StatusCode
	Reason string
}

func (e CloseError) Error() string {
	return "status = " + strconv.Itoa(int(e.Code)) + " and reason = " + strconv.Quote(e.Reason)
}

// MessageType is a message's kind: text or binary.
type MessageType int

// Message types.
const (
	MessageText   MessageType = 1
	MessageBinary MessageType = 2
)

// DialOptions has nothing to set: the browser's WebSocket dials by itself.
type DialOptions struct{}

// errClosed is a read or write on a connection that has ended.
var errClosed = errors.New("websocket: use of closed connection")

// Conn is a connection over the page's WebSocket. Read is for one goroutine; Write and Close may
// be called from any.
type Conn struct {
	ws      js.Value
	limit   int64         // the largest message Read accepts
	funcs   []js.Func     // the event listeners, released once closed
	mu      sync.Mutex    // guards queue, err
	queue   [][]byte      // messages received, not yet read
	signal  chan struct{} // a message arrived (capacity 1)
	closed  chan struct{} // the close event came
	err     error         // why the connection ended: a CloseError
	closing sync.Once
}

// Dial opens a WebSocket to url; ctx bounds the wait for it to open. The second result is
// always nil (coder/websocket's place for the HTTP response, which a browser never shows).
func Dial(ctx context.Context, url string, _ *DialOptions) (c *Conn, _ *struct{}, err error) {
	defer func() {
		if r := recover(); r != nil { // new WebSocket throws a SyntaxError for a bad URL
			c, err = nil, fmt.Errorf("failed to WebSocket dial %q: %v", url, r)
		}
	}()
	c = &Conn{
		ws:     js.Global().Get("WebSocket").New(url),
		limit:  32768,
		signal: make(chan struct{}, 1),
		closed: make(chan struct{}),
	}
	c.ws.Set("binaryType", "arraybuffer")
	opened := make(chan struct{})
	var openOnce sync.Once
	c.listen("open", func(js.Value) { openOnce.Do(func() { close(opened) }) })
	c.listen("message", func(e js.Value) {
		data := e.Get("data")
		var b []byte
		if data.Type() == js.TypeString {
			b = []byte(data.String())
		} else {
			u := js.Global().Get("Uint8Array").New(data)
			b = make([]byte, u.Length())
			js.CopyBytesToGo(b, u)
		}
		c.mu.Lock()
		c.queue = append(c.queue, b)
		c.mu.Unlock()
		select {
		case c.signal <- struct{}{}:
		default:
		}
	})
	c.listen("close", func(e js.Value) {
		c.end(CloseError{Code: StatusCode(e.Get("code").Int()), Reason: e.Get("reason").String()})
	})
	select {
	case <-opened:
		return c, nil, nil
	case <-c.closed:
		return nil, nil, fmt.Errorf("failed to WebSocket dial %q: %w", url, c.err)
	case <-ctx.Done():
		c.closeSocket(StatusNormalClosure, "dial timed out")
		return nil, nil, fmt.Errorf("failed to WebSocket dial %q: %w", url, ctx.Err())
	}
}

// listen adds an event listener kept until the connection closes.
func (c *Conn) listen(event string, fn func(js.Value)) {
	f := js.FuncOf(func(_ js.Value, args []js.Value) any {
		fn(args[0])
		return nil
	})
	c.funcs = append(c.funcs, f)
	c.ws.Call("addEventListener", event, f)
}

// end records why the connection ended, once, and releases the listeners. It runs on the page's
// event loop (in the close listener), which calls no listener of this socket after it.
func (c *Conn) end(err error) {
	c.closing.Do(func() {
		c.mu.Lock()
		c.err = err
		c.mu.Unlock()
		close(c.closed)
		for _, f := range c.funcs { // no event of this socket comes after its close event
			f.Release()
		}
		c.funcs = nil
	})
}

// SetReadLimit sets the largest message Read accepts (32768 bytes until set); a larger one
// closes the connection with StatusMessageTooBig.
func (c *Conn) SetReadLimit(n int64) { c.limit = n }

// Read waits for the next message. Messages that arrived before the connection closed are read
// first; then Read returns the CloseError.
func (c *Conn) Read(ctx context.Context) (MessageType, []byte, error) {
	for {
		c.mu.Lock()
		if len(c.queue) > 0 {
			b := c.queue[0]
			c.queue[0] = nil
			c.queue = c.queue[1:]
			c.mu.Unlock()
			if int64(len(b)) > c.limit {
				reason := "read limited at " + strconv.FormatInt(c.limit, 10) + " bytes"
				c.Close(StatusMessageTooBig, reason)
				return 0, nil, fmt.Errorf("failed to read: %s", reason)
			}
			return MessageBinary, b, nil
		}
		err := c.err
		c.mu.Unlock()
		if err != nil {
			return 0, nil, fmt.Errorf("failed to read: %w", err)
		}
		select {
		case <-c.signal:
		case <-c.closed:
		case <-ctx.Done():
			c.Close(StatusPolicyViolation, "read timed out")
			return 0, nil, fmt.Errorf("failed to read: %w", ctx.Err())
		}
	}
}

// Write sends a message; the browser queues it, so it never waits.
func (c *Conn) Write(_ context.Context, typ MessageType, p []byte) (err error) {
	select {
	case <-c.closed:
		return fmt.Errorf("failed to write: %w", errClosed)
	default:
	}
	defer func() {
		if r := recover(); r != nil { // send throws once the socket is closing
			err = fmt.Errorf("failed to write: %v", r)
		}
	}()
	if typ == MessageText {
		c.ws.Call("send", string(p))
		return nil
	}
	u := js.Global().Get("Uint8Array").New(len(p))
	js.CopyBytesToJS(u, p)
	c.ws.Call("send", u)
	return nil
}

// Close sends a close frame with code and reason, and waits for the connection to end.
func (c *Conn) Close(code StatusCode, reason string) error {
	select {
	case <-c.closed:
		return fmt.Errorf("failed to close WebSocket: %w", errClosed)
	default:
	}
	c.closeSocket(code, reason)
	<-c.closed
	return nil
}

// CloseNow closes the connection without waiting for the close handshake to finish.
func (c *Conn) CloseNow() error {
	select {
	case <-c.closed:
		return fmt.Errorf("failed to close WebSocket: %w", errClosed)
	default:
	}
	c.closeSocket(StatusNormalClosure, "")
	return nil
}

// maxCloseReason is the most bytes a close frame's reason holds (RFC 6455: 125 less the code).
const maxCloseReason = 123

// closeSocket starts the close handshake. A page may only send 1000 or 3000 to 4999 (close
// throws for any other code), so the others go as 1000 with their reason.
func (c *Conn) closeSocket(code StatusCode, reason string) {
	if code != StatusNormalClosure && (code < 3000 || code > 4999) {
		code = StatusNormalClosure
	}
	// close throws for a reason over 123 bytes (and the handshake never starts, so Close would
	// wait for good): cut it, at a character's boundary.
	for len(reason) > maxCloseReason {
		_, n := utf8.DecodeLastRuneInString(reason)
		reason = reason[:len(reason)-n]
	}
	defer func() { _ = recover() }() // the code and reason are valid: close should not throw
	c.ws.Call("close", int(code), reason)
}
