package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tickwire/tickwire/internal/testgame"
	"github.com/tickwire/tickwire/server/lobby"
	"github.com/tickwire/tickwire/server/replays"
	"github.com/tickwire/tickwire/server/room"
	"github.com/tickwire/tickwire/shared/replay"
	"github.com/tickwire/tickwire/shared/wire"
)

// get serves one GET request with srv's routes.
func get(srv *Server, path string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

// startRecording starts a server that records, with cfg's replay store, hosting the test game.
func startRecording(t *testing.T, cfg ReplaysConfig) *Server {
	t.Helper()
	return startInProcess(t, Config{Lobby: lobby.Config{Record: true}, Replays: cfg}, room.For(testgame.Game{MaxPlayers: 4}))
}

// playAndLeave seats two players in room name, lets the room step a while, and has them leave:
// the room's recording ends and is saved.
func playAndLeave(t *testing.T, srv *Server, name string) {
	t.Helper()
	var seats []room.Seat
	for _, who := range []string{"ann", "bob"} {
		s, ref := srv.Lobby().Enter(wire.Hello{Version: wire.ProtocolVersion, Room: name, Name: who}, nopPeer{})
		if ref != nil {
			t.Fatal(ref)
		}
		seats = append(seats, s)
	}
	for seats[0].Tick() < 10 {
		time.Sleep(10 * time.Millisecond)
	}
	for _, s := range seats {
		s.Leave()
	}
}

// waitForReplays polls GET /api/replays until it lists n replays.
func waitForReplays(t *testing.T, srv *Server, n int) []replays.Meta {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		rec := get(srv, "/api/replays")
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/json" {
			t.Fatalf("status %d, type %q: %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
		}
		var got replaysJSON
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		if len(got.Replays) >= n || time.Now().After(deadline) {
			if len(got.Replays) != n {
				t.Fatalf("%d replays listed, want %d", len(got.Replays), n)
			}
			return got.Replays
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestReplaysAreRecordedListedAndServed(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		cfg  func(t *testing.T) ReplaysConfig
	}{
		{"cluster object store", func(*testing.T) ReplaysConfig { return ReplaysConfig{} }},
		{"directory", func(t *testing.T) ReplaysConfig { return ReplaysConfig{Dir: t.TempDir()} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := startRecording(t, tc.cfg(t))
			if l := waitForReplays(t, srv, 0); len(l) != 0 {
				t.Fatal(l)
			}
			playAndLeave(t, srv, "first")
			playAndLeave(t, srv, "second")
			list := waitForReplays(t, srv, 2)
			m := list[0]
			if m.Room != "second" || list[1].Room != "first" || m.Game != "line" || strings.Join(m.Players, ",") != "ann,bob" ||
				m.Ticks < 10 || m.TickRate != 30 || m.Seconds != float64(m.Ticks)/30 || m.Node != srv.Lobby().Node().ID() ||
				m.Reason != room.ReplayEmpty || m.Bytes == 0 || m.Started.IsZero() {
				t.Errorf("listed %+v", m)
			}
			rec := get(srv, "/api/replays/"+m.ID)
			if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/octet-stream" || rec.Body.Len() != m.Bytes {
				t.Fatalf("GET the replay: status %d, type %q, %d bytes (listed %d)", rec.Code, rec.Header().Get("Content-Type"), rec.Body.Len(), m.Bytes)
			}
			file, err := replay.Read(rec.Body.Bytes())
			if err != nil || file.Header.Game != "line" || file.Header.Room != "second" || file.End.Reason != room.ReplayEmpty ||
				file.End.Tick-file.Keyframes[0].Tick != m.Ticks {
				t.Errorf("the file served: %v, %+v", err, file)
			}
			for _, path := range []string{"/api/replays/no-such-replay", "/api/replays/Bad.ID", "/api/replays/%2e%2e"} {
				if rec := get(srv, path); rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "replay") {
					t.Errorf("GET %s: status %d, %q; want 404 with the reason", path, rec.Code, rec.Body)
				}
			}
		})
	}
}

func TestNoRecordingRecordsNothing(t *testing.T) {
	t.Parallel()
	srv := startInProcess(t, Config{Replays: ReplaysConfig{Dir: t.TempDir()}}, room.For(testgame.Game{MaxPlayers: 4}))
	playAndLeave(t, srv, "unrecorded")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if l := waitForReplays(t, srv, 0); len(l) != 0 {
		t.Errorf("listed %v without -record", l)
	}
}

// TestReplayListDocMatches checks the JSON example of docs/PROTOCOL.md against GET /api/replays's
// types, as TestRoomListDocMatches does for the room list.
func TestReplayListDocMatches(t *testing.T) {
	t.Parallel()
	var v replaysJSON
	docMatches(t, "Replays", &v, replaysJSON{Replays: []replays.Meta{{}}})
	if len(v.Replays) != 1 || replays.CheckID(v.Replays[0].ID) != nil {
		t.Errorf("the doc's example %+v has no replay with a valid id", v)
	}
}
