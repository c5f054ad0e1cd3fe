package replays

import (
	"log/slog"
	"sync"
)

// Saver saves replays to a Store from a goroutine of its own, so that a room, which hands its
// recording over from the goroutine that steps it, never waits for a disk or NATS. Its queue is
// bounded, in replays and in bytes: a replay that finds it full is dropped with a log line, as a
// slow client's snapshot is.
type Saver struct {
	store Store
	log   *slog.Logger
	queue chan job

	mu     sync.Mutex // guards closed against Save's send, and bytes
	closed bool
	bytes  int // of the replays queued
	done   chan struct{}
}

type job struct {
	meta Meta
	data []byte
}

// DefaultQueue is the saver's queue length when NewSaver is given 0: a burst of rooms closing at
// once (a shutdown: every recording room hands its file over within milliseconds) waits there
// while the store writes, up to MaxQueuedBytes.
const DefaultQueue = 4096

// MaxQueuedBytes bounds the bytes of the replays waiting to be saved (a 10-minute file of a full
// arena is about 150 KB, so a thousand such files fit).
const MaxQueuedBytes = 256 << 20

// NewSaver starts a saver into store with a queue of queue replays (DefaultQueue for 0). Close
// stops it.
func NewSaver(store Store, queue int, log *slog.Logger) *Saver {
	if queue <= 0 {
		queue = DefaultQueue
	}
	if log == nil {
		log = slog.Default()
	}
	s := &Saver{store: store, log: log, queue: make(chan job, queue), done: make(chan struct{})}
	go s.run()
	return s
}

// Save queues a replay and returns at once. It reports whether the replay was queued: false when
// the queue is full or the saver closed (the replay is then dropped, and logged).
func (s *Saver) Save(meta Meta, data []byte) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		s.log.Warn("replay dropped: the saver has stopped", "replay", meta.ID, "bytes", len(data))
		return false
	}
	if s.bytes+len(data) > MaxQueuedBytes {
		s.log.Warn("replay dropped: the save queue is full", "replay", meta.ID, "bytes", len(data), "queued bytes", s.bytes)
		return false
	}
	select {
	case s.queue <- job{meta, data}:
		s.bytes += len(data)
		return true
	default:
		s.log.Warn("replay dropped: the save queue is full", "replay", meta.ID, "bytes", len(data), "queue", cap(s.queue))
		return false
	}
}

// Close saves what is queued, then stops the saver; a Save after it drops its replay. It waits for
// the last save to end.
func (s *Saver) Close() {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.queue)
	}
	s.mu.Unlock()
	<-s.done
}

func (s *Saver) run() {
	defer close(s.done)
	for j := range s.queue {
		err := s.store.Save(j.meta, j.data)
		s.mu.Lock()
		s.bytes -= len(j.data)
		s.mu.Unlock()
		if err != nil {
			s.log.Error("replay not saved", "replay", j.meta.ID, "error", err)
			continue
		}
		s.log.Info("replay saved", "replay", j.meta.ID, "game", j.meta.Game, "room", j.meta.Room,
			"ticks", j.meta.Ticks, "bytes", len(j.data))
	}
}
