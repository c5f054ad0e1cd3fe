package cluster

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"time"

	"github.com/tickwire/tickwire/shared/wire"
)

// Config configures a [Node]. The zero value of every field but PublicURL means its stated default.
// Every timeout and TTL of the cluster is here, so each is one documented, configurable figure.
type Config struct {
	// ID names the node in the cluster: 1 to 32 of a-z, A-Z, 0-9, '-' and '_'. It is part of NATS
	// subjects and keys, and must be unique among running nodes (a node restarted with its old id
	// restores the rooms its previous run left with a checkpoint, and drops the others). Defaults to "n-" and 8 random hex digits, different at
	// each start.
	ID string
	// PublicURL is the WebSocket URL at which browsers reach this node (e.g. wss://eu1.example.com/ws;
	// on loopback its own address). Required: a reservation sends players there.
	PublicURL string
	// URLs are the external NATS servers to join (the -nats flag). Empty, the default, starts an
	// embedded NATS server in this process (see Embedded) and connects to it without a socket.
	URLs []string
	// Embedded configures the in-process NATS server used when URLs is empty.
	Embedded EmbeddedConfig
	// Replicas is how many NATS servers keep a copy of each of the three key-value buckets (the
	// replicas of their streams): 3 in a NATS cluster of three, so that losing any one server loses
	// neither the registry nor the directory. With 1 a bucket lives on one server, and while that
	// server is down every node keeps its last view and can change nothing. 1 to 5 (JetStream's
	// maximum), and no more than the NATS cluster has servers; more than 1 needs URLs of a NATS
	// cluster (an embedded or single server refuses it). Every node applies it to the buckets at
	// its start, so give every node the same value. Defaults to 1.
	Replicas int
	// TokenKey is the HS256 key that signs and verifies reservations and resume tokens: at least 32
	// bytes, the same on every node. Required with URLs (every node must verify every other's tokens);
	// with an embedded server it defaults to 32 random bytes, valid for this process only.
	TokenKey []byte

	// Protocol is the wire protocol version this node speaks; Games maps each game it hosts to the
	// version of that game's state. Both are published in the registry so that nodes can refuse a
	// peer that runs different code. Default to 0 and empty.
	Protocol int
	Games    map[string]int

	// NodeTTL is how long a node's registry entry lives without a refresh (the same on every node: it
	// is the nodes bucket's configuration): a node that dies
	// disappears from every view NodeTTL after its last refresh (plus up to about a second for the
	// server's expiry timer and the watch). Defaults to 3s; must be at least 2 × RefreshInterval.
	NodeTTL time.Duration
	// RefreshInterval is how often a node rewrites its registry entry (its load). Defaults to 1s.
	RefreshInterval time.Duration
	// RoomUpdateInterval is the least time between two writes of one room's directory entry: changes
	// in between are coalesced, so a busy room costs at most one message per interval. Defaults to 500ms.
	RoomUpdateInterval time.Duration
	// OrphanGrace is how long a room whose node is absent from the view stays in the bucket before a
	// live node purges it (it has already left every view at once). It covers a room written before
	// its node's entry reached a watcher. Defaults to NodeTTL.
	OrphanGrace time.Duration
	// RequestTimeout bounds a call to another node (a seat reservation, an adoption: Handoff and
	// the recovery of a dead node's room) when the caller's context has no earlier deadline, and
	// each write of the directory, a checkpoint, or a load of one. Defaults to 2s.
	RequestTimeout time.Duration
	// ReservationTTL is how long a reserved seat is held and its token valid. Defaults to 15s.
	ReservationTTL time.Duration
	// MaxInFlight bounds the calls this node serves at once (reservations and adoptions together);
	// one more is refused with wire.CloseServerFull. Half of it, at least 1, bounds the dead nodes'
	// rooms the janitor recovers at once (the rest wait for its next sweep). Defaults to 64.
	MaxInFlight int
	// DeadNodeMemory is how long a node remembers the last registry entry of a node it saw leave
	// (expire or deregister): while it does, that node's rooms are recovered or purged at the next
	// sweep without waiting OrphanGrace, and its Games give the state version a recovered room
	// needs. A room of a node not remembered waits OrphanGrace and is purged, not recovered.
	// Defaults to 10m.
	DeadNodeMemory time.Duration
	// StaleCheckpointAge is how long a checkpoint with no room in the directory (a room that closed
	// while its last write was in flight, or whose node died and whose recovery gave up) stays in
	// the bucket before the janitor deletes it; the janitor lists the bucket every quarter of it.
	// Defaults to 1m.
	StaleCheckpointAge time.Duration
	// ReconnectWait is the first wait before reconnecting to NATS; each failed attempt doubles it, up
	// to MaxReconnectWait, with jitter. The node reconnects forever. Default to 100ms and 2s.
	ReconnectWait, MaxReconnectWait time.Duration
	// PingInterval is how often the client pings its NATS server; two unanswered pings mark the
	// connection dead and start a reconnect (to another server of a NATS cluster, if it has URLs for
	// one). It bounds how long a silently cut connection goes unnoticed. Defaults to 5s.
	PingInterval time.Duration

	// Prefix begins every bucket and subject this package uses, so that two services can share a
	// NATS server: buckets <Prefix>_nodes, <Prefix>_rooms and <Prefix>_checkpoints (and the object
	// store <Prefix>_replays, see Node.Replays), subjects <Prefix>.node.<id>.<call> (reserve, adopt).
	// Defaults to "tickwire".
	Prefix string
	// OnRoomLost is called (from the node's goroutine; it must not block) when a room this node owns
	// was claimed by another node while this one could not reach NATS for longer than NodeTTL: winner
	// is that node's id. The room is no longer in the directory under this node. Defaults to nothing.
	OnRoomLost func(game, name, winner string)
	// Log receives connection changes and failed writes. Defaults to slog.Default().
	Log *slog.Logger
}

// EmbeddedConfig configures the in-process NATS server.
type EmbeddedConfig struct {
	// Listen is a host:port for other processes to reach the embedded server (127.0.0.1:4222, or
	// 127.0.0.1:-1 for a free port). Empty, the default, listens nowhere: only this process connects.
	Listen string
	// StoreDir is JetStream's file store. Defaults to a temporary directory removed at Close.
	StoreDir string
	// ReadyTimeout bounds the server's start. Defaults to 10s.
	ReadyTimeout time.Duration
}

var idRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// maxReplicas is the most replicas a JetStream stream may have.
const maxReplicas = 5

// minKeyBytes is the shortest HS256 key accepted: shorter keys make the signature guessable offline.
const minKeyBytes = 32

// withDefaults returns c with every zero field given its default, or an error naming the bad field.
func (c Config) withDefaults() (Config, error) {
	if c.ID == "" {
		var b [4]byte
		rand.Read(b[:])
		c.ID = "n-" + hex.EncodeToString(b[:])
	}
	if !idRe.MatchString(c.ID) {
		return c, fmt.Errorf("cluster: node id %q: 1 to 32 of a-z, A-Z, 0-9, - and _ are allowed", c.ID)
	}
	if c.PublicURL == "" {
		return c, errors.New("cluster: PublicURL is required (the WebSocket URL browsers use to reach this node)")
	}
	if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "ws" && u.Scheme != "wss") || u.Host == "" ||
		u.User != nil || len(c.PublicURL) > wire.MaxURLBytes {
		return c, fmt.Errorf("cluster: PublicURL %q: a ws:// or wss:// URL with a host, at most %d bytes, is required (clients refuse any other redirect)", c.PublicURL, wire.MaxURLBytes)
	}
	if len(c.TokenKey) == 0 {
		if len(c.URLs) > 0 {
			return c, errors.New("cluster: TokenKey is required with external NATS (every node must verify every other's tokens)")
		}
		c.TokenKey = make([]byte, minKeyBytes)
		rand.Read(c.TokenKey)
	}
	if len(c.TokenKey) < minKeyBytes {
		return c, fmt.Errorf("cluster: TokenKey has %d bytes, at least %d are required", len(c.TokenKey), minKeyBytes)
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&c.RefreshInterval, time.Second)
	def(&c.NodeTTL, 3*time.Second)
	def(&c.RoomUpdateInterval, 500*time.Millisecond)
	def(&c.OrphanGrace, c.NodeTTL)
	def(&c.RequestTimeout, 2*time.Second)
	def(&c.ReservationTTL, 15*time.Second)
	def(&c.ReconnectWait, 100*time.Millisecond)
	def(&c.MaxReconnectWait, 2*time.Second)
	def(&c.PingInterval, 5*time.Second)
	def(&c.DeadNodeMemory, 10*time.Minute)
	def(&c.StaleCheckpointAge, time.Minute)
	def(&c.Embedded.ReadyTimeout, 10*time.Second)
	if c.NodeTTL < 2*c.RefreshInterval {
		return c, fmt.Errorf("cluster: NodeTTL %v is less than 2 × RefreshInterval %v: one late refresh would expire a live node", c.NodeTTL, c.RefreshInterval)
	}
	if c.NodeTTL < time.Second {
		return c, fmt.Errorf("cluster: NodeTTL %v is below 1s, the least TTL NATS keeps an expiry marker for", c.NodeTTL)
	}
	for _, d := range []time.Duration{c.RoomUpdateInterval, c.OrphanGrace, c.RequestTimeout, c.ReservationTTL, c.ReconnectWait, c.MaxReconnectWait, c.PingInterval, c.DeadNodeMemory, c.StaleCheckpointAge} {
		if d < 0 {
			return c, fmt.Errorf("cluster: negative duration %v in Config", d)
		}
	}
	if c.Replicas == 0 {
		c.Replicas = 1
	}
	if c.Replicas < 1 || c.Replicas > maxReplicas {
		return c, fmt.Errorf("cluster: Replicas %d: 1 to %d are allowed (JetStream's maximum)", c.Replicas, maxReplicas)
	}
	if c.Replicas > 1 && len(c.URLs) == 0 {
		return c, fmt.Errorf("cluster: Replicas %d needs a NATS cluster of at least %d servers (URLs): the embedded NATS server is a single server", c.Replicas, c.Replicas)
	}
	if c.MaxInFlight == 0 {
		c.MaxInFlight = 64
	}
	if c.MaxInFlight < 0 {
		return c, fmt.Errorf("cluster: MaxInFlight %d is negative", c.MaxInFlight)
	}
	if c.Prefix == "" {
		c.Prefix = "tickwire"
	}
	if !idRe.MatchString(c.Prefix) {
		return c, fmt.Errorf("cluster: prefix %q: 1 to 32 of a-z, A-Z, 0-9, - and _ are allowed", c.Prefix)
	}
	if c.Log == nil {
		c.Log = slog.Default()
	}
	return c, nil
}
