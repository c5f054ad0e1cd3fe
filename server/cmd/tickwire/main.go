// Command tickwire runs the tickwire game server with every game registered in a game_NAME.go file
// beside this one (the arena is the default): it serves the web page, the WebSocket endpoint and the
// room list on one port, and with -admin-addr Prometheus metrics, pprof profiles, POST /drain and
// POST /handoff?game=G&room=R (move one room to another node) on another.
//
// Alone it runs an embedded NATS server and needs nothing else; with -nats (and -token-key, and
// -public-url where browsers reach it, and -nats-replicas with a NATS cluster) several of them are
// one game service: see docs/SCALING.md.
// SIGTERM (or POST /drain on the admin listener) drains the node: no new room is placed on it, each
// of its rooms moves to another node with its state, its players following it (-handoff, on by
// default; see docs/SCALING.md), and the rooms that cannot move play on until they empty or
// -drain-timeout passes; then it closes what is left with 1001 and exits. SIGINT (Ctrl-C) shuts down
// at once. Every room also saves its state to NATS every -checkpoint-interval, so that another node
// restores it if this one dies without warning.
//
// Every room records its matches (-record, on by default) as replays kept in the cluster's NATS
// object store, or in -replays DIR on this server, the -replays-keep newest of them: GET
// /api/replays lists them, GET /api/replays/ID serves one, and the page plays it at /?replay=ID.
//
// Every flag can also be set by an environment variable named TICKWIRE_ and the flag's name in upper
// case with '-' as '_' (for example -addr and TICKWIRE_ADDR); a flag on the command line wins.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/tickwire/tickwire/server"
	"github.com/tickwire/tickwire/server/cluster"
	"github.com/tickwire/tickwire/server/lobby"
	"github.com/tickwire/tickwire/server/metrics"
	"github.com/tickwire/tickwire/shared/netsim"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "tickwire:", err)
			os.Exit(1)
		}
	}
}

type options struct {
	addr, adminAddr, www               string
	origins, logFormat                 string
	tickRate, snapshotRate, maxPlayers int
	maxRooms                           int
	deltas, interest                   bool
	readLimit                          int64
	handshakeTimeout, shutdownTimeout  time.Duration
	pingInterval, pongWait, slowAfter  time.Duration
	resumeGrace                        time.Duration
	messageRate                        float64
	maxConnsPerIP                      int
	trustedProxies                     string
	netSim                             netsim.Profile
	nats, publicURL, nodeID, tokenKey  string
	drainTimeout                       time.Duration
	handoff                            bool
	checkpointInterval                 time.Duration
	natsReplicas                       int
	record                             bool
	recordGames                        string
	replays                            string
	replaysKeep                        int
}

// profileFlag is -netsim's value: a profile in the form netsim.Parse reads.
type profileFlag struct{ p *netsim.Profile }

func (f profileFlag) String() string {
	if f.p == nil { // the flag package asks a zero value for its default
		return "off"
	}
	return f.p.String()
}

func (f profileFlag) Set(s string) error {
	p, err := netsim.Parse(s)
	if err != nil {
		return err
	}
	*f.p = p
	return nil
}

func parse(args []string, stderr io.Writer, getenv func(string) string) (options, error) {
	var o options
	fs := flag.NewFlagSet("tickwire", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.addr, "addr", ":8080", "address to listen on")
	fs.StringVar(&o.adminAddr, "admin-addr", "", "address of the admin listener serving /metrics (Prometheus) and /debug/pprof/; empty: off. Keep it private, e.g. 127.0.0.1:9090")
	fs.StringVar(&o.www, "www", "dist/www", "directory of the built web page (go tool mage build makes it)")
	fs.IntVar(&o.tickRate, "tick-rate", 0, "simulation steps per second for every game (0: each game's own; the arena's is 30)")
	fs.IntVar(&o.snapshotRate, "snapshot-rate", 0, "snapshots per second sent to each client, at most the tick rate (0: each game's own, else 20)")
	fs.IntVar(&o.maxPlayers, "max-players", 0, "seats per room (0: each game's own; the arena has 16)")
	fs.IntVar(&o.maxRooms, "max-rooms", 1000, "most rooms open at once")
	fs.Int64Var(&o.readLimit, "read-limit", 4096, "largest frame a client may send, in bytes (larger closes with 1009)")
	fs.DurationVar(&o.handshakeTimeout, "handshake-timeout", 5*time.Second, "time a client has to send its hello")
	fs.DurationVar(&o.shutdownTimeout, "shutdown-timeout", 10*time.Second, "time allowed for a graceful shutdown")
	fs.StringVar(&o.origins, "origins", "", "comma-separated extra origin patterns allowed to open WebSockets (default: same origin only)")
	fs.StringVar(&o.logFormat, "log-format", "text", "log format: text or json")
	fs.DurationVar(&o.pingInterval, "ping-interval", 10*time.Second, "how often the server pings each client")
	fs.DurationVar(&o.pongWait, "pong-wait", 10*time.Second, "how long a ping may go unanswered before the connection closes (4014)")
	fs.Float64Var(&o.messageRate, "message-rate", 120, "frames a second a client may send, sustained, with bursts of half that (more closes with 1008)")
	fs.IntVar(&o.maxConnsPerIP, "max-conns-per-ip", 32, "connections one address may hold (more close with 1008)")
	fs.StringVar(&o.trustedProxies, "trusted-proxies", "", "comma-separated CIDRs of proxies whose X-Forwarded-For is believed (default: none)")
	fs.DurationVar(&o.resumeGrace, "resume-grace", 30*time.Second, "how long a lost player's seat is held for it to come back (resume)")
	fs.DurationVar(&o.slowAfter, "slow-timeout", 5*time.Second, "how long a client may stay behind its snapshots before it is closed (4010)")
	fs.BoolVar(&o.deltas, "deltas", true, "send snapshots as deltas against the newest one each client acknowledged")
	fs.BoolVar(&o.interest, "interest", true, "send each player only what its game says it sees (interest management)")
	fs.StringVar(&o.nats, "nats", "", "comma-separated NATS server URLs to join as one cluster with the other servers using them (empty: an embedded NATS server, this process alone)")
	fs.IntVar(&o.natsReplicas, "nats-replicas", 1, "how many NATS servers keep a copy of the cluster's registry and directory: 3 with a NATS cluster of three, so that losing one loses neither (1 to 5; more than 1 needs -nats naming a NATS cluster)")
	fs.StringVar(&o.publicURL, "public-url", "", "the WebSocket URL browsers reach this server at, e.g. wss://eu1.example.com/ws (empty: ws://HOST:PORT/ws of -addr)")
	fs.StringVar(&o.nodeID, "node-id", "", "this server's id in the cluster, 1-32 of A-Z a-z 0-9 - _ (empty: a random one at each start)")
	fs.StringVar(&o.tokenKey, "token-key", "", "the key, at least 32 bytes and the same on every server, that signs reservations and resume tokens; required with -nats (empty without: random, this process only)")
	fs.BoolVar(&o.handoff, "handoff", true, "on SIGTERM or POST /drain, first move every room to another node (its players follow and keep their seats); rooms that cannot move play on until -drain-timeout")
	fs.DurationVar(&o.checkpointInterval, "checkpoint-interval", time.Second, "how often each room saves its state to NATS, from which another node restores it if this one dies (0: never; the room then dies with its node)")
	fs.DurationVar(&o.drainTimeout, "drain-timeout", time.Minute, "after SIGTERM or POST /drain, how long running rooms may play on before they are closed and the server exits")
	fs.BoolVar(&o.record, "record", true, "record every room's matches as replays, listed at /api/replays and watched at /?replay=ID (false: record nothing)")
	fs.StringVar(&o.recordGames, "record-games", "", "with -record, record only the rooms of these games (comma-separated names; empty: every game)")
	fs.StringVar(&o.replays, "replays", "", "directory to keep replays in, on this server (empty: the cluster's NATS object store, bucket tickwire_replays, shared by every server)")
	fs.IntVar(&o.replaysKeep, "replays-keep", 500, "how many replays to keep, the newest; older ones are deleted")
	fs.Var(profileFlag{&o.netSim}, "netsim", "simulate a bad network on every connection, for trying netcode: off, bad (rtt=150ms,jitter=30ms,loss=5%), or e.g. rtt=100ms,jitter=20ms,loss=2%")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: tickwire [flags]\n\nServes the tickwire demo games. Each flag falls back to the environment variable shown.\n\n")
		fs.VisitAll(func(f *flag.Flag) {
			fmt.Fprintf(fs.Output(), "  -%s (env %s, default %q)\n    \t%s\n", f.Name, envName(f.Name), f.DefValue, f.Usage)
		})
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if v := getenv(envName(f.Name)); v != "" && !set[f.Name] && err == nil {
			if e := fs.Set(f.Name, v); e != nil {
				err = fmt.Errorf("%s=%q: %v", envName(f.Name), v, e)
			}
		}
	})
	if err == nil && fs.NArg() > 0 {
		err = fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if err == nil && o.logFormat != "text" && o.logFormat != "json" {
		err = fmt.Errorf("-log-format %q: want text or json", o.logFormat)
	}
	if err == nil && o.nats != "" && len(o.tokenKey) < 32 {
		err = fmt.Errorf("-nats needs -token-key (TICKWIRE_TOKEN_KEY) of at least 32 bytes, the same on every server: it signs the tokens one server gives and another checks")
	}
	if err == nil && o.tokenKey != "" && len(o.tokenKey) < 32 {
		err = fmt.Errorf("-token-key has %d bytes, at least 32 are required", len(o.tokenKey))
	}
	if err == nil && (o.natsReplicas < 1 || o.natsReplicas > 5) {
		err = fmt.Errorf("-nats-replicas %d: 1 to 5 are allowed", o.natsReplicas)
	}
	if err == nil && o.natsReplicas > 1 && o.nats == "" {
		err = fmt.Errorf("-nats-replicas %d needs -nats naming a NATS cluster of at least %d servers: the embedded NATS server is a single server", o.natsReplicas, o.natsReplicas)
	}
	if err == nil && o.checkpointInterval < 0 {
		err = fmt.Errorf("-checkpoint-interval %v is negative (0 turns checkpoints off)", o.checkpointInterval)
	}
	if err == nil && o.replaysKeep < 1 {
		err = fmt.Errorf("-replays-keep %d: at least 1 (-record=false records nothing)", o.replaysKeep)
	}
	if err == nil && o.drainTimeout < 0 {
		err = fmt.Errorf("-drain-timeout %v is negative", o.drainTimeout)
	}
	return o, err
}

func envName(flagName string) string {
	return "TICKWIRE_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

func run(ctx context.Context, args []string, stderr io.Writer) error {
	o, err := parse(args, stderr, os.Getenv)
	if err != nil {
		return err
	}
	var handler slog.Handler = slog.NewTextHandler(stderr, nil)
	if o.logFormat == "json" {
		handler = slog.NewJSONHandler(stderr, nil)
	}
	log := slog.New(handler)

	var cfg server.Config
	cfg.WWW = o.www
	cfg.Logger = log
	cfg.Lobby.TickRate = o.tickRate
	cfg.Lobby.SnapshotRate = o.snapshotRate
	cfg.Lobby.MaxPlayers = o.maxPlayers
	cfg.Lobby.MaxRooms = o.maxRooms
	cfg.Lobby.FullSnapshots = !o.deltas
	cfg.Lobby.SeeEverything = !o.interest
	cfg.Gateway.ReadLimit = o.readLimit
	cfg.Gateway.HandshakeTimeout = o.handshakeTimeout
	cfg.Gateway.PingInterval, cfg.Gateway.PongWait = o.pingInterval, o.pongWait
	cfg.Gateway.MessageRate, cfg.Gateway.MessageBurst = o.messageRate, o.messageRate/2
	cfg.Gateway.MaxConnsPerIP = o.maxConnsPerIP
	cfg.Lobby.ResumeGrace = o.resumeGrace
	cfg.Lobby.CheckpointInterval = o.checkpointInterval
	if o.checkpointInterval == 0 {
		cfg.Lobby.CheckpointInterval = -1 // off
	}
	cfg.Lobby.Record = o.record
	for _, g := range strings.Split(o.recordGames, ",") {
		if g = strings.TrimSpace(g); g != "" {
			cfg.Lobby.RecordGames = append(cfg.Lobby.RecordGames, g)
		}
	}
	cfg.Replays.Dir, cfg.Replays.Keep = o.replays, o.replaysKeep
	cfg.Gateway.SlowTimeout = o.slowAfter
	cfg.Gateway.NetSim = o.netSim
	if o.netSim.Enabled() {
		log.Warn("simulating a bad network", "netsim", o.netSim.String())
	}
	for _, cidr := range strings.Split(o.trustedProxies, ",") {
		if cidr = strings.TrimSpace(cidr); cidr == "" {
			continue
		}
		p, err := netip.ParsePrefix(cidr)
		if err != nil {
			return fmt.Errorf("-trusted-proxies: %q is not a CIDR like 10.0.0.0/8: %v", cidr, err)
		}
		cfg.Gateway.TrustedProxies = append(cfg.Gateway.TrustedProxies, p)
	}
	if o.origins != "" {
		cfg.Gateway.OriginPatterns = strings.Split(o.origins, ",")
	}
	for _, u := range strings.Split(o.nats, ",") {
		if u = strings.TrimSpace(u); u != "" {
			cfg.Cluster.URLs = append(cfg.Cluster.URLs, u)
		}
	}
	cfg.Cluster.PublicURL, cfg.Cluster.ID, cfg.Cluster.Replicas = o.publicURL, o.nodeID, o.natsReplicas
	if o.tokenKey != "" {
		cfg.Cluster.TokenKey = []byte(o.tokenKey)
	}
	if _, err := os.Stat(o.www + "/index.html"); err != nil {
		log.Warn("no built web page: run 'go tool mage build' (the WebSocket endpoint works without it)", "www", o.www)
	}

	drainReq := make(chan struct{}, 1)        // POST /drain on the admin listener
	var serving atomic.Pointer[server.Server] // for POST /handoff, once the server has started
	var m *metrics.Metrics
	if o.adminAddr != "" {
		m = metrics.New()
		cfg.Lobby.Observer = m
		cfg.Gateway.Observer = m
		aln, err := net.Listen("tcp", o.adminAddr)
		if err != nil {
			return fmt.Errorf("admin listener: %w", err)
		}
		mux := http.NewServeMux()
		mux.Handle("/", m.Handler())
		mux.HandleFunc("POST /drain", func(w http.ResponseWriter, _ *http.Request) {
			select {
			case drainReq <- struct{}{}:
			default:
			}
			w.WriteHeader(http.StatusAccepted)
			fmt.Fprintf(w, "draining: no new rooms here; running rooms play on for at most %v, then the server exits\n", o.drainTimeout)
		})
		mux.HandleFunc("POST /handoff", func(w http.ResponseWriter, r *http.Request) {
			handoffRoom(w, r, serving.Load())
		})
		admin := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = admin.Serve(aln) }()
		defer admin.Close()
		log.Info("admin listening", "addr", aln.Addr().String(), "paths", "/metrics /debug/pprof/ POST /drain POST /handoff")
	}

	srv, err := server.New(cfg, hostedGames()...)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	sctx, scancel := context.WithTimeout(ctx, 30*time.Second)
	err = srv.Start(sctx, ln.Addr())
	scancel()
	if err != nil {
		ln.Close()
		return err
	}
	serving.Store(srv)
	if m != nil {
		m.SetNode(srv.Lobby().Node().ID())
		m.SetNATS(srv.Lobby().Node().Status)
	}
	var names []string
	for _, g := range hostedGames() {
		names = append(names, g.Info().Name)
	}
	log.Info("listening", "addr", ln.Addr().String(), "games", strings.Join(names, ","), "tickRate", o.tickRate, "snapshotRate", o.snapshotRate)

	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	reason := "server shutting down"
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	case sig := <-sigs:
		if sig == syscall.SIGTERM {
			reason = drain(srv, log, o.drainTimeout, o.handoff, sigs)
		}
	case <-drainReq:
		reason = drain(srv, log, o.drainTimeout, o.handoff, sigs)
	}
	log.Info("shutting down", "timeout", o.shutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), o.shutdownTimeout)
	defer cancel()
	err = srv.ShutdownWith(sctx, reason)
	log.Info("stopped", "error", err)
	return err
}

// drain marks the node draining, moves its rooms to other nodes when handoff is on, and waits for
// the rooms left to empty, for at most timeout in all (a SIGINT cuts it short); it returns the
// reason the remaining clients are closed with.
func drain(srv *server.Server, log *slog.Logger, timeout time.Duration, handoff bool, sigs <-chan os.Signal) string {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	go func() {
		select {
		case <-sigs: // a second signal: stop waiting
			cancel()
		case <-ctx.Done():
		}
	}()
	if handoff {
		start := time.Now()
		moved, err := srv.HandOff(ctx)
		log.Info("handed rooms off to other nodes", "moved", moved, "took", time.Since(start), "error", err)
	}
	log.Info("draining: no new rooms here; running rooms play on", "timeout", timeout)
	if err := srv.Drain(ctx); err != nil {
		log.Info("drain ended with rooms still running", "cause", err.Error())
	} else {
		log.Info("drained: no room left")
	}
	return "this server is restarting: join again through the lobby"
}

// handoffRoom serves POST /handoff?game=G&room=R on the admin listener: it moves that room to another
// node and says where, or why not: 404 for a room not open on this node, 503 when no node can take
// it, 504 when the move timed out, 409 when the chosen node refused it.
func handoffRoom(w http.ResponseWriter, r *http.Request, srv *server.Server) {
	if srv == nil {
		http.Error(w, "the server has not started yet", http.StatusServiceUnavailable)
		return
	}
	game, name := r.URL.Query().Get("game"), r.URL.Query().Get("room")
	if game == "" || name == "" {
		http.Error(w, "name the room: POST /handoff?game=GAME&room=ROOM", http.StatusBadRequest)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	start := time.Now()
	node, err := srv.Lobby().Handoff(ctx, game, name)
	if err != nil {
		status := http.StatusConflict // refused by the chosen node, or the room could not freeze
		switch {
		case errors.Is(err, lobby.ErrNotOpen):
			status = http.StatusNotFound
		case errors.Is(err, lobby.ErrNoTarget):
			status = http.StatusServiceUnavailable
		case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, cluster.ErrTimeout):
			status = http.StatusGatewayTimeout
		}
		http.Error(w, "room not moved: "+err.Error(), status)
		return
	}
	fmt.Fprintf(w, "moved to node %s in %d ms\n", node, time.Since(start).Milliseconds())
}
