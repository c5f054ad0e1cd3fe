// Package cluster makes several tickwire server processes one game service, on NATS: a registry of
// live nodes, a directory of open rooms, seat reservations between nodes, and signed tokens any node
// can verify. It is the one implementation: a single process runs it on an embedded NATS server.
//
// Start with [Start], which joins the cluster and returns a [Node]. With no Config.URLs it starts a
// NATS server with JetStream inside the process (listening nowhere unless Config.Embedded.Listen
// says so); with URLs (the -nats flag) it joins that NATS server or cluster. The connection retries
// and reconnects forever with backoff; [Node.Status] reports its state and traffic.
//
// # What the lobby and gateway call
//
//   - Registry: [Node.SetLoad] (players, rooms, CPU; published every RefreshInterval) and
//     [Node.SetDraining] (published at once). [Node.Nodes], [Node.Node] and [Node.LeastLoaded] (where
//     a new room goes) read the local view: no I/O. [Node.PlaceRoom] is LeastLoaded that also
//     counts the new room against the chosen node until that node's reports show it, so that a
//     burst of new rooms through one node spreads (view.go, placements).
//   - Directory: [Node.Claim] before opening a named or auto room (an atomic create: of any number of
//     nodes claiming one name at once, one wins and the others get a [*ClaimedError] naming the
//     owner; auto rooms need cluster-unique names, so retry the next name on ErrClaimed);
//     [Node.UpdateRoom] on every change (no I/O; written at most once per RoomUpdateInterval);
//     [Node.Release] when the room closes. [Node.Rooms] (GET /api/rooms), [Node.Busiest] (quick play)
//     and [Node.Owner] read the local view.
//   - Seats on another node: [Node.Reserve] asks the owner, over NATS request/reply on the subject
//     <prefix>.node.<id>.reserve, to hold a seat; the owner's lobby implements [Reserver] and alone
//     counts its seats, so a room never overfills. The answer is a [Reservation] (a signed token and
//     the owner's public URL, to send the client to) or the owner's refusal as a *wire.CloseError.
//   - Handoff: [Node.PlaceAdoption] chooses where a room moves (a live node, not draining, not this
//     one, hosting the game at the room's state version); [Node.Handoff] stops writing the room's
//     entry and asks that node, over NATS request/reply on <prefix>.node.<id>.adopt (headers name
//     game, room and the node it comes from; the body is the room's capture, at most the NATS
//     server's max_payload), to adopt it. The adopting node's lobby implements [Adopter] (on its
//     Reserver) and calls [Node.TakeOver], which makes the entry its own provided it is absent or
//     held by the node the room comes from. On a failure Handoff writes the entry as this node's
//     again before it returns (adopt.go says why the room never ends up on two nodes).
//   - Checkpoints: [Node.Checkpoint] (never blocks; the latest capture of a room wins; one writer
//     goroutine puts it in the bucket <prefix>_checkpoints), [Node.DropCheckpoint] when a room
//     closes for good, [Node.LoadCheckpoint] (or [ErrNoCheckpoint]).
//   - Tokens: [Node.Signer] signs resume tokens and verifies reservations and resume tokens (HS256
//     with Config.TokenKey; "none" and every other algorithm is refused); a [Ledger] makes a
//     token's one-time id usable once.
//   - Stopping: [Node.Leave] on a clean shutdown, after the handoffs (the node and its rooms leave
//     every view at once, and the checkpoints of the rooms it still owns are deleted);
//     [Node.Close] without deregistering, as a crash would (the checkpoints stay, for recovery).
//
// # Liveness and the directory
//
// Three JetStream key-value buckets hold the state; every node watches the first two (Watch, not
// polling) and keeps its view current in memory; the third, <prefix>_checkpoints (History 1), is
// only written and read. (An object store, <prefix>_replays, made by [Node.Replays] when the server
// asks for it, keeps the rooms' recordings for server/replays.) Each bucket has Config.Replicas copies (1 by default): in a NATS cluster of
// three, 3 keeps the registry and the directory when any one NATS server dies, where with 1 the
// bucket on the dead server freezes until it returns. <prefix>_nodes has a TTL of NodeTTL (default 3 s): each node
// rewrites its entry every RefreshInterval (1 s), and the entry of a node that stops (kill -9, a cut
// network) is removed by the NATS server NodeTTL after its last write; the limit marker the server
// leaves (LimitMarkerTTL, NATS ≥ 2.11) tells every watcher. Nobody has to delete it.
//
// <prefix>_rooms has no TTL, so a room that does not change costs no message at all (with a TTL,
// every room would be rewritten every second to stay alive). Instead the view shows only rooms whose
// node is live, so a dead node's rooms leave every view in the same instant as the node itself. The
// live node with the lowest id, the janitor, then recovers or purges them: at once when its view saw
// the node leave (it remembers a gone node's last entry for DeadNodeMemory, 10 min), or once they
// have been orphaned for OrphanGrace when it never saw the node. A room with a checkpoint goes, in
// an adopt request (Recovered, from the dead node), to PlaceAdoption's node for the state version
// the dead node published in its Games, or to the janitor itself when no other node is eligible;
// a room without a checkpoint, or that no node adopts, is purged and its checkpoint deleted. Each
// room is handled in its own goroutine (at most MaxInFlight/2 at once), each call bounded by
// RequestTimeout; each purge names the revision it saw, so a newer claim of the name survives. A
// node that claims a name held by a node that is no longer registered purges it and claims it
// without waiting. A node cut off from NATS for longer than NodeTTL looks dead: its rooms may be
// recovered elsewhere, and when it comes back it finds them taken and reports each with
// Config.OnRoomLost (its lobby must close them). Every quarter of StaleCheckpointAge (1 min) the
// janitor lists the checkpoints' keys and deletes those that have had no room in the directory
// for StaleCheckpointAge.
//
// A node restarted with its old id within NodeTTL (no janitor saw it die) restores the rooms its
// previous run left with a checkpoint, through the recovery path, and purges the others. A room of
// a dead node that has a checkpoint is not a free name until it is restored or given up: Claim
// answers ErrRestoring. No node is judged dead until the janitor has been connected to NATS for
// NodeTTL + MaxReconnectWait + RefreshInterval, so that a NATS restart, after which every node is
// missing from the view for a moment, restores nobody's live rooms. While NATS
// is unreachable a node writes nothing and keeps its last view; after a reconnect it recreates the
// buckets if the server lost them, rewrites its entry, re-checks every room it owns (recreating an entry
// the server lost, giving up one that another node claimed meanwhile: Config.OnRoomLost), and
// reloads its view from scratch, so the directory recovers from a NATS restart without restarting
// any node.
//
// At idle a node sends one message a second (its entry) and receives one per node a second (every
// entry, through its watch) plus the acknowledgement: 1 out and 4 in with three nodes
// (TestIdleTraffic measures it); the janitor adds a listing of the checkpoints every 15 s (a few
// messages, and one per checkpoint). A room costs one write per RoomUpdateInterval while it changes
// and nothing while it does not, and one checkpoint write (its capture) each time its lobby
// checkpoints it. The checkpoint writer writes one capture at a time, so its rate is one per
// round trip to NATS; a room whose capture waits is simply written later, with its latest.
package cluster
