package replays

import (
	"log/slog"
	"sync"
)

// Saver saves replays to a Store from a goroutine of its own, so that a room, which hands its
// recording over from the goroutine that steps it, never waits for a disk or NATS. Its queue is
// bounded: a replay that finds it full is dropped with a log line, as a slow client's snapshot is.
type Saver struct {
	store Store
	log   *slog.Logger
	queue chan job

	mu     sync.Mutex // guards closed against Save's send
	closed bool
	done   chan struct{}
}

type job struct {
	meta Meta
	data []byte
}

// DefaultQueue is the saver's queue length when NewSaver is given 0: a burst of rooms closing at
// once (a shutdown) waits there while the store writes.
const DefaultQueue = 64

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
	select {
	case s.queue <- job{meta, data}:
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
		if err := s.store.Save(j.meta, j.data); err != nil {
			s.log.Error("replay not saved", "replay", j.meta.ID, "error", err)
			continue
		}
		s.log.Info("replay saved", "replay", j.meta.ID, "game", j.meta.Game, "room", j.meta.Room,
			"ticks", j.meta.Ticks, "bytes", len(j.data))
	}
}
