package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Errors of the directory.
var (
	// ErrClaimed is what a [*ClaimedError] matches: the room name is taken by a live node.
	ErrClaimed = errors.New("cluster: room is already open")
	// ErrNotOwner is returned for a room this node does not own (or no longer does).
	ErrNotOwner = errors.New("cluster: room is not owned by this node")
	// ErrRestoring is returned by Claim for a room whose node stopped and which has a checkpoint:
	// it is being restored on a live node (loop.go), and must not be opened afresh meanwhile.
	ErrRestoring = errors.New("cluster: the room is being restored from its checkpoint")
)

// ClaimedError says that a room name is already held, and by whom.
type ClaimedError struct{ Room RoomInfo }

func (e *ClaimedError) Error() string {
	return fmt.Sprintf("cluster: room %q of %s is already open on node %s", e.Room.Name, e.Room.Game, e.Room.Node)
}

// Is makes errors.Is(err, ErrClaimed) true.
func (e *ClaimedError) Is(target error) bool { return target == ErrClaimed }

// roomMarkerTTL is how long the marker a released room leaves in the bucket lives: long enough for
// every watcher to see the release, short enough that released names do not pile up.
const roomMarkerTTL = time.Minute

var nameRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// Node is this process's member of the cluster: its registry entry, its view of every node and
// room, the rooms it owns, and the calls it serves. Its methods are safe for concurrent use.
type Node struct {
	cfg    Config
	log    *slog.Logger
	emb    *embedded
	nc     *nats.Conn
	js     jetstream.JetStream
	nodes  jetstream.KeyValue
	rooms  jetstream.KeyValue
	ckpts  jetstream.KeyValue
	signer *Signer
	res    Reserver
	subs   []*nats.Subscription // reserve, adopt
	slots  chan struct{}        // one per call being served
	// recoverSlots bounds the dead nodes' rooms the janitor recovers at once (MaxInFlight/2).
	recoverSlots chan struct{}

	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	kick    chan struct{} // wakes the loop: the node's entry or a room changed
	resync  chan struct{} // wakes the loop after a reconnect
	rewatch [2]chan struct{}

	mu       sync.Mutex
	v        *view
	roomRevs map[string]uint64 // the revision of every room entry in the view, for purges
	load     Load
	draining bool
	owned    map[string]*ownedRoom
	// The maps a watcher is loading after a (re)start, swapped into v once complete.
	loadingNodes map[string]NodeInfo
	loadingRooms map[string]RoomInfo
	loadingRevs  map[string]uint64
	// adopting: the adoptions being served, by room key, so that TakeOver keeps to their deadline.
	adopting map[string]adoptTicket
	// recovering: the dead nodes' rooms the janitor is recovering or has settled, by room key, with
	// the revision of the entry it saw (a mark goes when the entry changes).
	recovering map[string]uint64
	// recoverTries counts, by room key, the sweeps in a row that found no node adopting a dead
	// node's room for a passing reason (loop.go).
	recoverTries map[string]int
	// previous: the rooms an earlier run of this node left with checkpoints, until the loop
	// restores them.
	previous []previousRoom
	// staleSince: when the janitor first saw each checkpoint with no room (checkpoint.go).
	staleSince     map[string]time.Time
	lastStaleCheck time.Time
	staleRunning   bool
	// connectedSince is when this node last (re)connected to NATS; under mu.
	connectedSince time.Time

	ckMu      sync.Mutex
	ckPending map[string]checkpointOp // the latest checkpoint write or delete of each room, not yet done
	ckKick    chan struct{}           // wakes the checkpoint writer
}

// ownedRoom is a room this node owns: its latest info and the revision of its entry.
type ownedRoom struct {
	info      RoomInfo
	rev       uint64
	dirty     bool // info changed since the last write
	check     bool // the entry may not be ours any more: read it before writing
	lastWrite time.Time
}

// Start joins the cluster (starting the embedded NATS server when cfg.URLs is empty), registers
// this node, and returns once its view holds every node and room, or when ctx is done. r serves the
// seat reservations other nodes ask of this one. Stop it with [Node.Leave] or [Node.Close].
func Start(ctx context.Context, cfg Config, r Reserver) (*Node, error) {
	if r == nil {
		return nil, errors.New("cluster: a Reserver is required")
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	signer, err := NewSigner(cfg.TokenKey)
	if err != nil {
		return nil, err
	}
	n := &Node{cfg: cfg, log: cfg.Log.With("node", cfg.ID), signer: signer, res: r,
		slots: make(chan struct{}, cfg.MaxInFlight), kick: make(chan struct{}, 1), resync: make(chan struct{}, 1),
		rewatch: [2]chan struct{}{make(chan struct{}, 1), make(chan struct{}, 1)},
		v:       newView(), roomRevs: map[string]uint64{}, owned: map[string]*ownedRoom{},
		recoverSlots: make(chan struct{}, max(1, cfg.MaxInFlight/2)),
		adopting:     map[string]adoptTicket{}, recovering: map[string]uint64{}, recoverTries: map[string]int{}, staleSince: map[string]time.Time{},
		ckPending: map[string]checkpointOp{}, ckKick: make(chan struct{}, 1),
		connectedSince: time.Now(), lastStaleCheck: time.Now()} // the first listing of checkpoints a quarter of StaleCheckpointAge after the start
	n.ctx, n.cancel = context.WithCancel(context.Background())
	if err := n.start(ctx); err != nil {
		n.Close()
		return nil, err
	}
	return n, nil
}

func (n *Node) start(ctx context.Context) error {
	var err error
	if len(n.cfg.URLs) == 0 {
		if n.emb, err = startEmbedded(n.cfg.ID, n.cfg.Embedded); err != nil {
			return err
		}
	}
	if n.nc, err = connect(n.cfg, n.emb, n.reconnected); err != nil {
		return err
	}
	if n.js, err = jetstream.New(n.nc); err != nil {
		return fmt.Errorf("cluster: JetStream: %w", err)
	}
	// Retry: with RetryOnFailedConnect the first connect may still be under way, and JetStream needs
	// a moment after a server starts.
	for {
		if err = n.buckets(ctx); err == nil {
			break
		}
		if isReplicasNotSupported(err) { // no retry makes a single server a cluster
			return fmt.Errorf("cluster: Replicas is %d, but the NATS server is not part of a NATS cluster (%w): set Replicas to 1, or join a NATS cluster of at least %d servers",
				n.cfg.Replicas, err, n.cfg.Replicas)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("cluster: create buckets: %w (last error: %v)", ctx.Err(), err)
		case <-time.After(250 * time.Millisecond):
		}
	}
	for call, serve := range map[string]nats.MsgHandler{"reserve": n.serveReserve, "adopt": n.serveAdopt} {
		sub, err := n.nc.Subscribe(n.subject(n.cfg.ID, call), serve)
		if err != nil {
			return fmt.Errorf("cluster: subscribe: %w", err)
		}
		n.subs = append(n.subs, sub)
	}
	if err := n.putNode(ctx); err != nil {
		return fmt.Errorf("cluster: register node: %w", err)
	}
	ready := make(chan struct{}, 2)
	n.wg.Add(4)
	go n.watch(n.nodes, 0, n.applyNode, ready)
	go n.watch(n.rooms, 1, n.applyRoom, ready)
	go n.loop()
	go n.writeCheckpoints()
	for range 2 {
		select {
		case <-ready:
		case <-ctx.Done():
			return fmt.Errorf("cluster: load the directory: %w", ctx.Err())
		}
	}
	return n.dropPreviousRooms(ctx)
}

// dropPreviousRooms deals with the rooms the directory still lists under this node's id: they
// belong to an earlier run of a node with the same id (restarted within NodeTTL, so its entry never
// expired and no janitor saw them orphaned), since this run has claimed none yet. A room with a
// checkpoint is restored (the earlier run crashed; restorePrevious, from the loop, once the lobby
// is ready to adopt), one without is purged.
func (n *Node) dropPreviousRooms(ctx context.Context) error {
	n.mu.Lock()
	stale := map[string]RoomInfo{}
	revs := map[string]uint64{}
	for k, r := range n.v.rooms {
		if _, mine := n.owned[k]; r.Node == n.cfg.ID && !mine {
			stale[k], revs[k] = r, n.roomRevs[k]
		}
	}
	n.mu.Unlock()
	for k, r := range stale {
		if _, err := n.ckpts.Get(ctx, k); err == nil {
			n.mu.Lock()
			n.previous = append(n.previous, previousRoom{r, revs[k]})
			n.mu.Unlock()
			continue
		}
		err := n.rooms.Purge(ctx, k, jetstream.LastRevision(revs[k]), jetstream.PurgeTTL(roomMarkerTTL))
		if err != nil && !errors.Is(err, jetstream.ErrKeyRevisionMismatch) && !isWrongLastSeq(err) {
			return fmt.Errorf("cluster: purge a previous run's room %s: %w", k, err)
		}
	}
	return nil
}

// previousRoom is a room an earlier run of this node left with a checkpoint, to restore.
type previousRoom struct {
	r   RoomInfo
	rev uint64
}

// restorePrevious restores, through the recovery path, the rooms an earlier run of this node left
// with checkpoints (dropPreviousRooms): on the least-loaded node that hosts their game at this
// node's version, or here. The loop calls it at each refresh; the first comes after Start has
// returned, when this node's lobby is ready to adopt.
func (n *Node) restorePrevious() {
	n.mu.Lock()
	prev := n.previous
	n.previous = nil
	for _, p := range prev {
		n.recovering[roomKey(p.r.Game, p.r.Name)] = p.rev
	}
	n.mu.Unlock()
	self := NodeInfo{ID: n.cfg.ID, URL: n.cfg.PublicURL, Games: n.cfg.Games}
	for _, p := range prev {
		n.recoverSlots <- struct{}{}
		n.wg.Add(1)
		go n.recoverRoom(p.r, p.rev, self, true)
	}
}

// bucketConfigs are the three buckets' configurations.
func (n *Node) bucketConfigs() (nodes, rooms, checkpoints jetstream.KeyValueConfig) {
	// Liveness is the bucket's TTL: every refresh is a Put, which starts the key's age again, and a
	// node that stops refreshing is removed by the server NodeTTL later. The limit marker the server
	// then writes is what tells every watcher. (A per-key TTL, jetstream.KeyTTL, is set by Create
	// only and cannot be renewed by Put or Update, so it cannot carry a heartbeat.)
	nodes = jetstream.KeyValueConfig{
		Bucket: n.cfg.Prefix + "_nodes", Description: "tickwire nodes: one entry per live node",
		TTL: n.cfg.NodeTTL, LimitMarkerTTL: n.cfg.NodeTTL, Storage: jetstream.FileStorage, Replicas: n.cfg.Replicas,
	}
	// Rooms have no TTL: a room that does not change costs nothing. A dead node's rooms leave every
	// view with the node (the view shows only rooms of live nodes) and are purged by a live node.
	rooms = jetstream.KeyValueConfig{
		Bucket: n.cfg.Prefix + "_rooms", Description: "tickwire rooms: one entry per open room, written by its owner",
		LimitMarkerTTL: roomMarkerTTL, Storage: jetstream.FileStorage, Replicas: n.cfg.Replicas,
	}
	// A room's latest capture, for crash recovery: only the latest matters (History 1), and a
	// deleted one leaves a marker that lives roomMarkerTTL.
	checkpoints = jetstream.KeyValueConfig{
		Bucket: n.cfg.Prefix + "_checkpoints", Description: "tickwire checkpoints: the latest capture of each open room",
		History: 1, LimitMarkerTTL: roomMarkerTTL, Storage: jetstream.FileStorage, Replicas: n.cfg.Replicas,
	}
	return nodes, rooms, checkpoints
}

// buckets creates the buckets, or updates them to this node's configuration, and binds to them.
func (n *Node) buckets(ctx context.Context) error {
	c, cancel := context.WithTimeout(ctx, n.cfg.RequestTimeout)
	defer cancel()
	nc, rc, cc := n.bucketConfigs()
	var err error
	if n.nodes, err = n.js.CreateOrUpdateKeyValue(c, nc); err != nil {
		return err
	}
	if n.rooms, err = n.js.CreateOrUpdateKeyValue(c, rc); err != nil {
		return err
	}
	n.ckpts, err = n.js.CreateOrUpdateKeyValue(c, cc)
	return err
}

// ensureBuckets creates the buckets again if a NATS server that lost its state came back. The
// handles bound at Start name the buckets and keep working once they exist again.
func (n *Node) ensureBuckets() error {
	ctx, cancel := context.WithTimeout(n.ctx, n.cfg.RequestTimeout)
	defer cancel()
	for _, cfg := range func() []jetstream.KeyValueConfig {
		a, b, c := n.bucketConfigs()
		return []jetstream.KeyValueConfig{a, b, c}
	}() {
		if _, err := n.js.CreateOrUpdateKeyValue(ctx, cfg); err != nil {
			return err
		}
	}
	return nil
}

func (n *Node) subject(node, call string) string {
	return n.cfg.Prefix + ".node." + node + "." + call
}

// reconnected runs on the NATS callback goroutine after a reconnect: the server may have lost or
// expired entries while this node was away, so the loop re-registers and re-checks every owned
// room, and the watchers reload the view from scratch.
func (n *Node) reconnected() {
	n.mu.Lock()
	n.connectedSince = time.Now()
	n.mu.Unlock()
	for _, c := range append(n.rewatch[:], n.resync, n.ckKick) {
		select {
		case c <- struct{}{}:
		default:
		}
	}
}

// ID is this node's id.
func (n *Node) ID() string { return n.cfg.ID }

// PublicURL is this node's public WebSocket URL.
func (n *Node) PublicURL() string { return n.cfg.PublicURL }

// Signer signs and verifies tokens with the cluster's shared key (for resume tokens).
func (n *Node) Signer() *Signer { return n.signer }

// NATSURL is where other processes reach this node's embedded NATS server, or "" when it has none
// or it listens nowhere.
func (n *Node) NATSURL() string {
	if n.emb == nil {
		return ""
	}
	return n.emb.url()
}

// Status is the state of the node's NATS connection, for logs and metrics.
type Status struct {
	State      string // CONNECTED, RECONNECTING, CLOSED, …
	Connected  bool
	URL        string // the server connected to, without credentials
	Reconnects uint64
	// Messages and bytes through this connection since Start.
	InMsgs, OutMsgs, InBytes, OutBytes uint64
}

// Status reports the NATS connection's state and traffic.
func (n *Node) Status() Status {
	s := n.nc.Stats()
	return Status{State: n.nc.Status().String(), Connected: n.nc.IsConnected(), URL: n.nc.ConnectedUrlRedacted(),
		Reconnects: s.Reconnects, InMsgs: s.InMsgs, OutMsgs: s.OutMsgs, InBytes: s.InBytes, OutBytes: s.OutBytes}
}

// SetLoad records this node's load; the next refresh publishes it.
func (n *Node) SetLoad(l Load) {
	n.mu.Lock()
	n.load = l
	n.mu.Unlock()
}

// SetDraining marks the node draining (no new room is placed on it) or not, and publishes it at once.
func (n *Node) SetDraining(d bool) {
	n.mu.Lock()
	changed := n.draining != d
	n.draining = d
	n.mu.Unlock()
	if changed {
		n.wake()
	}
}

func (n *Node) wake() {
	select {
	case n.kick <- struct{}{}:
	default:
	}
}

// Nodes returns every live node, sorted by id. No I/O: it reads the view the watchers keep.
func (n *Node) Nodes() []NodeInfo {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.v.nodeList()
}

// Departed returns the last entries of the nodes that left the view (stopped, or died) within
// Config.DeadNodeMemory, sorted by id: pages those nodes served may still be playing on this one.
func (n *Node) Departed() []NodeInfo {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := make([]NodeInfo, 0, len(n.v.gone))
	for _, g := range n.v.gone {
		out = append(out, g.info)
	}
	slices.SortFunc(out, func(a, b NodeInfo) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// Restoring reports whether the directory holds an entry for room of game that no live node runs:
// its node stopped (the janitor restores or removes it), or it names this node from a previous run
// that this run has not taken back yet. No I/O.
func (n *Node) Restoring(game, room string) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	key := roomKey(game, room)
	r, ok := n.v.rooms[key]
	if !ok {
		return false
	}
	if r.Node == n.cfg.ID {
		_, mine := n.owned[key]
		return !mine
	}
	_, live := n.v.nodes[r.Node]
	return !live
}

// Node returns the live node id.
func (n *Node) Node(id string) (NodeInfo, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	ni, ok := n.v.nodes[id]
	return ni, ok
}

// LeastLoaded returns the live node, not draining, where a new room should go: the fewest players,
// then rooms, then CPU, then the lowest id. A node's load is its last report plus the rooms this
// node has placed there (PlaceRoom) that its reports may not show yet.
func (n *Node) LeastLoaded() (NodeInfo, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.v.leastLoaded()
}

// PlaceRoom returns the node where a new room goes, as LeastLoaded, and counts the room and its
// first player against that node until its reports show them (up to its second report after now),
// so that a burst of new rooms spreads over the nodes instead of all going to the node that was
// least loaded at its last report.
func (n *Node) PlaceRoom() (NodeInfo, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.v.place()
}

// Rooms returns every public room of the cluster on a live node, sorted by game and name (for
// GET /api/rooms).
func (n *Node) Rooms() []RoomInfo {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.v.publicRooms()
}

// Busiest returns the room quick play should fill for game: the public auto room with the most
// players that still has a free seat, on a live node that is not draining.
func (n *Node) Busiest(game string) (RoomInfo, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.v.busiest(game)
}

// Owner returns the room name of game, public or private, if a live node holds it.
func (n *Node) Owner(game, name string) (RoomInfo, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.v.owner(game, name)
}

func checkRoom(game, name string) error {
	if !nameRe.MatchString(game) {
		return fmt.Errorf("cluster: game %q: 1 to 64 of a-z, A-Z, 0-9, - and _ are allowed", game)
	}
	if !nameRe.MatchString(name) {
		return fmt.Errorf("cluster: room %q: 1 to 64 of a-z, A-Z, 0-9, - and _ are allowed", name)
	}
	return nil
}

// Claim makes this node the owner of room r.Game/r.Name in the directory, atomically: of any number
// of nodes claiming one name at once, exactly one succeeds and the others get a *ClaimedError naming
// the owner (errors.Is(err, ErrClaimed)). A name held by a node that is no longer registered is
// taken over. The lobby claims a room before opening it and reports its changes with UpdateRoom.
func (n *Node) Claim(ctx context.Context, r RoomInfo) error {
	if err := checkRoom(r.Game, r.Name); err != nil {
		return err
	}
	r.Node = n.cfg.ID
	key := roomKey(r.Game, r.Name)
	data, _ := json.Marshal(r)
	for range 3 {
		rev, err := n.rooms.Create(ctx, key, data)
		if err == nil {
			n.mu.Lock()
			n.owned[key] = &ownedRoom{info: r, rev: rev, lastWrite: time.Now()}
			n.v.rooms[key], n.roomRevs[key] = r, rev
			n.mu.Unlock()
			return nil
		}
		if !errors.Is(err, jetstream.ErrKeyExists) {
			return fmt.Errorf("cluster: claim room %s: %w", key, err)
		}
		e, err := n.rooms.Get(ctx, key)
		if errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrKeyDeleted) {
			continue // released between our Create and Get
		}
		if err != nil {
			return fmt.Errorf("cluster: claim room %s: read the holder: %w", key, err)
		}
		var held RoomInfo
		if err := json.Unmarshal(e.Value(), &held); err != nil {
			return fmt.Errorf("cluster: claim room %s: bad entry: %w", key, err)
		}
		if held.Node == n.cfg.ID {
			return &ClaimedError{Room: held}
		}
		if _, err := n.nodes.Get(ctx, held.Node); !errors.Is(err, jetstream.ErrKeyNotFound) {
			if err != nil {
				return fmt.Errorf("cluster: claim room %s: check holder %s: %w", key, held.Node, err)
			}
			return &ClaimedError{Room: held}
		}
		// The holder is gone. With a checkpoint its room is being restored (by the janitor, or by
		// the holder itself restarted under its id): it is not a free name.
		if _, err := n.ckpts.Get(ctx, key); err == nil {
			return fmt.Errorf("%w: %s (its node %s stopped)", ErrRestoring, key, held.Node)
		}
		// Without one, remove its entry (only that revision, so a newer claim survives) and try
		// again.
		if err := n.rooms.Purge(ctx, key, jetstream.LastRevision(e.Revision()), jetstream.PurgeTTL(roomMarkerTTL)); err != nil &&
			!errors.Is(err, jetstream.ErrKeyRevisionMismatch) && !isWrongLastSeq(err) {
			return fmt.Errorf("cluster: claim room %s: purge dead holder %s: %w", key, held.Node, err)
		}
	}
	return fmt.Errorf("cluster: claim room %s: the name changed hands three times; try again", key)
}

// isReplicasNotSupported reports whether a NATS server refused a bucket because it runs alone and
// the bucket asks for more than one replica.
func isReplicasNotSupported(err error) bool {
	var api *jetstream.APIError
	return errors.As(err, &api) && api.ErrorCode == jsErrCodeReplicasNotSupported
}

// jsErrCodeReplicasNotSupported is JetStream's error code for "replicas > 1 not supported in
// non-clustered mode" (JSStreamReplicasNotSupportedErr in nats-server; nats.go names no constant).
const jsErrCodeReplicasNotSupported jetstream.ErrorCode = 10074

func isWrongLastSeq(err error) bool {
	var api *jetstream.APIError
	return errors.As(err, &api) && (api.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence ||
		api.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequenceConstant)
}

// UpdateRoom records the new state of a room this node owns. It does no I/O: the entry is written
// by the node's loop, at most once per RoomUpdateInterval per room, with the latest state.
func (n *Node) UpdateRoom(r RoomInfo) error {
	key := roomKey(r.Game, r.Name)
	r.Node = n.cfg.ID
	n.mu.Lock()
	o, ok := n.owned[key]
	if ok && o.info != r {
		o.info, o.dirty = r, true
		n.v.rooms[key] = r
	}
	n.mu.Unlock()
	if !ok {
		return fmt.Errorf("%w: %s", ErrNotOwner, key)
	}
	n.wake()
	return nil
}

// Release removes a room this node owns from the directory (the room closed).
func (n *Node) Release(ctx context.Context, game, name string) error {
	key := roomKey(game, name)
	n.mu.Lock()
	o, ok := n.owned[key]
	delete(n.owned, key)
	if ok {
		delete(n.v.rooms, key)
	}
	n.mu.Unlock()
	if !ok {
		return fmt.Errorf("%w: %s", ErrNotOwner, key)
	}
	err := n.rooms.Purge(ctx, key, jetstream.LastRevision(o.rev), jetstream.PurgeTTL(roomMarkerTTL))
	if err != nil && !errors.Is(err, jetstream.ErrKeyRevisionMismatch) && !isWrongLastSeq(err) {
		// A revision mismatch means a pending write of ours landed, or another node took the name
		// over: the former is removed by a purge of whatever is there if it is still ours.
		return fmt.Errorf("cluster: release room %s: %w", key, err)
	}
	if err != nil {
		return n.purgeIfMine(ctx, key)
	}
	return nil
}

// purgeIfMine purges key if its entry names this node.
func (n *Node) purgeIfMine(ctx context.Context, key string) error {
	e, err := n.rooms.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrKeyDeleted) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cluster: release room %s: %w", key, err)
	}
	var r RoomInfo
	if json.Unmarshal(e.Value(), &r) == nil && r.Node != n.cfg.ID {
		return nil
	}
	if err := n.rooms.Purge(ctx, key, jetstream.LastRevision(e.Revision()), jetstream.PurgeTTL(roomMarkerTTL)); err != nil {
		return fmt.Errorf("cluster: release room %s: %w", key, err)
	}
	return nil
}

// Leave deregisters the node (its entry and every room it owns leave the directory at once),
// deletes the checkpoints of the rooms it still owns (a graceful stop comes after the handoffs, so
// those rooms closed their players: they are over), and closes it. Close alone leaves them all to
// expire or be recovered, as a crash would.
func (n *Node) Leave(ctx context.Context) error {
	n.mu.Lock()
	owned := make(map[string]uint64, len(n.owned))
	for k, o := range n.owned {
		owned[k] = o.rev
	}
	n.owned = map[string]*ownedRoom{}
	n.mu.Unlock()
	n.cancel() // stop the loop first, so that it does not write the entry again
	n.wg.Wait()
	var errs []error
	for k, rev := range owned {
		if err := n.rooms.Purge(ctx, k, jetstream.LastRevision(rev), jetstream.PurgeTTL(roomMarkerTTL)); err != nil &&
			!errors.Is(err, jetstream.ErrKeyRevisionMismatch) && !isWrongLastSeq(err) {
			errs = append(errs, err)
		}
		if err := n.ckpts.Purge(ctx, k, jetstream.PurgeTTL(roomMarkerTTL)); err != nil {
			errs = append(errs, err)
		}
	}
	// The deletes still queued: the checkpoints of rooms that closed while the node stopped (the
	// writer has stopped with the loop; writes still queued are of rooms that are over too).
	n.ckMu.Lock()
	pending := n.ckPending
	n.ckPending = map[string]checkpointOp{}
	n.ckMu.Unlock()
	for k := range pending {
		if _, done := owned[k]; !done {
			if err := n.ckpts.Purge(ctx, k, jetstream.PurgeTTL(roomMarkerTTL)); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if err := n.nodes.Purge(ctx, n.cfg.ID); err != nil {
		errs = append(errs, err)
	}
	n.Close()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("cluster: leave: %w", err)
	}
	return nil
}

// Close stops the node without deregistering: its entry and rooms expire from every view within
// NodeTTL, as a crash's would. It shuts the embedded NATS server down, if the node started one.
func (n *Node) Close() {
	n.cancel()
	n.wg.Wait()
	if n.nc != nil {
		n.nc.Close()
	}
	if n.emb != nil {
		n.emb.close()
	}
}
