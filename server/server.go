package server

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/tickwire/tickwire/server/gateway"
	"github.com/tickwire/tickwire/server/lobby"
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
	// Logger receives every log line. Defaults to slog.Default().
	Logger *slog.Logger
}

// Server hosts games over HTTP and WebSocket.
type Server struct {
	cfg     Config
	lobby   *lobby.Lobby
	gateway *gateway.Gateway
	http    *http.Server
	stop    context.CancelFunc
}

// New returns a server hosting games; the first is the default game.
func New(cfg Config, games ...room.Factory) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	cfg.Lobby.Logger = cfg.Logger
	cfg.Gateway.Logger = cfg.Logger
	ctx, cancel := context.WithCancel(context.Background())
	l, err := lobby.New(ctx, cfg.Lobby, games...)
	if err != nil {
		cancel()
		return nil, err
	}
	s := &Server{cfg: cfg, lobby: l, gateway: gateway.New(cfg.Gateway, l), stop: cancel}
	s.http = &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	return s, nil
}

// Handler returns the server's HTTP routes.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /ws", s.gateway)
	mux.HandleFunc("GET /api/rooms", s.rooms)
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
}

func (s *Server) rooms(w http.ResponseWriter, _ *http.Request) {
	out := roomsJSON{Games: s.lobby.Games(), GameInfo: []gameJSON{}, Rooms: []roomJSON{}}
	for _, g := range s.lobby.GameInfos() {
		out.GameInfo = append(out.GameInfo, gameJSON{g.Name, g.TickRate, g.SnapshotRate, g.MaxPlayers, g.MaxSpectators, g.Players})
	}
	for _, r := range s.lobby.Rooms() {
		if !r.Private {
			out.Rooms = append(out.Rooms, roomJSON{r.Game, r.Name, r.Players, r.MaxPlayers, r.Spectators, r.MaxSpectators})
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(out)
}

// Lobby returns the server's lobby, to inspect rooms.
func (s *Server) Lobby() *lobby.Lobby { return s.lobby }

// Serve accepts connections on ln until Shutdown. It returns nil after a shutdown.
func (s *Server) Serve(ln net.Listener) error {
	if err := s.http.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Shutdown stops accepting connections, closes every client's connection with 1001 and a reason,
// stops the rooms and waits for them, within ctx's deadline.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.http.Shutdown(ctx) // stops new requests; WebSockets are hijacked, so it does not wait for them
	err = errors.Join(err, s.gateway.Shutdown(ctx, "server shutting down"))
	s.stop()
	done := make(chan struct{})
	go func() { s.lobby.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		err = errors.Join(err, errors.New("rooms still running at the shutdown deadline"))
	}
	return err
}
