// Package server is tickwire's game server: one HTTP port that serves the built web page, the
// WebSocket endpoint /ws where players join rooms, and at /api/rooms a JSON list of the hosted games
// and the open public rooms with their players and spectators.
//
// Start with [New], passing the games to host (each made a factory by room.For), then [Server.Serve]
// and, to stop, [Server.Shutdown]. The binary in server/cmd/tickwire does exactly that from flags.
package server
