// Package lobby finds a room for each player, anywhere in the cluster: it hosts the registered
// games, opens rooms on demand (claiming their names in the cluster's directory first), reserves
// seats for players other nodes send, auto-fills players into the fullest room with space, and
// closes rooms when they empty.
//
// Start with [New], then [Lobby.Start], which joins the cluster (an embedded NATS server when the
// config names none) with the lobby as the node's [cluster.Reserver]; then [Lobby.Enter] with each
// client's hello. A refusal is a [*wire.CloseError]: the close code and reason the connection ends
// with, decided here and only written by the gateway. A hello played on another node is answered
// with a *wire.CloseError of code CloseRedirect carrying the redirect (cluster.go says how a room is
// placed). [Lobby.Wait] waits for the rooms after the lobby's context ends, then leaves the cluster.
// Config.Authenticator (auth.go) lets the game's own code name or refuse each player.
package lobby

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tickwire/tickwire/server/cluster"
	"github.com/tickwire/tickwire/server/room"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
)

// Config sets the lobby's limits. Zero fields take the defaults given.
type Config struct {
	// MaxRooms is the most rooms open at once, over all games. Defaults to 1000.
	MaxRooms int
	// MaxPlayers overrides every game's seats per room when positive.
	MaxPlayers int
	// MaxSpectators is the most spectators per room, apart from the seats. Defaults to 32.
	MaxSpectators int
	// TickRate overrides every game's tick rate when positive.
	TickRate int
	// SnapshotRate overrides every game's snapshots per second when positive (a game that states none
	// gets 20).
	SnapshotRate int
	// FullSnapshots turns delta snapshots off (see room.Config).
	FullSnapshots bool
	// SeeEverything turns interest management off (see room.Config).
	SeeEverything bool
	// ResumeGrace is how long a lost player's seat is held (see room.Config). Defaults to 30 s.
	ResumeGrace time.Duration
	// Logger receives the lobby's and rooms' logs. Defaults to slog.Default().
	Logger *slog.Logger
	// Seed returns the seed of a new room's state. Defaults to a counter.
	Seed func() uint64
	// Observer is told when rooms open and close and seats are taken and freed. Nil observes nothing.
	Observer Observer
	// Authenticator decides who joins or watches (see auth.go). Nil, the default, lets everyone in
	// as a guest with the name its hello chose.
	Authenticator Authenticator
	// CheckpointInterval is how often each room writes its capture to the cluster's checkpoint
	// bucket, from which another node restores it if this one dies (handoff.go). Defaults to 1 s;
	// negative turns checkpoints off (a dead node's rooms are then lost with it).
	CheckpointInterval time.Duration
	// Record has every room record its matches (see room.Config.Record) and hand each replay file to
	// OnReplay, from the room's goroutine (it must not block). Defaults to false.
	Record   bool
	OnReplay func(data []byte, meta room.ReplayMeta)
	// RecordGames, when not empty, limits Record to the rooms of the games it names (each must be
	// hosted: New refuses another). Empty, the default, records every game's rooms.
	RecordGames []string
	// OnRoomsDone is called by Wait once every room has returned, before the node leaves the
	// cluster: the server saves the last rooms' replays there, while the cluster's object store is
	// still reachable. Nil does nothing.
	OnRoomsDone func()
}

// Observer is told when rooms open and close and seats are taken and freed, for metrics
// (server/metrics implements it). Its methods are called with the lobby's lock held: they must be
// quick and must not call the lobby.
type Observer interface {
	// RoomOpened reports a new room of game and returns the observer of its ticks, or nil.
	RoomOpened(game string) room.Observer
	// RoomClosed reports that a room of game closed.
	RoomClosed(game string)
	// Seats reports n seats taken (n > 0) or freed (n < 0) in rooms of game.
	Seats(game string, n int)
}

type nopObserver struct{}

func (nopObserver) RoomOpened(string) room.Observer { return nil }
func (nopObserver) RoomClosed(string)               {}
func (nopObserver) Seats(string, int)               {}

// Lobby hosts games and their rooms.
type Lobby struct {
	cfg   Config
	games map[string]room.Factory
	first string // the default game

	ctx  context.Context
	wg   sync.WaitGroup
	mu   sync.Mutex
	open map[roomKey]*entry
	// opening holds, for each name being claimed in the directory by this lobby, a channel closed
	// when the claim has ended (the room opened or not), so that two hellos for one new name here
	// open it once.
	opening  map[roomKey]chan struct{}
	auto     map[string]int // per game, the number of the next auto-named room
	seed     uint64
	draining bool
	// stopped is set by Wait: from then on no room opens and no goroutine joins wg (a WaitGroup
	// must not grow while it is waited on); Leave removes this node's rooms from the directory.
	stopped bool

	node atomic.Pointer[cluster.Node] // set by Start
	// adopting counts the adoptions under way (handoff.go): Wait waits for them before the rooms,
	// since an adoption whose directory take-over succeeded must start its room.
	adopting sync.WaitGroup
	ledger   cluster.Ledger // reservations already honoured
}

type roomKey struct{ game, name string }

type entry struct {
	key      roomKey
	room     room.Room
	private  bool // left out of the room list
	max      int
	taken    map[sim.PlayerID]bool
	nextID   sim.PlayerID
	watchers int // spectators
	maxWatch int
	closed   bool
	// holds are the seats reserved for players another node is sending here, by reservation id, with
	// their expiry; they count as taken until honoured or expired.
	holds    map[string]time.Time
	released bool          // its directory entry was (or is being) removed, or is another node's now
	moved    bool          // the room runs on another node now (handed off, or taken over): so does its checkpoint
	dropped  bool          // its checkpoint was dropped
	ended    chan struct{} // closed when the room's Run has returned
}

// New returns a lobby hosting the given games; the first is the default. Rooms run until ctx is done.
func New(ctx context.Context, cfg Config, games ...room.Factory) (*Lobby, error) {
	if len(games) == 0 {
		return nil, fmt.Errorf("lobby: no games")
	}
	if cfg.MaxRooms <= 0 {
		cfg.MaxRooms = 1000
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Observer == nil {
		cfg.Observer = nopObserver{}
	}
	if cfg.CheckpointInterval == 0 {
		cfg.CheckpointInterval = time.Second
	}
	l := &Lobby{cfg: cfg, games: map[string]room.Factory{}, ctx: ctx, open: map[roomKey]*entry{},
		opening: map[roomKey]chan struct{}{}, auto: map[string]int{}}
	for _, g := range games {
		name := g.Info().Name
		if err := CheckRoomName(name); err != nil || name == "" {
			return nil, fmt.Errorf("lobby: game name %q: must be 1–32 of a-z, 0-9 and '-'", name)
		}
		if _, dup := l.games[name]; dup {
			return nil, fmt.Errorf("lobby: game %q registered twice", name)
		}
		l.games[name] = g
	}
	l.first = games[0].Info().Name
	for _, g := range cfg.RecordGames {
		if _, ok := l.games[g]; !ok {
			return nil, fmt.Errorf("lobby: RecordGames names %q, which is not hosted (hosted: %s)", g, strings.Join(l.Games(), ", "))
		}
	}
	return l, nil
}

// Games returns the names of the hosted games, the default first.
func (l *Lobby) Games() []string {
	names := slices.Sorted(maps.Keys(l.games))
	i := slices.Index(names, l.first)
	return append([]string{l.first}, slices.Delete(names, i, i+1)...)
}

// Enter places the client a hello describes, or says why not: a player with a resume token gets
// the seat it names back (the hello's game, room and name are not looked at); a player with a
// reservation the seat another node reserved here; a spectator gets a place to watch from; any
// other player a seat, in the named room (opened, private when the hello asks, if it is not open
// anywhere in the cluster) or, with no room name, in the fullest public room of the game with a free
// seat in the cluster (a new one, on the least-loaded node, when none has). A seat on another node
// is answered with a redirect (a *wire.CloseError with code CloseRedirect). Enter may wait for the
// cluster (a claim, a reservation on another node), at most a few seconds.
func (l *Lobby) Enter(h wire.Hello, p room.Peer) (room.Seat, *wire.CloseError) {
	n := l.node.Load()
	if n == nil {
		return nil, wire.Closef(wire.CloseServerError, "the server has not joined its cluster yet; try again")
	}
	switch {
	case h.Resume != "" && !h.Spectate:
		return l.resume(n, h, p)
	case h.Reservation != "" && !h.Spectate:
		return l.redeem(n, h.Reservation, p)
	case h.Private && h.Room == "" && !h.Spectate:
		return nil, wire.Closef(wire.CloseBadRoom, "a private room needs a name")
	}
	h, refused := l.authenticate(h)
	if refused != nil {
		return nil, refused
	}
	if h.Spectate {
		return l.watch(n, h.Game, h.Room, h.Name, p)
	}
	return l.join(n, h.Game, h.Room, h.Name, h.Private, p)
}

// GameInfo describes a hosted game as its rooms run on this server.
type GameInfo struct {
	Name                                              string
	TickRate, SnapshotRate, MaxPlayers, MaxSpectators int
	// Players is the number of players in all its rooms, private ones included.
	Players int
}

// GameInfos describes the hosted games, the default first.
func (l *Lobby) GameInfos() []GameInfo {
	players := map[string]int{}
	l.mu.Lock()
	for k, e := range l.open {
		players[k.game] += len(e.taken)
	}
	l.mu.Unlock()
	var out []GameInfo
	for _, name := range l.Games() {
		info := l.games[name].Info()
		cfg := room.Resolve(info, l.roomConfig())
		out = append(out, GameInfo{Name: name, TickRate: cfg.TickRate, SnapshotRate: cfg.SnapshotRate,
			MaxPlayers: cfg.MaxPlayers, MaxSpectators: cfg.MaxSpectators, Players: players[name]})
	}
	return out
}

// roomConfig is what the lobby's configuration sets in every room.
func (l *Lobby) roomConfig() room.Config {
	return room.Config{TickRate: l.cfg.TickRate, SnapshotRate: l.cfg.SnapshotRate, MaxPlayers: l.cfg.MaxPlayers,
		MaxSpectators: l.cfg.MaxSpectators, Logger: l.cfg.Logger,
		FullSnapshots: l.cfg.FullSnapshots, SeeEverything: l.cfg.SeeEverything, ResumeGrace: l.cfg.ResumeGrace,
		Record: l.cfg.Record, OnReplay: l.cfg.OnReplay}
}

// unwatch frees a spectator's place.
func (l *Lobby) unwatch(e *entry) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e.watchers--
	l.publish(e)
}

// openRoom starts the room key, whose name this node has claimed in the directory. l.mu is held.
func (l *Lobby) openRoom(n *cluster.Node, key roomKey, f room.Factory, private bool) *entry {
	l.seed++
	e := l.newEntry(key, private)
	rc := e.config(l, n)
	rc.Seed = l.seed
	if l.cfg.Seed != nil {
		rc.Seed = l.cfg.Seed()
	}
	e.room = f.New(rc)
	e.max = e.room.Config().MaxPlayers
	e.maxWatch = e.room.Config().MaxSpectators
	l.start(e)
	return e
}

// nextFree returns an unused player id, counting up and wrapping below the avatar id range.
func (e *entry) nextFree() sim.PlayerID {
	for e.taken[e.nextID] || e.nextID == 0 {
		e.nextID = (e.nextID + 1) % (1 << 16)
	}
	id := e.nextID
	e.nextID = (e.nextID + 1) % (1 << 16)
	return id
}

// leave frees a seat; the last player out closes the room.
func (l *Lobby) leave(key roomKey, e *entry, id sim.PlayerID) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if e.taken[id] {
		delete(e.taken, id)
		l.cfg.Observer.Seats(key.game, -1)
	}
	l.closeIfEmpty(e, time.Now())
	l.publish(e)
}

// closeIfEmpty closes e if it has no player and no live reservation. l.mu is held.
func (l *Lobby) closeIfEmpty(e *entry, now time.Time) {
	e.pruneHolds(now)
	if len(e.taken) > 0 || len(e.holds) > 0 || e.closed {
		return
	}
	e.closed = true
	if l.open[e.key] == e {
		delete(l.open, e.key)
		l.cfg.Observer.RoomClosed(e.key.game)
	}
	l.release(e)
	l.dropCheckpoint(e)
	e.room.Stop(wire.CloseNormal, "room closed")
}

// closed forgets a room that stopped, whatever stopped it.
func (l *Lobby) closed(key roomKey, e *entry) {
	l.mu.Lock()
	defer l.mu.Unlock()
	defer close(e.ended) // OnClose runs once
	e.closed = true
	if l.open[key] == e {
		delete(l.open, key)
		l.cfg.Observer.RoomClosed(key.game)
	}
	l.release(e)
	l.dropCheckpoint(e)
	// A room that stopped with players in it (a shutdown, a panic) calls OnLeave no more: their seats
	// are gone with it.
	if n := len(e.taken); n > 0 {
		l.cfg.Observer.Seats(key.game, -n)
	}
}

// RoomInfo describes an open room.
type RoomInfo struct {
	Game       string
	Name       string
	Players    int
	MaxPlayers int
	// Spectators watch the room, at most MaxSpectators.
	Spectators, MaxSpectators int
	// Private rooms are joined by name only; a public list leaves them out.
	Private bool
	// TickRate and SnapshotRate are the room's steps and snapshots per second.
	TickRate, SnapshotRate int
	Tick                   uint32
	Stats                  room.TickStats
}

// Rooms lists the open rooms, sorted by game and name.
func (l *Lobby) Rooms() []RoomInfo {
	l.mu.Lock()
	var out []RoomInfo
	for k, e := range l.open {
		cfg := e.room.Config()
		out = append(out, RoomInfo{Game: k.game, Name: k.name, Players: len(e.taken), MaxPlayers: e.max,
			Spectators: e.watchers, MaxSpectators: e.maxWatch, Private: e.private,
			TickRate: cfg.TickRate, SnapshotRate: cfg.SnapshotRate, Tick: e.room.Tick(), Stats: e.room.Stats()})
	}
	l.mu.Unlock()
	slices.SortFunc(out, func(a, b RoomInfo) int { return strings.Compare(a.Game+"/"+a.Name, b.Game+"/"+b.Name) })
	return out
}

// Wait blocks until every room has stopped (after the lobby's context is done), then leaves the
// cluster: this node and its rooms leave every node's view at once.
func (l *Lobby) Wait() {
	l.mu.Lock()
	l.stopped = true
	l.mu.Unlock()
	if n := l.node.Load(); n != nil {
		n.SetDraining(true) // no node places a room here while the rooms stop
	}
	l.adopting.Wait()
	l.wg.Wait()
	if l.cfg.OnRoomsDone != nil {
		l.cfg.OnRoomsDone()
	}
	if n := l.node.Load(); n != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := n.Leave(ctx); err != nil {
			l.cfg.Logger.Warn("leave the cluster", "err", err)
		}
	}
}

// Name limits.
const (
	MaxNameRunes = 20
	MaxRoomRunes = 32
)

// CheckPlayerName validates a display name and returns it with surrounding space trimmed: 1 to
// MaxNameRunes letters, digits, spaces and common punctuation; no control or invisible characters.
func CheckPlayerName(name string) (string, error) {
	name = strings.TrimSpace(name)
	switch n := utf8.RuneCountInString(name); {
	case !utf8.ValidString(name):
		return "", fmt.Errorf("not valid UTF-8")
	case n == 0:
		return "", fmt.Errorf("empty")
	case n > MaxNameRunes:
		return "", fmt.Errorf("%d characters, at most %d allowed", n, MaxNameRunes)
	}
	for _, r := range name {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == ' ' || strings.ContainsRune("-_.'!?", r)) {
			return "", fmt.Errorf("character %q is not allowed (letters, digits, spaces and - _ . ' ! ? are)", r)
		}
	}
	return name, nil
}

// CheckRoomName validates a room name: empty (meaning any room), or 1 to MaxRoomRunes of a-z, 0-9
// and '-'.
func CheckRoomName(name string) error {
	if len(name) > MaxRoomRunes {
		return fmt.Errorf("%d characters, at most %d allowed", len(name), MaxRoomRunes)
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return fmt.Errorf("character %q is not allowed (a-z, 0-9 and - are)", r)
		}
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
