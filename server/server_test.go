package server

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/tickwire/tickwire/server/internal/testgame"
	"github.com/tickwire/tickwire/server/room"
	"github.com/tickwire/tickwire/shared/wire"
)

type nopPeer struct{}

func (nopPeer) Send([]byte)                  {}
func (nopPeer) SendSnapshot([]byte)          {}
func (nopPeer) Close(wire.CloseCode, string) {}

func TestRoomListShowsGamesAndPublicRooms(t *testing.T) {
	t.Parallel()
	srv, err := New(Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))},
		room.For(testgame.Game{MaxPlayers: 4}), room.For(testgame.Game{Name: "fast", TickRate: 60, SnapshotRate: 30, MaxPlayers: 2}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	l := srv.Lobby()
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
			{Game: "fast", Name: "fast-1", Players: 1, MaxPlayers: 2, MaxSpectators: 32},
			{Game: "line", Name: "open", Players: 2, MaxPlayers: 4, Spectators: 1, MaxSpectators: 32},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("/api/rooms:\n got %+v\nwant %+v", got, want)
	}
}
