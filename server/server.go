package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tickwire/tickwire/server/cluster"
	"github.com/tickwire/tickwire/server/gateway"
	"github.com/tickwire/tickwire/server/lobby"
	"github.com/tickwire/tickwire/server/replays"
	"github.com/tickwire/tickwire/server/room"
	"github.com/tickwire/tickwire/server/static"
)

// Config configures a server. Zero fields take the defaults given.
type Config struct {
	// WWW is the directory of the built web page (index.html, the wasm and its loader). Empty serves
	// no page, only /ws and /api.
	WWW string
	// Lobby sets rooms' limits and rates.
	Lobby lobby.Config
	// Gateway sets connections' limits.
	Gateway gateway.Config
	// Authenticator decides who joins or watches, from the hello (and the token the page put in
	// Hello.Auth): the game developer's code (see lobby.Authenticator). Nil, the default, lets
	// everyone in as a guest with the name it chose. It is Lobby.Authenticator, set from here.
	Authenticator lobby.Authenticator
	// Cluster configures this server's node of the cluster (see server/cluster): with no
	// Cluster.URLs, the default, an embedded NATS server in this process, so that a single server
	// needs nothing else; with URLs, the external NATS servers that make several servers one service
	// (then Cluster.TokenKey is required). Cluster.PublicURL defaults to ws://HOST:PORT/ws of the
	// listener given to Serve (localhost for an unspecified address). Cluster.Log defaults to Logger.
	Cluster cluster.Config
	// Replays says where the rooms' recordings are kept (Lobby.Record turns recording on) and
	// served from, at GET /api/replays.
	Replays ReplaysConfig
	// Logger receives every log line. Defaults to slog.Default().
	Logger *slog.Logger
}

// ReplaysConfig says where replays are kept (see server/replays).
type ReplaysConfig struct {
	// Dir is a directory of this node to keep them in (-replays). Empty, the default, keeps them in
	// the cluster's NATS object store (the bucket <prefix>_replays; with the embedded NATS server
	// too), where every node lists and serves them.
	Dir string
	// Keep is how many replays are kept, the newest; older ones are deleted. Defaults to 500.
	Keep int
	// MaxBytes bounds the cluster's replay bucket. Defaults to 1 GiB.
	MaxBytes int64
}

// maxListed is the most replays GET /api/replays lists.
const maxListed = 100

// Server hosts games over HTTP and WebSocket.
type Server struct {
	cfg     Config
	lobby   *lobby.Lobby
	gateway *gateway.Gateway
	http    *http.Server
	ctx     context.Context // ends at shutdown
	stop    context.CancelFunc

	startOnce sync.Once
	startErr  error
	loadDone  chan struct{} // closed when the load publisher has stopped; nil before Start

	// Replays: the store is set by New (a directory) or Start (the cluster's object store); the
	// saver with it, when rooms record.
	replays atomic.Pointer[replays.Store]
	saver   atomic.Pointer[replays.Saver]
}

// New returns a server hosting games; the first is the default game.
func New(cfg Config, games ...room.Factory) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	cfg.Lobby.Logger = cfg.Logger
	if cfg.Authenticator != nil {
		cfg.Lobby.Authenticator = cfg.Authenticator
	}
	cfg.Gateway.Logger = cfg.Logger
	if cfg.Replays.MaxBytes <= 0 {
		cfg.Replays.MaxBytes = 1 << 30
	}
	s := &Server{cfg: cfg}
	if cfg.Replays.Dir != "" {
		d, err := replays.OpenDir(cfg.Replays.Dir, cfg.Replays.Keep)
		if err != nil {
			return nil, err
		}
		for _, why := range d.Skipped() {
			cfg.Logger.Warn("replay metadata set aside (renamed .json.bad)", "cause", why)
		}
		s.setReplays(d)
	}
	if cfg.Lobby.Record {
		cfg.Lobby.OnReplay = s.saveReplay
	}
	done := cfg.Lobby.OnRoomsDone
	cfg.Lobby.OnRoomsDone = func() {
		if sv := s.saver.Load(); sv != nil {
			sv.Close() // the last rooms' replays, while the cluster is still there
		}
		if done != nil {
			done()
		}
	}
	s.cfg = cfg
	ctx, cancel := context.WithCancel(context.Background())
	l, err := lobby.New(ctx, cfg.Lobby, games...)
	if err != nil {
		cancel()
		return nil, err
	}
	s.lobby, s.gateway, s.ctx, s.stop = l, gateway.New(cfg.Gateway, l), ctx, cancel
	s.http = &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	return s, nil
}

// setReplays makes st the store replays are saved to and served from, with a saver when rooms
// record.
func (s *Server) setReplays(st replays.Store) {
	s.replays.Store(&st)
	if s.cfg.Lobby.Record {
		s.saver.Store(replays.NewSaver(st, 0, s.cfg.Logger))
	}
}

// saveReplay is the rooms' Config.OnReplay: it queues the file for the saver (never blocking the
// room), or drops it when there is no store.
func (s *Server) saveReplay(data []byte, m room.ReplayMeta) {
	sv := s.saver.Load()
	if sv == nil {
		s.cfg.Logger.Warn("replay dropped: no replay store", "game", m.Game, "room", m.Room)
		return
	}
	ticks := m.LastTick - m.FirstTick
	sv.Save(replays.Meta{ID: replays.NewID(m.Game, m.Room, m.Started), Game: m.Game, Room: m.Room,
		Players: m.Players, Started: m.Started, FirstTick: m.FirstTick, LastTick: m.LastTick, Ticks: ticks,
		TickRate: m.TickRate, Seconds: float64(ticks) / float64(max(1, m.TickRate)), Bytes: len(data),
		Node: m.Node, Reason: m.Reason}, data)
}

// Start joins the cluster (see Config.Cluster); addr is the listener's address, from which the
// default public URL is made. Serve calls it; call it yourself to place players before serving
// (tests do). Only the first call does anything.
func (s *Server) Start(ctx context.Context, addr net.Addr) error {
	s.startOnce.Do(func() { s.startErr = s.start(ctx, addr) })
	return s.startErr
}

func (s *Server) start(ctx context.Context, addr net.Addr) error {
	ccfg := s.cfg.Cluster
	if ccfg.PublicURL == "" {
		ccfg.PublicURL = PublicURL(addr)
		if len(ccfg.URLs) > 0 {
			s.cfg.Logger.Warn("no public URL set: other nodes will send players to the listener's own address; set -public-url to where browsers reach this node", "url", ccfg.PublicURL)
		}
	}
	if ccfg.Log == nil {
		ccfg.Log = s.cfg.Logger
	}
	if err := s.lobby.Start(ctx, ccfg); err != nil {
		return err
	}
	n := s.lobby.Node()
	s.cfg.Logger.Info("joined the cluster", "node", n.ID(), "url", n.PublicURL(), "nats", natsWhere(ccfg, n))
	if s.replays.Load() == nil {
		if bucket, err := n.Replays(ctx, s.cfg.Replays.MaxBytes); err != nil {
			// Replays are not worth refusing to serve games for: the rooms play on, unrecorded.
			s.cfg.Logger.Error("replays off: no replay store", "error", err)
		} else {
			s.setReplays(replays.NewObjectStore(bucket, s.cfg.Replays.Keep, ccfg.RequestTimeout))
		}
	}
	s.loadDone = make(chan struct{})
	every := ccfg.RefreshInterval
	if every <= 0 {
		every = loadInterval
	}
	go s.publishLoad(n, every, s.loadDone)
	return nil
}

// PublicURL is the default public WebSocket URL of a server listening on addr: ws://HOST:PORT/ws,
// with localhost for an unspecified address (set Config.Cluster.PublicURL for a real cluster).
func PublicURL(addr net.Addr) string {
	host, port := "localhost", "8080"
	if ta, ok := addr.(*net.TCPAddr); ok {
		port = fmt.Sprint(ta.Port)
		if !ta.IP.IsUnspecified() {
			host = ta.IP.String()
			if ta.IP.To4() == nil {
				host = "[" + host + "]"
			}
		}
	}
	return "ws://" + host + ":" + port + "/ws"
}

func natsWhere(c cluster.Config, n *cluster.Node) string {
	if len(c.URLs) > 0 {
		return fmt.Sprint(c.URLs)
	}
	if u := n.NATSURL(); u != "" {
		return "embedded, " + u
	}
	return "embedded"
}

// loadInterval is how often the server reports its load to its node when Cluster.RefreshInterval
// is not set (the node publishes it with its next registry refresh, at the same pace).
const loadInterval = time.Second

// publishLoad reports the lobby's players and rooms and the process's CPU use to the node every
// interval (the node's refresh interval: about once a second), until the server stops.
func (s *Server) publishLoad(n *cluster.Node, every time.Duration, done chan struct{}) {
	defer close(done)
	t := time.NewTicker(every)
	defer t.Stop()
	cpu := newCPUMeter(time.Now())
	for {
		players, rooms := s.lobby.Load()
		n.SetLoad(cluster.Load{Players: players, Rooms: rooms, CPU: cpu.cores(time.Now())})
		select {
		case <-t.C:
		case <-s.lobbyDone():
			return
		}
	}
}

// Handler returns the server's HTTP routes.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /ws", s.gateway)
	mux.HandleFunc("GET /api/rooms", s.rooms)
	mux.HandleFunc("GET /api/cluster", s.clusterJSON)
	mux.HandleFunc("GET /api/replays", s.listReplays)
	mux.HandleFunc("GET /api/replays/{id}", s.serveReplay)
	if s.cfg.WWW != "" {
		mux.Handle("GET /", static.Handler(s.cfg.WWW))
	}
	return mux
}

// roomsJSON is the body of GET /api/rooms.
type roomsJSON struct {
	// Games names the hosted games, the default first (kept for clients of the first version).
	Games    []string   `json:"games"`
	GameInfo []gameJSON `json:"gameInfo"`
	// Rooms lists the open public rooms; private ones are left out.
	Rooms []roomJSON `json:"rooms"`
}

type gameJSON struct {
	Name          string `json:"name"`
	TickRate      int    `json:"tickRate"`
	SnapshotRate  int    `json:"snapshotRate"`
	MaxPlayers    int    `json:"maxPlayers"`
	MaxSpectators int    `json:"maxSpectators"`
	Players       int    `json:"players"`
}

type roomJSON struct {
	Game          string `json:"game"`
	Name          string `json:"name"`
	Players       int    `json:"players"`
	MaxPlayers    int    `json:"maxPlayers"`
	Spectators    int    `json:"spectators"`
	MaxSpectators int    `json:"maxSpectators"`
	// Node is the id of the cluster node the room runs on.
	Node string `json:"node"`
}

// rooms serves GET /api/rooms: the hosted games, and every public room of the cluster from the
// directory this node keeps (the same on every node, within a directory update). A game's players
// are those of this node's rooms, private ones included, plus those of the other nodes' public
// rooms.
func (s *Server) rooms(w http.ResponseWriter, _ *http.Request) {
	out := roomsJSON{Games: s.lobby.Games(), GameInfo: []gameJSON{}, Rooms: []roomJSON{}}
	n := s.lobby.Node()
	var dir []cluster.RoomInfo
	if n != nil {
		dir = n.Rooms()
	}
	elsewhere := map[string]int{}
	for _, r := range dir {
		out.Rooms = append(out.Rooms, roomJSON{r.Game, r.Name, r.Players, r.Seats, r.Spectators, r.MaxSpectators, r.Node})
		if r.Node != n.ID() {
			elsewhere[r.Game] += r.Players
		}
	}
	for _, g := range s.lobby.GameInfos() {
		out.GameInfo = append(out.GameInfo, gameJSON{g.Name, g.TickRate, g.SnapshotRate, g.MaxPlayers, g.MaxSpectators, g.Players + elsewhere[g.Name]})
	}
	writeJSON(w, out)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(v)
}

// clusterJSON is the body of GET /api/cluster.
type clusterJSON struct {
	// Node is the id of the node that answered.
	Node  string     `json:"node"`
	Nodes []nodeJSON `json:"nodes"`
}

type nodeJSON struct {
	ID       string  `json:"id"`
	URL      string  `json:"url"`
	Players  int     `json:"players"`
	Rooms    int     `json:"rooms"`
	CPU      float64 `json:"cpu"` // cores busy
	Draining bool    `json:"draining"`
	// State is "live" or "draining"; a node that stopped refreshing its entry is not listed.
	State string `json:"state"`
}

// clusterJSON serves GET /api/cluster: every live node with its public URL, load and state.
func (s *Server) clusterJSON(w http.ResponseWriter, _ *http.Request) {
	out := clusterJSON{Nodes: []nodeJSON{}}
	if n := s.lobby.Node(); n != nil {
		out.Node = n.ID()
		for _, ni := range n.Nodes() {
			state := "live"
			if ni.Draining {
				state = "draining"
			}
			out.Nodes = append(out.Nodes, nodeJSON{ni.ID, ni.URL, ni.Players, ni.Rooms, ni.CPU, ni.Draining, state})
		}
	}
	writeJSON(w, out)
}

// replaysJSON is the body of GET /api/replays.
type replaysJSON struct {
	// Replays are the newest replays first, at most 100.
	Replays []replays.Meta `json:"replays"`
}

// listReplays serves GET /api/replays: the newest replays of the store (of the whole cluster, for
// the cluster's object store).
func (s *Server) listReplays(w http.ResponseWriter, _ *http.Request) {
	out := replaysJSON{Replays: []replays.Meta{}}
	if st := s.replays.Load(); st != nil {
		list, err := (*st).List(maxListed)
		if err != nil {
			s.cfg.Logger.Error("list replays", "error", err)
			http.Error(w, "cannot list the replays now", http.StatusServiceUnavailable)
			return
		}
		out.Replays = list
	}
	writeJSON(w, out)
}

// serveReplay serves GET /api/replays/{id}: the replay file, or 404 with the reason.
func (s *Server) serveReplay(w http.ResponseWriter, r *http.Request) {
	st := s.replays.Load()
	if st == nil {
		http.Error(w, "this server keeps no replays", http.StatusNotFound)
		return
	}
	id := r.PathValue("id")
	data, _, err := (*st).Open(id)
	switch {
	case errors.Is(err, replays.ErrNotFound):
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	case err != nil:
		s.cfg.Logger.Error("open replay", "replay", id, "error", err)
		http.Error(w, "cannot read the replay now", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", `attachment; filename="`+id+`.twr"`) // CheckID: no quote in it
	w.Header().Set("Cache-Control", "public, max-age=86400, immutable")        // an id names one file for ever
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	_, _ = w.Write(data)
}

// Lobby returns the server's lobby, to inspect rooms.
func (s *Server) Lobby() *lobby.Lobby { return s.lobby }

// startTimeout bounds joining the cluster in Serve.
const startTimeout = 30 * time.Second

// Serve joins the cluster (Start) if that is not done, then accepts connections on ln until
// Shutdown. It returns nil after a shutdown.
func (s *Server) Serve(ln net.Listener) error {
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	err := s.Start(ctx, ln.Addr())
	cancel()
	if err != nil {
		ln.Close()
		return err
	}
	if err := s.http.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Drain marks this node draining: no new room is placed on it (by it or any other node), while its
// rooms play on. It returns when no room is left, or when ctx ends; either way the caller then
// shuts the server down (ShutdownWith), which closes what is left with 1001.
func (s *Server) Drain(ctx context.Context) error {
	s.lobby.SetDraining(true)
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		if _, rooms := s.lobby.Load(); rooms == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			_, rooms := s.lobby.Load()
			return fmt.Errorf("%d rooms still running at the drain deadline: %w", rooms, ctx.Err())
		case <-t.C:
		}
	}
}

// HandOff marks this node draining and moves its rooms to other nodes (see lobby.Lobby.HandoffAll):
// each room's clients follow it and resume their seats there. It tries a few rounds, for rooms
// placed here before every node saw it draining, and returns how many rooms moved; the others play
// on here (Drain then waits for them).
func (s *Server) HandOff(ctx context.Context) (moved int, err error) {
	s.lobby.SetDraining(true)
	for round := range handoffRounds {
		m, rerr := s.lobby.HandoffAll(ctx)
		moved, err = moved+m, rerr
		if _, rooms := s.lobby.Load(); rooms == 0 || round == handoffRounds-1 || ctx.Err() != nil {
			break
		}
		select { // let the other nodes see this one draining, then look again
		case <-ctx.Done():
		case <-time.After(500 * time.Millisecond):
		}
	}
	return moved, err
}

// handoffRounds is how many times HandOff goes over the rooms.
const handoffRounds = 3

// Shutdown stops accepting connections, closes every client's connection with 1001 and a reason,
// stops the rooms and waits for them, and leaves the cluster, within ctx's deadline.
func (s *Server) Shutdown(ctx context.Context) error {
	return s.ShutdownWith(ctx, "server shutting down")
}

// ShutdownWith is Shutdown with the reason the clients are given.
func (s *Server) ShutdownWith(ctx context.Context, reason string) error {
	err := s.http.Shutdown(ctx) // stops new requests; WebSockets are hijacked, so it does not wait for them
	err = errors.Join(err, s.gateway.Shutdown(ctx, reason))
	s.stop()
	done := make(chan struct{})
	go func() { s.lobby.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		err = errors.Join(err, errors.New("rooms still running at the shutdown deadline"))
	}
	if s.loadDone != nil {
		<-s.loadDone
	}
	return err
}

// lobbyDone is closed once the server is shutting down.
func (s *Server) lobbyDone() <-chan struct{} { return s.ctx.Done() }
