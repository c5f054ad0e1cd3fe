package lobby

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tickwire/tickwire/internal/testgame"
	"github.com/tickwire/tickwire/server/cluster"
	"github.com/tickwire/tickwire/server/room"
	"github.com/tickwire/tickwire/shared/wire"
)

type nopPeer struct {
	mu     sync.Mutex
	closed wire.CloseCode
}

func (*nopPeer) Send([]byte)         {}
func (*nopPeer) SendSnapshot([]byte) {}
func (p *nopPeer) Close(ce *wire.CloseError) {
	p.mu.Lock()
	p.closed = ce.Code
	p.mu.Unlock()
}

// join enters l with a player's hello, as the gateway does.
func join(l *Lobby, game, roomName, name string, p room.Peer) (room.Seat, *wire.CloseError) {
	return l.Enter(wire.Hello{Version: wire.ProtocolVersion, Game: game, Room: roomName, Name: name}, p)
}

// watch enters l with a spectator's hello.
func watch(l *Lobby, game, roomName, name string, p room.Peer) (room.Seat, *wire.CloseError) {
	return l.Enter(wire.Hello{Version: wire.ProtocolVersion, Game: game, Room: roomName, Name: name, Spectate: true}, p)
}

func newLobby(t *testing.T, cfg Config) *Lobby {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	l, err := New(ctx, cfg, room.For(testgame.Game{MaxPlayers: 2}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); l.Wait() })
	start(t, l)
	return l
}

// start joins l to a cluster of its own, on an embedded NATS server (a few milliseconds).
func start(t testing.TB, l *Lobby) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := l.Start(ctx, cluster.Config{PublicURL: "ws://lobby.test/ws"}); err != nil {
		t.Fatal(err)
	}
}

func TestAutoFillPacksRoomsThenOpensNew(t *testing.T) {
	t.Parallel()
	l := newLobby(t, Config{})
	for range 5 {
		if _, ref := join(l, "", "", "p", &nopPeer{}); ref != nil {
			t.Fatal(ref)
		}
	}
	rooms := l.Rooms()
	var got []string
	for _, r := range rooms {
		got = append(got, r.Name)
		if r.Players > r.MaxPlayers {
			t.Errorf("room %s has %d of %d seats taken", r.Name, r.Players, r.MaxPlayers)
		}
	}
	if strings.Join(got, ",") != "line-1,line-2,line-3" {
		t.Errorf("rooms %v, want line-1..3 for 5 players in rooms of 2", got)
	}
}

// TestAutoFillUsesNamedPublicRoomsWithSpace: a player who asks for any room joins the fullest
// public room with a free seat, one a player named included, before a room is opened; private and
// full rooms are passed over.
func TestAutoFillUsesNamedPublicRoomsWithSpace(t *testing.T) {
	t.Parallel()
	l, err := New(t.Context(), Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, room.For(testgame.Game{MaxPlayers: 3}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Wait)
	start(t, l)
	enter := func(h wire.Hello) {
		t.Helper()
		h.Version = wire.ProtocolVersion
		if _, ref := l.Enter(h, &nopPeer{}); ref != nil {
			t.Fatal(ref)
		}
	}
	enter(wire.Hello{Room: "secret", Name: "p", Private: true})
	enter(wire.Hello{Room: "secret", Name: "p"})
	enter(wire.Hello{Room: "full", Name: "p"})
	enter(wire.Hello{Room: "full", Name: "p"})
	enter(wire.Hello{Room: "full", Name: "p"})
	enter(wire.Hello{Room: "friends", Name: "p"})
	enter(wire.Hello{Room: "zoo", Name: "p"})
	enter(wire.Hello{Room: "zoo", Name: "p"})
	players := func(name string) int {
		for _, r := range l.Rooms() {
			if r.Name == name {
				return r.Players
			}
		}
		return 0
	}
	// Any room: zoo (2 of 3) before friends (1 of 3); then friends, twice; then a new room.
	enter(wire.Hello{Name: "p"})
	if n := players("zoo"); n != 3 {
		t.Fatalf("zoo has %d players after the first auto-fill, want 3: the fullest room with space first", n)
	}
	for range 3 {
		enter(wire.Hello{Name: "p"})
	}
	got := map[string]int{}
	for _, r := range l.Rooms() {
		got[r.Name] = r.Players
	}
	want := map[string]int{"secret": 2, "full": 3, "friends": 3, "zoo": 3, "line-1": 1}
	if len(got) != len(want) {
		t.Fatalf("rooms %v, want %v", got, want)
	}
	for name, n := range want {
		if got[name] != n {
			t.Errorf("rooms %v, want %v", got, want)
			break
		}
	}
}

func TestRefusals(t *testing.T) {
	t.Parallel()
	l := newLobby(t, Config{MaxRooms: 2})
	for range 2 {
		if _, ref := join(l, "line", "party", "p", &nopPeer{}); ref != nil {
			t.Fatal(ref)
		}
	}
	tests := []struct {
		name, game, room, player string
		want                     wire.CloseCode
	}{
		{"full named room", "", "party", "p", wire.CloseRoomFull},
		{"unknown game", "chess", "", "p", wire.CloseUnknownGame},
		{"empty name", "", "", "   ", wire.CloseBadName},
		{"long name", "", "", strings.Repeat("a", MaxNameRunes+1), wire.CloseBadName},
		{"control character in name", "", "", "a\x00b", wire.CloseBadName},
		{"upper-case room", "", "Party", "p", wire.CloseBadRoom},
		{"long room", "", strings.Repeat("r", MaxRoomRunes+1), "p", wire.CloseBadRoom},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ref := join(l, tt.game, tt.room, tt.player, &nopPeer{})
			if ref == nil || ref.Code != tt.want || ref.Reason == "" {
				t.Errorf("refusal %v, want code %d with a reason", ref, tt.want)
			}
		})
	}
	// Two rooms are open ("party" and one auto room is allowed); a third is refused.
	if _, ref := join(l, "", "other", "p", &nopPeer{}); ref != nil {
		t.Fatalf("second room: %v", ref)
	}
	if _, ref := join(l, "", "third", "p", &nopPeer{}); ref == nil || ref.Code != wire.CloseServerFull {
		t.Errorf("third room: %v, want CloseServerFull", ref)
	}
}

func TestLastLeaveClosesTheRoomAndFreesSeats(t *testing.T) {
	t.Parallel()
	l := newLobby(t, Config{})
	a, _ := join(l, "", "x", "a", &nopPeer{})
	b, _ := join(l, "", "x", "b", &nopPeer{})
	if a.Player() == b.Player() {
		t.Fatalf("two players got id %d", a.Player())
	}
	a.Leave()
	waitFor(t, func() bool { return len(l.Rooms()) == 1 && l.Rooms()[0].Players == 1 })
	b.Leave()
	waitFor(t, func() bool { return len(l.Rooms()) == 0 })
	if _, ref := join(l, "", "x", "c", &nopPeer{}); ref != nil {
		t.Errorf("rejoining a closed room's name: %v", ref)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 5 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestCheckPlayerName pins the name rules as docs/PROTOCOL.md states them: surrounding white space
// (Unicode's) is trimmed first; then 1 to 20 characters (code points, not bytes), each a Unicode
// letter or digit, a space (U+0020 only) or one of - _ . ' ! ?
func TestCheckPlayerName(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, in, want string // want "" when refused
	}{
		{"plain", "Ann", "Ann"},
		{"trimmed first", "  Zoë \t", "Zoë"},
		{"trimmed of Unicode space", "\u00a0Ann\u2003", "Ann"},
		{"punctuation", "Dr. Who? it's_me-!", "Dr. Who? it's_me-!"},
		{"letters of any script", "日本語 Ελένη", "日本語 Ελένη"},
		{"digits of any script", "٣ and 3", "٣ and 3"},
		{"20 characters of 2 bytes", strings.Repeat("é", 20), strings.Repeat("é", 20)},
		{"20 characters after trimming", "  " + strings.Repeat("a", 20) + "  ", strings.Repeat("a", 20)},
		{"21 characters", strings.Repeat("é", 21), ""},
		{"empty", "", ""},
		{"only space", "   ", ""},
		{"inner tab", "a\tb", ""},
		{"inner no-break space", "a\u00a0b", ""},
		{"symbols", "<script>", ""},
		{"emoji", "Ann 🙂", ""},
		{"zero-width space", "\u200bx", ""},
		{"invalid UTF-8", "\xff", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := CheckPlayerName(tt.in)
			if tt.want == "" && err == nil {
				t.Errorf("CheckPlayerName(%q) = %q, want a refusal", tt.in, got)
			}
			if tt.want != "" && (err != nil || got != tt.want) {
				t.Errorf("CheckPlayerName(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestEachGameKeepsItsRatesUnlessOverridden(t *testing.T) {
	t.Parallel()
	games := []room.Factory{
		room.For(testgame.Game{Name: "slow", TickRate: 10}),
		room.For(testgame.Game{Name: "fast", TickRate: 60, SnapshotRate: 30}),
	}
	rates := func(cfg Config) map[string][2]int {
		ctx, cancel := context.WithCancel(context.Background())
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
		l, err := New(ctx, cfg, games...)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { cancel(); l.Wait() }()
		start(t, l)
		for _, g := range []string{"slow", "fast"} {
			if _, ref := join(l, g, "", "p", &nopPeer{}); ref != nil {
				t.Fatal(ref)
			}
		}
		got := map[string][2]int{}
		for _, r := range l.Rooms() {
			got[r.Game] = [2]int{r.TickRate, r.SnapshotRate}
		}
		return got
	}
	if got := rates(Config{}); got["slow"] != [2]int{10, 10} || got["fast"] != [2]int{60, 30} {
		t.Errorf("without overrides: %v, want slow 10/10 (20 capped at the tick rate) and fast 60/30", got)
	}
	if got := rates(Config{TickRate: 20, SnapshotRate: 5}); got["slow"] != [2]int{20, 5} || got["fast"] != [2]int{20, 5} {
		t.Errorf("with overrides: %v, want 20/5 for both", got)
	}
}

// TestRecordGamesLimitsRecording: with RecordGames only the rooms of the games it names record;
// without it every game's do; a name that is not hosted is refused when the lobby is made.
func TestRecordGamesLimitsRecording(t *testing.T) {
	t.Parallel()
	games := []room.Factory{room.For(testgame.Game{Name: "slow"}), room.For(testgame.Game{Name: "fast"})}
	ctx := context.Background()
	for _, tc := range []struct {
		cfg        Config
		slow, fast bool
	}{
		{Config{Record: true}, true, true},
		{Config{Record: true, RecordGames: []string{"fast"}}, false, true},
		{Config{Record: false, RecordGames: []string{"fast"}}, false, false},
	} {
		l, err := New(ctx, tc.cfg, games...)
		if err != nil {
			t.Fatal(err)
		}
		if l.records("slow") != tc.slow || l.records("fast") != tc.fast {
			t.Errorf("%+v: slow records %v, fast %v; want %v, %v", tc.cfg, l.records("slow"), l.records("fast"), tc.slow, tc.fast)
		}
	}
	if _, err := New(ctx, Config{Record: true, RecordGames: []string{"chess"}}, games...); err == nil || !strings.Contains(err.Error(), `"chess"`) {
		t.Errorf("RecordGames naming a game not hosted: %v; want an error naming it", err)
	}
}
