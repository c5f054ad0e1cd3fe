package gateway

import (
	"context"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/tickwire/tickwire/shared/wire"
)

func TestBucket(t *testing.T) {
	t.Parallel()
	t0 := time.Unix(100, 0)
	b := newBucket(10, 5, t0) // 10 a second, 5 at once
	passed := 0
	for range 20 { // a burst of 20 at one instant: the first 5 pass
		if b.take(t0) {
			passed++
		}
	}
	if passed != 5 {
		t.Errorf("burst: %d passed, want 5", passed)
	}
	if !b.take(t0.Add(100 * time.Millisecond)) {
		t.Error("after 100 ms at 10/s one more should pass")
	}
	if b.take(t0.Add(100 * time.Millisecond)) {
		t.Error("a second one at the same instant passed")
	}
	// Sustained at exactly the rate, nothing is refused.
	at := t0.Add(time.Second)
	b = newBucket(10, 5, at)
	for i := range 100 {
		if !b.take(at.Add(time.Duration(i) * 100 * time.Millisecond)) {
			t.Fatalf("message %d at the sustained rate was refused", i)
		}
	}
}

func TestRemoteIP(t *testing.T) {
	t.Parallel()
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	tests := []struct {
		name, remote, xff string
		trusted           []netip.Prefix
		want              string
	}{
		{"no proxy", "203.0.113.7:5555", "", nil, "203.0.113.7"},
		{"header from an untrusted peer is ignored", "203.0.113.7:5555", "198.51.100.1", proxies, "203.0.113.7"},
		{"trusted proxy: the client before it", "10.1.2.3:80", "198.51.100.1", proxies, "198.51.100.1"},
		{"chain of trusted proxies", "10.1.2.3:80", "198.51.100.1, 10.9.9.9", proxies, "198.51.100.1"},
		{"spoofed left entries are not believed", "10.1.2.3:80", "1.2.3.4, 198.51.100.1", proxies, "198.51.100.1"},
		{"garbled header: the proxy", "10.1.2.3:80", "not-an-ip", proxies, "10.1.2.3"},
		{"IPv6 loopback proxy", "[::1]:80", "2001:db8::5", proxies, "2001:db8::5"},
		{"IPv4-mapped address", "[::ffff:203.0.113.9]:1", "", nil, "203.0.113.9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest("GET", "/ws", nil)
			r.RemoteAddr = tt.remote
			if tt.xff != "" {
				r.Header.Set("X-Forwarded-For", tt.xff)
			}
			if got := remoteIP(r, tt.trusted); got.String() != tt.want {
				t.Errorf("remoteIP = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestOutboxClosesAClientThatStaysBehind(t *testing.T) {
	t.Parallel()
	now := time.Unix(0, 0)
	o := newOutbox(8, nopObserver{})
	o.slowAfter = 5 * time.Second
	o.now = func() time.Time { return now }
	frame := func() []byte { return []byte{0x92, byte(wire.OpSnapshot), 0x90} }

	// Replaced snapshots for 4 s, then the writer takes one: caught up, no close.
	for range 40 {
		o.SendSnapshot(frame())
		now = now.Add(100 * time.Millisecond)
	}
	if _, req := o.take(nil); req != nil {
		t.Fatalf("closed after 4 s behind: %+v", req)
	}
	// Now 6 s without the writer taking anything: closed with 4010.
	for range 60 {
		o.SendSnapshot(frame())
		now = now.Add(100 * time.Millisecond)
	}
	_, req := o.take(nil)
	if req == nil || req.code != wire.CloseSlowClient || !strings.Contains(req.reason, "too slow") {
		t.Fatalf("after 6 s behind: close %+v, want 4010 'too slow'", req)
	}
}

func TestMessageFloodClosesWith1008(t *testing.T) {
	t.Parallel()
	srv := startServer(t, Config{MessageRate: 50, MessageBurst: 20})
	w := srv.watch(t, "flood")
	c := srv.dial(t)
	c.join("flood", "flooder")
	ping, _ := wire.Encode(nil, &wire.Ping{ClientTime: 1})
	start := time.Now()
	for range 500 {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := c.ws.Write(ctx, websocket.MessageBinary, ping)
		cancel()
		if err != nil {
			break // closed already
		}
	}
	code, reason, _ := c.closedWith()
	if code != websocket.StatusPolicyViolation || !strings.Contains(reason, "too many messages") {
		t.Errorf("closed with %d %q, want 1008 'too many messages'", code, reason)
	}
	time.Sleep(300 * time.Millisecond)
	elapsed := time.Since(start).Seconds()
	if got, want := float64(w.snapshots.Load()), 30*elapsed; got < 0.5*want { // half: a busy -race suite starves the test clients too
		t.Errorf("a well-behaved player got %.0f snapshots in %.1f s beside the flood, want about %.0f", got, elapsed, want)
	}
}

func TestTooManyConnectionsFromOneAddress(t *testing.T) {
	t.Parallel()
	srv := startServer(t, Config{MaxConnsPerIP: 2})
	srv.dial(t).join("", "a")
	srv.dial(t).join("", "b")
	c := srv.dial(t)
	code, reason, _ := c.closedWith()
	if code != websocket.StatusPolicyViolation || !strings.Contains(reason, "too many connections") {
		t.Errorf("third connection closed with %d %q, want 1008 'too many connections'", code, reason)
	}
}

func TestClientThatStopsAnsweringPingsIsClosed(t *testing.T) {
	t.Parallel()
	// Not sharper: a starved test client can take most of a second to read its welcome, answering
	// no ping until it does.
	srv := startServer(t, Config{PingInterval: 300 * time.Millisecond, PongWait: time.Second})
	c := srv.dial(t)
	c.join("", "sleeper")
	// The client now reads nothing, so coder/websocket answers no ping: like a laptop whose lid shut.
	before := srv.gw.Conns()
	deadline := time.Now().Add(10 * time.Second)
	for srv.logs.count("code=4014") == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if srv.logs.count("cause=\"no pong\" code=4014") != 1 {
		t.Fatalf("no 'no pong' close logged within 10 s:\n%s", srv.logs.String())
	}
	// The socket goes within a second (deadPeerWait) of the bye and close frame, not after the 5 s
	// close handshake the dead peer would never finish.
	reaped := time.Now()
	waitUntil(t, func() bool { return srv.gw.Conns() < before })
	if d := time.Since(reaped); d > 2*time.Second {
		t.Errorf("the dead connection took %s to go after the no-pong close", d.Round(time.Millisecond))
	}
	if srv.gw.Conns() >= before {
		t.Errorf("%d connections open after the reap, want fewer than %d", srv.gw.Conns(), before)
	}
}

func TestPingsMeasureTheRoundTrip(t *testing.T) {
	t.Parallel()
	srv := startServer(t, Config{PingInterval: 50 * time.Millisecond})
	w := srv.watch(t, "rtt") // reads continuously, so it answers pings
	_ = w
	var c *conn
	waitUntil(t, func() bool {
		srv.gw.mu.Lock()
		defer srv.gw.mu.Unlock()
		for k := range srv.gw.conns {
			if k.rtt.Load() > 0 {
				c = k
			}
		}
		return c != nil
	})
	if c == nil {
		t.Fatal("no round trip measured after several pings")
	}
}
