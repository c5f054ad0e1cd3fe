// Package replays keeps the recordings rooms make (see server/room's Config.Record and
// shared/replay's file format): it saves them, lists the newest and serves one by id.
//
// Start with [Store], the three calls the server needs, and its two kinds: [OpenDir], a directory on
// one node (-replays DIR), and [NewObjectStore], the cluster's NATS object store (the default, with
// the embedded NATS server too). Both keep the Keep newest replays and delete older ones. A room hands
// its recording over from its own goroutine, which must not block: [Saver] queues it (a bounded queue
// that drops with a log line when full) and saves it from a goroutine of its own.
//
// Replays are named by [NewID]: short, URL-safe and unique (the game, the room, the start time and
// random digits), and [CheckID] refuses anything else before a store sees it.
package replays
