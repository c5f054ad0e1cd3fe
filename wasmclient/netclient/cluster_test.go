package netclient_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/tickwire/tickwire/wasmclient/netclient"
)

// The client's side of a cluster (issue 12), against fake nodes: each is a WebSocket endpoint
// that reads the hello and answers it as its test says (a redirect, a welcome, a refusal), built
// on coder/websocket and wire alone, so these tests need no server package.

// reply is a fake node's answer to one hello.
type reply struct {
	redirect *wire.Redirect // send it, then a bye and a close with 4018
	refuse   wire.CloseCode // a bye and a close with this code
	resume   string         // otherwise welcome, with this resume token, and a snapshot
	// play, with a welcome, plays the room instead of the one snapshot: the welcome says tick, then
	// a snapshot of each tick after it at 30 a second, pings answered, for play long; then
	// the node sends the client to moveTo (a redirect without a token, and 4018), as a room that
	// moved does, or, without moveTo, drops the connection as a node that died does.
	tick   uint32
	play   time.Duration
	moveTo string
}

func redirectTo(url, token string) reply {
	return reply{redirect: &wire.Redirect{URL: url, Token: token}}
}
func welcome(resume string) reply      { return reply{resume: resume} }
func refuse(code wire.CloseCode) reply { return reply{refuse: code} }

// fakeNode is one node of a faked cluster. answer is called with the node's hello count (from 0)
// and the hello; kill makes the node die as a process does: its open connections drop and nothing
// answers at its address any more.
type fakeNode struct {
	url    string
	srv    *httptest.Server
	answer func(n int, h wire.Hello) reply

	last   atomic.Uint32 // the newest tick a played room sent
	inputs atomic.Int32  // inputs received in played rooms

	mu     sync.Mutex
	hellos []wire.Hello
	conns  map[*websocket.Conn]bool // open
	dead   bool
}

func startNode(t *testing.T, answer func(n int, h wire.Hello) reply) *fakeNode {
	t.Helper()
	n := &fakeNode{answer: answer, conns: map[*websocket.Conn]bool{}}
	n.srv = httptest.NewServer(http.HandlerFunc(n.serve))
	n.url = "ws" + strings.TrimPrefix(n.srv.URL, "http") + "/ws"
	t.Cleanup(n.kill)
	return n
}

func (n *fakeNode) serve(w http.ResponseWriter, r *http.Request) {
	ws, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	defer ws.CloseNow()
	n.mu.Lock()
	if n.dead {
		n.mu.Unlock()
		return
	}
	n.conns[ws] = true
	n.mu.Unlock()
	defer func() {
		n.mu.Lock()
		delete(n.conns, ws)
		n.mu.Unlock()
	}()
	ctx := r.Context()
	_, data, err := ws.Read(ctx)
	if err != nil {
		return
	}
	var h wire.Hello
	if f, err := wire.Decode(data); err != nil || f.Op != wire.OpHello || f.Decode(&h) != nil {
		_ = ws.Close(websocket.StatusCode(wire.CloseMalformed), "not a hello")
		return
	}
	n.mu.Lock()
	count := len(n.hellos)
	n.hellos = append(n.hellos, h)
	n.mu.Unlock()

	send := func(m wire.Message) {
		b, err := wire.Encode(nil, m)
		if err == nil {
			_ = ws.Write(ctx, websocket.MessageBinary, b)
		}
	}
	closeWith := func(code wire.CloseCode, reason string) {
		send(&wire.Bye{Code: code, Reason: reason})
		_ = ws.Close(websocket.StatusCode(code), reason)
	}
	switch a := n.answer(count, h); {
	case a.redirect != nil:
		send(a.redirect)
		closeWith(wire.CloseRedirect, "the room is on another node")
	case a.refuse != 0:
		closeWith(a.refuse, "refused by the test")
	case a.play > 0:
		n.playRoom(ctx, ws, a, send)
		if a.moveTo != "" {
			send(&wire.Redirect{URL: a.moveTo})
			closeWith(wire.CloseRedirect, "the room moved to another node")
		}
	default:
		send(&wire.Welcome{Player: 1, Game: "arena", Room: "r", TickRate: 30, SnapshotRate: 20, MaxPlayers: 16, Resume: a.resume})
		send(&wire.Snapshot{Tick: 1})
		for { // play on until the client or the node goes
			if _, _, err := ws.Read(ctx); err != nil {
				return
			}
		}
	}
}

// playRoom welcomes the client at a.tick and plays the room for a.play: a snapshot of each tick
// at 30 a second (an arena with player 1 in it), pings answered. n.last is the newest tick sent.
func (n *fakeNode) playRoom(ctx context.Context, ws *websocket.Conn, a reply, send func(wire.Message)) {
	send(&wire.Welcome{Player: 1, Game: "arena", Room: "r", TickRate: 30, SnapshotRate: 30, MaxPlayers: 16, Tick: a.tick, Resume: a.resume})
	// The client's frames: pings answered, inputs counted, until the connection ends. Not on a
	// context of its own: a Read whose context ends closes the connection, before the redirect.
	gone := make(chan struct{})
	go func() {
		defer close(gone)
		for {
			_, data, err := ws.Read(ctx)
			if err != nil {
				return
			}
			f, err := wire.Decode(data)
			if err != nil {
				return
			}
			switch f.Op {
			case wire.OpPing:
				var p wire.Ping
				if f.Decode(&p) == nil {
					send(&wire.Pong{ClientTime: p.ClientTime, Tick: n.last.Load()})
				}
			case wire.OpInput:
				n.inputs.Add(1)
			case wire.OpInputs: // a batch: each input counts
				var b wire.InputBatch[arena.Input]
				if wire.DecodeInputs(f.Body, arena.Game{}, &b) == nil {
					n.inputs.Add(int32(len(b.Entries)))
				}
			}
		}
	}()
	g := arena.Game{}
	st := g.NewState(1)
	g.Join(&st, 1)
	t := time.NewTicker(time.Second / 30)
	defer t.Stop()
	tick := a.tick
	for end := time.Now().Add(a.play); time.Now().Before(end); {
		select {
		case <-gone:
			return
		case <-t.C:
		}
		tick++
		n.last.Store(tick)
		g.Step(&st, tick, nil)
		send(&wire.Snapshot{Tick: tick, Entities: g.Entities(&st, nil)})
	}
}

// drop cuts the node's open connections without a close frame, as a network that went away does.
func (n *fakeNode) drop() {
	n.mu.Lock()
	defer n.mu.Unlock()
	for ws := range n.conns {
		_ = ws.CloseNow()
	}
}

// kill ends the node: its connections drop, and its port refuses connections from then on.
func (n *fakeNode) kill() {
	n.mu.Lock()
	was := n.dead
	n.dead = true
	n.mu.Unlock()
	if !was {
		n.drop()
		n.srv.Close()
	}
}

// seen returns the hellos the node has read.
func (n *fakeNode) seen() []wire.Hello {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]wire.Hello(nil), n.hellos...)
}

// dialCluster starts a client whose page came from home.
func dialCluster(t *testing.T, home string) *netclient.Client[arena.Input] {
	t.Helper()
	c := netclient.Dial[arena.Input](netclient.Config{URL: home, Game: "arena", Room: "friends", Name: "ann"}, arena.Game{}, arena.Schema)
	t.Cleanup(c.Close)
	return c
}

func playing(v netclient.View) bool { return v.Status == netclient.Connected && v.Snapshots > 0 }

// TestFollowsARedirect: the node the page came from sends the client to the room's node with a
// reservation; the client goes there at once with the same hello and the reservation, shows
// nothing on the way, and spends the reservation: after a lost connection it resumes at the
// room's node with its resume token and no reservation.
func TestFollowsARedirect(t *testing.T) {
	t.Parallel()
	var reused atomic.Bool
	b := startNode(t, func(n int, h wire.Hello) reply {
		switch {
		case n == 0 && h.Reservation == "seat-for-ann":
			return welcome("resume-1")
		case h.Reservation != "":
			reused.Store(true)
			return refuse(wire.CloseBadReservation)
		case h.Resume == "resume-1":
			return welcome("resume-2")
		}
		return refuse(wire.CloseResumeFailed)
	})
	a := startNode(t, func(int, wire.Hello) reply { return redirectTo(b.url, "seat-for-ann") })

	c := dialCluster(t, a.url)
	var statuses []netclient.Status
	deadline := time.Now().Add(10 * time.Second)
	for v := c.View(); !playing(v); v = c.View() {
		if len(statuses) == 0 || statuses[len(statuses)-1] != v.Status {
			statuses = append(statuses, v.Status)
		}
		if time.Now().After(deadline) {
			t.Fatalf("not playing after 10 s: %+v", v)
		}
		time.Sleep(time.Millisecond)
	}
	v := c.View()
	if v.URL != b.url || v.Redirects != 1 || v.Welcome.Resume != "resume-1" {
		t.Errorf("playing on %s after %d redirects with token %q; want %s after 1, resume-1", v.URL, v.Redirects, v.Welcome.Resume, b.url)
	}
	// Connecting until the room's node welcomes (the home node never does: it redirects), then
	// connected, perhaps for a moment before the first snapshot: never closed or reconnecting.
	for i, s := range statuses {
		if s != netclient.Connecting && (s != netclient.Connected || i != len(statuses)-1) {
			t.Errorf("the player saw status %v on the way (all: %v); a redirect shows nothing", s, statuses)
		}
	}
	if v.Attempt != 0 || v.Code != 0 || v.Reason != "" {
		t.Errorf("the view kept attempt %d, code %d, reason %q from the redirect", v.Attempt, v.Code, v.Reason)
	}
	if d := netclient.Debug(v, arena.Schema); d.URL != b.url || !strings.Contains(d.JSON(), `"url":"`+b.url+`"`) {
		t.Errorf("debug view: %s", d.JSON())
	}
	ha, hb := a.seen(), b.seen()
	if len(ha) != 1 || ha[0].Reservation != "" {
		t.Fatalf("home read %+v, want one hello without a reservation", ha)
	}
	if want := ha[0]; hb[0].Game != want.Game || hb[0].Room != want.Room || hb[0].Name != want.Name || hb[0].Version != want.Version {
		t.Errorf("the hello at the room's node %+v is not the one home read %+v", hb[0], want)
	}

	// The connection drops (not the node): the client resumes at the room's node, not at home.
	b.drop()
	v = waitView(t, c, "the resume", func(v netclient.View) bool { return playing(v) && v.Welcome.Resume == "resume-2" })
	if hb := b.seen(); len(hb) != 2 || hb[1].Reservation != "" || hb[1].Resume != "resume-1" {
		t.Errorf("the room's node read %+v; want the resume with its token and no reservation", hb)
	}
	if reused.Load() {
		t.Error("the reservation was sent twice")
	}
	if len(a.seen()) != 1 || v.URL != b.url {
		t.Errorf("the resume went home (%d hellos there), playing on %s", len(a.seen()), v.URL)
	}
}

// TestRedirectLoopEnds: two misconfigured nodes sending the client to each other do not keep it
// forever: after a few hops it stops with a reason a person can read.
func TestRedirectLoopEnds(t *testing.T) {
	t.Parallel()
	var bURL atomic.Value
	a := startNode(t, func(int, wire.Hello) reply { return redirectTo(bURL.Load().(string), "x") })
	b := startNode(t, func(int, wire.Hello) reply { return redirectTo(a.url, "y") })
	bURL.Store(b.url)
	c := dialCluster(t, a.url)
	v := waitView(t, c, "the client to give up", func(v netclient.View) bool { return v.Status == netclient.Closed })
	if v.Code != int(wire.CloseRedirect) || !strings.Contains(v.Reason, "in a row") {
		t.Errorf("closed with %d %q, want 4018 and a reason", v.Code, v.Reason)
	}
	if n := len(a.seen()) + len(b.seen()); n < 3 || n > 8 {
		t.Errorf("%d hellos before giving up, want a few", n)
	}
}

// TestRedirectToAnotherSchemeIsRefused: a redirect to anything but ws:// or wss:// ends the client
// with a reason, and nothing is dialled there.
func TestRedirectToAnotherSchemeIsRefused(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	web := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	t.Cleanup(web.Close)
	a := startNode(t, func(int, wire.Hello) reply { return redirectTo(web.URL+"/ws", "tok") })
	c := dialCluster(t, a.url)
	v := waitView(t, c, "the refusal", func(v netclient.View) bool { return v.Status == netclient.Closed })
	if !strings.Contains(v.Reason, "not a ws:// or wss:// address") || !strings.Contains(v.Reason, web.URL) {
		t.Errorf("closed with %d %q", v.Code, v.Reason)
	}
	time.Sleep(100 * time.Millisecond)
	if hits.Load() != 0 || len(a.seen()) != 1 {
		t.Errorf("%d requests to the other scheme's server, %d hellos at home", hits.Load(), len(a.seen()))
	}
}

// TestDeadNodeSendsTheClientHome: the room's node dies; the client cannot reach it, goes back to
// the node the page came from with its resume token, and is redirected (without a reservation, as
// a resume is) to wherever its seat is now.
func TestDeadNodeSendsTheClientHome(t *testing.T) {
	t.Parallel()
	c3 := startNode(t, func(_ int, h wire.Hello) reply {
		if h.Resume == "resume-b" && h.Reservation == "" {
			return welcome("resume-c")
		}
		return refuse(wire.CloseResumeFailed)
	})
	b := startNode(t, func(_ int, h wire.Hello) reply {
		if h.Reservation == "tok" {
			return welcome("resume-b")
		}
		return refuse(wire.CloseBadReservation)
	})
	a := startNode(t, func(n int, h wire.Hello) reply {
		if h.Resume == "" {
			return redirectTo(b.url, "tok")
		}
		return redirectTo(c3.url, "")
	})
	c := dialCluster(t, a.url)
	waitView(t, c, "play on b", func(v netclient.View) bool { return playing(v) && v.URL == b.url })

	b.kill()
	v := waitView(t, c, "play on c", func(v netclient.View) bool { return playing(v) && v.URL == c3.url })
	if v.Welcome.Resume != "resume-c" || v.Welcomes != 2 || v.Redirects != 2 {
		t.Errorf("after the node died: token %q, %d welcomes, %d redirects; want resume-c, 2, 2", v.Welcome.Resume, v.Welcomes, v.Redirects)
	}
	ha := a.seen()
	if len(ha) != 2 || ha[1].Resume != "resume-b" || ha[1].Reservation != "" {
		t.Errorf("home read %+v; want the join, then the resume with b's token and no reservation", ha)
	}
}

// TestBadReservationJoinsAfreshAtHome: a reservation the room's node will not honour (4019) sends
// the client home at once to join afresh without it.
func TestBadReservationJoinsAfreshAtHome(t *testing.T) {
	t.Parallel()
	b := startNode(t, func(int, wire.Hello) reply { return refuse(wire.CloseBadReservation) })
	a := startNode(t, func(n int, h wire.Hello) reply {
		if n == 0 {
			return redirectTo(b.url, "expired")
		}
		return welcome("resume-a")
	})
	c := dialCluster(t, a.url)
	v := waitView(t, c, "play at home", playing)
	if v.URL != a.url || v.Attempt != 0 || v.Code != 0 {
		t.Errorf("playing on %s, attempt %d, code %d; want home, no attempt, no code", v.URL, v.Attempt, v.Code)
	}
	if hb := b.seen(); len(hb) != 1 || hb[0].Reservation != "expired" {
		t.Errorf("the room's node read %+v", hb)
	}
	if ha := a.seen(); len(ha) != 2 || ha[1].Reservation != "" || ha[1].Resume != "" {
		t.Errorf("home read %+v; want the second hello without reservation or token", ha)
	}
}

// TestRedirectToADeadNodeBeforeAWelcome: a node sends a new player to a node that has just died
// (the directory lists it until its TTL runs out); the client comes home after a backoff rather
// than giving up, and plays wherever home places it then.
func TestRedirectToADeadNodeBeforeAWelcome(t *testing.T) {
	t.Parallel()
	dead := startNode(t, func(int, wire.Hello) reply { return welcome("never") })
	dead.kill()
	a := startNode(t, func(n int, h wire.Hello) reply {
		if n == 0 {
			return redirectTo(dead.url, "tok")
		}
		return welcome("resume-a")
	})
	c := dialCluster(t, a.url)
	v := waitView(t, c, "play at home", playing)
	if v.URL != a.url || v.Welcomes != 1 {
		t.Errorf("playing on %s after %d welcomes", v.URL, v.Welcomes)
	}
	if ha := a.seen(); len(ha) != 2 || ha[1].Reservation != "" {
		t.Errorf("home read %+v; want the reservation for the dead node left behind", ha)
	}
}

// TestKeptTokenOfAnotherTabGivesWay: a page that presents a kept token (Config.Resume) the server
// keeps refusing as still held (4017) before any welcome — a duplicated tab holds a copy of the
// other tab's token, whose seat is live — joins afresh after some tries instead of waiting for good.
func TestKeptTokenOfAnotherTabGivesWay(t *testing.T) {
	t.Parallel()
	node := startNode(t, func(n int, h wire.Hello) reply {
		if h.Resume != "" {
			return refuse(wire.CloseResumeLater)
		}
		return welcome("fresh")
	})
	c := netclient.Dial[arena.Input](netclient.Config{URL: node.url, Game: "arena", Room: "friends", Name: "ann", Resume: "the-other-tabs"},
		arena.Game{}, arena.Schema)
	t.Cleanup(c.Close)
	v := waitViewFor(t, c, "a fresh join", 45*time.Second, func(v netclient.View) bool { return playing(v) })
	hellos := node.seen()
	if v.Welcome.Resume != "fresh" || len(hellos) < 2 || hellos[0].Resume != "the-other-tabs" || hellos[len(hellos)-1].Resume != "" {
		t.Errorf("welcomed with %q after hellos %+v; want the kept token tried, then a fresh join", v.Welcome.Resume, hellos)
	}
}
