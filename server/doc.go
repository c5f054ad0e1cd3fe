// Package server is tickwire's game server: one HTTP port that serves the built web page, the
// WebSocket endpoint /ws where players join rooms, at /api/rooms a JSON list of the hosted games and
// the open public rooms of the whole cluster with their players, spectators and node, at
// /api/cluster the cluster's nodes, and at /api/replays the recent replays (each file at
// /api/replays/ID) of the rooms' recordings (Config.Lobby.Record; kept as Config.Replays says).
//
// Every server is a node of a cluster (server/cluster): alone, on a NATS server embedded in the
// process; with Config.Cluster.URLs, on external NATS shared with other servers.
//
// Start with [New], passing the games to host (each made a factory by room.For), then [Server.Serve]
// (which joins the cluster first: [Server.Start]) and, to stop, [Server.Shutdown], or [Server.Drain]
// first to let the rooms finish. The binary in server/cmd/tickwire does exactly that from flags.
package server
