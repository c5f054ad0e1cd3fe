package server

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tickwire/tickwire/internal/testgame"
	"github.com/tickwire/tickwire/server/room"
	"github.com/tickwire/tickwire/shared/wire"
)

type nopPeer struct{}

func (nopPeer) Send([]byte)            {}
func (nopPeer) SendSnapshot([]byte)    {}
func (nopPeer) Close(*wire.CloseError) {}

// startInProcess makes a server of cfg hosting games, quiet unless cfg names a logger, starts it
// (it joins its embedded cluster) as if it listened on 127.0.0.1:8080, without serving, and shuts it
// down when the test ends (a test may do so first).
func startInProcess(t *testing.T, cfg Config, games ...room.Factory) *Server {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	srv, err := New(cfg, games...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	if err := srv.Start(t.Context(), &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}); err != nil {
		t.Fatal(err)
	}
	return srv
}

func TestRoomListShowsGamesAndPublicRooms(t *testing.T) {
	t.Parallel()
	srv := startInProcess(t, Config{},
		room.For(testgame.Game{MaxPlayers: 4}), room.For(testgame.Game{Name: "fast", TickRate: 60, SnapshotRate: 30, MaxPlayers: 2}))
	l := srv.Lobby()
	node := l.Node().ID()
	enter := func(h wire.Hello) {
		h.Version = wire.ProtocolVersion
		if _, ref := l.Enter(h, nopPeer{}); ref != nil {
			t.Fatal(ref)
		}
	}
	enter(wire.Hello{Room: "open", Name: "a"})
	enter(wire.Hello{Room: "open", Name: "b"})
	enter(wire.Hello{Room: "open", Spectate: true})
	enter(wire.Hello{Game: "fast", Room: "secret", Name: "c", Private: true})
	enter(wire.Hello{Game: "fast", Name: "d"})

	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/rooms", nil))
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("status %d, type %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	var got roomsJSON
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	want := roomsJSON{
		Games: []string{"line", "fast"},
		GameInfo: []gameJSON{
			{Name: "line", TickRate: 30, SnapshotRate: 20, MaxPlayers: 4, MaxSpectators: 32, Players: 2},
			{Name: "fast", TickRate: 60, SnapshotRate: 30, MaxPlayers: 2, MaxSpectators: 32, Players: 2},
		},
		// The private room "secret" is not listed, though its player counts for the game.
		Rooms: []roomJSON{
			{Game: "fast", Name: "fast-1", Players: 1, MaxPlayers: 2, MaxSpectators: 32, Node: node},
			{Game: "line", Name: "open", Players: 2, MaxPlayers: 4, Spectators: 1, MaxSpectators: 32, Node: node},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("/api/rooms:\n got %+v\nwant %+v", got, want)
	}
}

// TestRoomListDocMatches checks the JSON example of docs/PROTOCOL.md against the endpoint's types:
// every key it shows exists, and every key the endpoint writes is shown.
func TestRoomListDocMatches(t *testing.T) {
	t.Parallel()
	var v roomsJSON
	docMatches(t, "The room list", &v, roomsJSON{Games: []string{"g"}, GameInfo: []gameJSON{{}}, Rooms: []roomJSON{{}}})
}

// docMatches decodes the JSON example under heading in docs/PROTOCOL.md into v, refusing keys v
// does not have, and checks that the example shows every key full (v's type, every part filled)
// encodes to.
func docMatches(t *testing.T, heading string, v, full any) {
	t.Helper()
	doc, err := os.ReadFile("../docs/PROTOCOL.md")
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(doc), "## "+heading)
	_, block, ok2 := strings.Cut(block, "```json\n")
	block, _, ok3 := strings.Cut(block, "```")
	if !ok || !ok2 || !ok3 {
		t.Fatalf("docs/PROTOCOL.md has no JSON example under %q", heading)
	}
	dec := json.NewDecoder(strings.NewReader(block))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("the doc's example under %q is not what the server writes: %v", heading, err)
	}
	js, _ := json.Marshal(full)
	for _, key := range regexp.MustCompile(`"(\w+)":`).FindAllStringSubmatch(string(js), -1) {
		if !strings.Contains(block, `"`+key[1]+`":`) {
			t.Errorf("the doc's example under %q lacks the key %q", heading, key[1])
		}
	}
}

func TestPublicURLFromTheListener(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		addr net.Addr
		want string
	}{
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8081}, "ws://127.0.0.1:8081/ws"},
		{&net.TCPAddr{IP: net.IPv4zero, Port: 8080}, "ws://localhost:8080/ws"},
		{&net.TCPAddr{IP: net.IPv6unspecified, Port: 80}, "ws://localhost:80/ws"},
		{&net.TCPAddr{IP: net.IPv6loopback, Port: 9000}, "ws://[::1]:9000/ws"},
	} {
		if got := PublicURL(tt.addr); got != tt.want {
			t.Errorf("PublicURL(%v) = %q, want %q", tt.addr, got, tt.want)
		}
	}
}
