package nodeclient

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/tickwire/tickwire/shared/wire"
)

// The single-node server never redirects, so the client's side of "Following a redirect" is tested
// against fake nodes: each reads the hello and answers as its case says.

// fakeNode answers every hello with answer's frames and close (code 0: keep the connection, and
// close it with 4009 after a bye when a second hello comes, as the server does).
type fakeNode struct {
	url    string
	answer func(h wire.Hello) (frames []wire.Message, code wire.CloseCode)

	mu     sync.Mutex
	hellos []wire.Hello
}

func startNode(t *testing.T, answer func(h wire.Hello) ([]wire.Message, wire.CloseCode)) *fakeNode {
	t.Helper()
	n := &fakeNode{answer: answer}
	srv := httptest.NewServer(http.HandlerFunc(n.serve))
	t.Cleanup(srv.Close)
	n.url = "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws"
	return n
}

func (n *fakeNode) serve(w http.ResponseWriter, r *http.Request) {
	ws, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	defer ws.CloseNow()
	ctx := r.Context()
	send := func(m wire.Message) {
		if b, err := wire.Encode(nil, m); err == nil {
			_ = ws.Write(ctx, websocket.MessageBinary, b)
		}
	}
	hello := func() (wire.Hello, bool) {
		var h wire.Hello
		for {
			_, data, err := ws.Read(ctx)
			if err != nil {
				return h, false
			}
			if f, err := wire.Decode(data); err == nil && f.Op == wire.OpHello && f.Decode(&h) == nil {
				return h, true
			}
		}
	}
	h, ok := hello()
	if !ok {
		return
	}
	n.mu.Lock()
	n.hellos = append(n.hellos, h)
	n.mu.Unlock()
	frames, code := n.answer(h)
	for _, m := range frames {
		send(m)
	}
	if code == 0 {
		if _, ok := hello(); !ok {
			return
		}
		code = wire.CloseUnexpected
	}
	send(&wire.Bye{Code: code, Reason: "fake"})
	_ = ws.Close(websocket.StatusCode(code), "fake")
}

func (n *fakeNode) seen() []wire.Hello {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]wire.Hello(nil), n.hellos...)
}

func redirectTo(url, token string) ([]wire.Message, wire.CloseCode) {
	return []wire.Message{&wire.Redirect{URL: url, Token: token}}, wire.CloseRedirect
}

func TestNodeClientFollowsARedirect(t *testing.T) {
	node, dir := install(t)
	t.Parallel()
	// b plays a hello with a's reservation; a sends every hello to the URL the case gives.
	b := startNode(t, func(h wire.Hello) ([]wire.Message, wire.CloseCode) {
		if h.Reservation != "tok" {
			return nil, wire.CloseBadReservation
		}
		return []wire.Message{&wire.Welcome{Player: 7, Game: "arena", Room: "friends", TickRate: 30, SnapshotRate: 20, MaxPlayers: 16},
			&wire.Snapshot{Tick: 1}}, 0
	})
	var loop *fakeNode
	loop = startNode(t, func(wire.Hello) ([]wire.Message, wire.CloseCode) { return redirectTo(loop.url, "x") })
	for _, tt := range []struct {
		name      string
		to        string
		redirects int
		url       string // where the client ends
		reason    string // in its reason, when it gives up
		atB       int    // hellos b reads
	}{
		{name: "follows", to: b.url, redirects: 1, url: b.url, atB: 1},
		{name: "other scheme", to: "http://127.0.0.1:1/ws", reason: "not a ws:// or wss:// URL"},
		{name: "loop", to: loop.url, redirects: 4, url: loop.url, reason: "redirects in a row"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := len(b.seen())
			a := startNode(t, func(wire.Hello) ([]wire.Message, wire.CloseCode) { return redirectTo(tt.to, "tok") })
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			run := exec.CommandContext(ctx, node, "client.mjs", a.url, "1", "friends", "Nodey")
			run.Dir = dir
			out, _ := run.Output()
			var res result
			if err := json.Unmarshal([]byte(strings.TrimSpace(string(out))), &res); err != nil {
				t.Fatalf("client.mjs printed %q: %v", out, err)
			}
			if res.Redirects != tt.redirects || tt.url != "" && res.URL != tt.url || !strings.Contains(res.Reason, tt.reason) {
				t.Errorf("redirects %d, ended on %s (%q); want %d, %s, %q", res.Redirects, res.URL, res.Reason, tt.redirects, tt.url, tt.reason)
			}
			if ha := a.seen(); len(ha) != 1 || ha[0].Reservation != "" || ha[0].Name != "Nodey" {
				t.Errorf("the first node read %+v", ha)
			}
			hb := b.seen()[before:]
			if len(hb) != tt.atB {
				t.Fatalf("the room's node read %+v, want %d hellos", hb, tt.atB)
			}
			if tt.atB > 0 {
				if hb[0].Room != "friends" || hb[0].Name != "Nodey" || res.Player != 7 {
					t.Errorf("the room's node read %+v; the client saw player %d", hb[0], res.Player)
				}
				if res.Close == nil || res.Close.Code != int(wire.CloseUnexpected) || !res.ByeBeforeClose {
					t.Errorf("after the redirect the second hello's close was %+v (bye before: %v)", res.Close, res.ByeBeforeClose)
				}
			}
		})
	}
}
