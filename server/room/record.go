package room

import (
	"bytes"
	"fmt"
	"time"

	"github.com/tickwire/tickwire/shared/replay"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/vmihailenco/msgpack/v5"
)

// Recording. A room with Config.Record writes what it applies, tick by tick, into a replay file
// (shared/replay's format) held in memory, and hands each finished file to Config.OnReplay. The
// file starts with the state as it is when its first player arrives (a keyframe), then has one
// record per tick stepped: the arrivals and departures applied before the step, in order; the
// presence changes (presence.go); the game messages Receive got, in order; and the inputs exactly as Step got them (after lag
// compensation's Judge, so with the game's replay.FullInputCodec when it has one). A keyframe of
// the whole state follows every Config.KeyframeEvery, so that a player can seek.
//
// A file ends, and OnReplay gets it, when the room closes ("closed"), fails ("failed": the file is
// then the bug report, up to the last tick that stepped), moves to another node ("moved"; the
// room restored there starts a file of its own), has played MaxReplayLength ("cut"; the next file
// starts at once, from a keyframe of the same tick) or has no seat left ("empty"; the next file
// starts with the next arrival). A file in which no player was seated for a single tick is dropped:
// an empty room records nothing.
//
// Everything here runs on the room's goroutine and only writes memory: the compressed file grows
// by a few kilobytes per player-minute, and the I/O happens in OnReplay's receiver.

// MaxReplayLength is the most play one replay file holds: a longer recording is cut into files of
// this length.
const MaxReplayLength = 10 * time.Minute

// Reasons a replay file ends with (ReplayMeta.Reason and the file's end record).
const (
	ReplayClosed = "closed"
	ReplayFailed = "failed"
	ReplayMoved  = "moved"
	ReplayCut    = "cut"
	ReplayEmpty  = "empty"
)

// ReplayMeta describes a finished replay file, for Config.OnReplay.
type ReplayMeta struct {
	Game, Room string
	// Players names everyone who played in the file: those seated when it started, then each
	// arrival, in order, each player once.
	Players []string
	// Started is when the file started (the wall clock, for listing; the file's ticks do not
	// depend on it).
	Started time.Time
	// FirstTick is the tick of the file's first keyframe, LastTick the last tick it recorded.
	FirstTick, LastTick uint32
	TickRate            int
	// Node is the server that recorded the file (Config.Node).
	Node string
	// Reason is why the file ended: ReplayClosed, ReplayFailed, ReplayMoved, ReplayCut or
	// ReplayEmpty.
	Reason string
}

// recorder writes one room's replay files. It is the room goroutine's alone.
type recorder[I any] struct {
	inputEnc *replay.InputEncoder[I] // with the game's FullInputCodec when it has one
	every    uint32                  // ticks between keyframes
	cut      uint32                  // ticks in a file at most
	w        *replay.Writer          // nil: no file open
	first    uint32                  // the open file's keyframe tick
	last     uint32                  // the last tick it recorded
	started  time.Time
	played   bool     // a tick was recorded with a player seated
	players  []string // for ReplayMeta.Players
	seen     map[sim.PlayerID]bool
	arrivals []replay.Arrival // applied since the last tick recorded
	messages []replay.Message // received this tick; bodies in buf
	msgSpans [][2]int         // each message's body in buf
	raw      []byte           // the tick's inputs, encoded one after another
	ends     []int            // where each input ends in raw
	inputs   []replay.Input
	tick     replay.Tick
	entities []sim.Entity
	seated   []replay.Arrival
	buf      bytes.Buffer // encoded message bodies of the tick being recorded
	enc      *msgpack.Encoder
}

// newRecorder returns the recorder of a room with cfg, or nil when the room records nothing.
func newRecorder[S, I any](g Game[S, I], cfg Config) *recorder[I] {
	if !cfg.Record || cfg.OnReplay == nil {
		return nil
	}
	rec := &recorder[I]{
		every: max(1, uint32((cfg.KeyframeEvery*time.Duration(cfg.TickRate)+time.Second/2)/time.Second)),
		cut:   max(1, uint32(MaxReplayLength*time.Duration(cfg.TickRate)/time.Second)),
		seen:  map[sim.PlayerID]bool{},
	}
	rec.inputEnc = replay.NewInputEncoder[I](g)
	rec.enc = msgpack.NewEncoder(&rec.buf)
	return rec
}

// recordBegin opens a replay file, if none is open, with a keyframe of the state as it is now:
// before anything the next step applies. The room calls it before applying an arrival, and at the
// start of a step while it has a seat (a restored room, a file just cut).
func (r *room[S, I]) recordBegin() {
	rec := r.rec
	if rec == nil || rec.w != nil {
		return
	}
	tick := r.tick.Load()
	kf := r.keyframe(tick)
	rec.started = time.Now()
	w, err := replay.NewWriter(replay.Header{Format: replay.Format, Game: r.info.Name, StateVersion: r.info.StateVersion,
		Room: r.cfg.Name, TickRate: r.cfg.TickRate, Started: rec.started, KeyframeEvery: int(rec.every), Node: r.cfg.Node}, kf)
	if err != nil {
		r.recordFailed(err)
		return
	}
	rec.w, rec.first, rec.last, rec.played = w, tick, tick, false
	rec.players = rec.players[:0]
	clear(rec.seen)
	rec.arrivals = rec.arrivals[:0]
	for _, s := range r.seats {
		rec.player(s.id, s.name)
	}
}

// keyframe returns the whole state as it is now, at tick, with the players seated. Its slices are
// the recorder's, reused: the writer encodes them at once.
func (r *room[S, I]) keyframe(tick uint32) replay.Keyframe {
	rec := r.rec
	rec.entities = r.g.Entities(&r.state, rec.entities[:0])
	rec.seated = rec.seated[:0]
	for _, s := range r.seats { // sorted by player
		rec.seated = append(rec.seated, replay.Arrival{Player: s.id, Name: s.name})
	}
	kf := replay.Keyframe{Tick: tick, Entities: rec.entities, Players: rec.seated}
	if r.keeper != nil {
		kf.RoomState = r.keeper.SaveRoomState(&r.state, []byte{})
	}
	return kf
}

// player counts id, named name, among the file's players.
func (rec *recorder[I]) player(id sim.PlayerID, name string) {
	if !rec.seen[id] {
		rec.seen[id] = true
		rec.players = append(rec.players, name)
	}
}

// recordArrival notes a join (leaving false) or a departure applied to the game.
func (r *room[S, I]) recordArrival(s *seat[S, I], leaving bool) {
	rec := r.rec
	if rec == nil || rec.w == nil {
		return
	}
	rec.arrivals = append(rec.arrivals, replay.Arrival{Player: s.id, Name: s.name, Leaving: leaving})
	if !leaving {
		rec.player(s.id, s.name)
	}
}

// recordMessage notes a game message handed to Receive.
func (r *room[S, I]) recordMessage(from sim.PlayerID, m wire.Message) {
	rec := r.rec
	if rec == nil || rec.w == nil {
		return
	}
	start := rec.buf.Len()
	if err := m.EncodeBody(rec.enc); err != nil {
		r.recordFailed(fmt.Errorf("message %s from player %d: %w", m.Op(), from, err))
		return
	}
	rec.messages = append(rec.messages, replay.Message{Player: from, Op: m.Op()})
	rec.msgSpans = append(rec.msgSpans, [2]int{start, rec.buf.Len()})
}

// recordStep writes the record of tick, just stepped with r.inputs, then a keyframe when one is due,
// and ends the file when it is full or the room has no seat left.
func (r *room[S, I]) recordStep(tick uint32) {
	rec := r.rec
	if rec == nil || rec.w == nil {
		return
	}
	rec.raw, rec.ends, rec.inputs = rec.raw[:0], rec.ends[:0], rec.inputs[:0]
	for i := range r.inputs {
		var err error
		if rec.raw, err = rec.inputEnc.Append(rec.raw, &r.inputs[i].Input); err != nil {
			r.recordFailed(fmt.Errorf("player %d's input at tick %d: %w", r.inputs[i].Player, tick, err))
			return
		}
		rec.ends = append(rec.ends, len(rec.raw))
		rec.inputs = append(rec.inputs, replay.Input{Player: r.inputs[i].Player})
	}
	// The buffers have stopped growing: the bodies can be sliced out of them now.
	b := rec.buf.Bytes()
	for i := range rec.messages {
		rec.messages[i].Body = b[rec.msgSpans[i][0]:rec.msgSpans[i][1]]
	}
	start := 0
	for i := range rec.inputs {
		rec.inputs[i].Input = rec.raw[start:rec.ends[i]]
		start = rec.ends[i]
	}
	rec.tick = replay.Tick{Tick: tick, Arrivals: rec.arrivals, Presence: r.presLog, Messages: rec.messages, Inputs: rec.inputs}
	err := rec.w.Tick(&rec.tick)
	rec.tick = replay.Tick{}
	rec.arrivals, rec.messages, rec.msgSpans = rec.arrivals[:0], rec.messages[:0], rec.msgSpans[:0]
	r.presLog = r.presLog[:0]
	clear(rec.inputs)
	rec.buf.Reset()
	if err != nil {
		r.recordFailed(fmt.Errorf("tick %d: %w", tick, err))
		return
	}
	rec.last = tick
	rec.played = rec.played || len(r.inputs) > 0
	switch {
	case len(r.seats) == 0:
		r.recordEnd(ReplayEmpty)
	case tick-rec.first >= rec.cut:
		r.recordEnd(ReplayCut)
		r.recordBegin() // the next file starts from this tick's state
	case (tick-rec.first)%rec.every == 0:
		kf := r.keyframe(tick)
		if err := rec.w.Keyframe(&kf); err != nil {
			r.recordFailed(fmt.Errorf("keyframe at tick %d: %w", tick, err))
		}
	}
}

// recordEnd finishes the open file, if any, and hands it to Config.OnReplay, unless no player was
// seated for any tick of it.
func (r *room[S, I]) recordEnd(reason string) {
	rec := r.rec
	if rec == nil || rec.w == nil {
		return
	}
	w := rec.w
	rec.w = nil
	clear(rec.inputs)
	rec.arrivals, rec.messages, rec.msgSpans = rec.arrivals[:0], rec.messages[:0], rec.msgSpans[:0]
	r.presLog = r.presLog[:0]
	rec.buf.Reset()
	if reason != ReplayFailed && rec.last != rec.first && (rec.last-rec.first)%rec.every != 0 {
		// A keyframe of the last tick too, so that replay.Check compares the file's last stretch
		// (the state is the last tick's, except after a failed step).
		kf := r.keyframe(rec.last)
		if err := w.Keyframe(&kf); err != nil {
			r.recordFailed(fmt.Errorf("last keyframe: %w", err))
			return
		}
	}
	data, err := w.Close(replay.End{Tick: rec.last, Reason: reason})
	if err != nil {
		r.recordFailed(fmt.Errorf("end: %w", err))
		return
	}
	if !rec.played {
		return
	}
	r.cfg.OnReplay(data, ReplayMeta{Game: r.info.Name, Room: r.cfg.Name, Players: append([]string(nil), rec.players...),
		Started: rec.started, FirstTick: rec.first, LastTick: rec.last, TickRate: r.cfg.TickRate, Node: r.cfg.Node, Reason: reason})
}

// recordFailed stops the room's recording for good: a writer that fails will fail again, and the
// room plays on without it.
func (r *room[S, I]) recordFailed(err error) {
	r.cfg.Logger.Error("room recording stopped", "error", err)
	r.rec = nil
}

// recordClose ends the open file as the room stops. A panic in the recording (or in OnReplay) is
// contained here, as the game's is in Run: the room is closing anyway.
func (r *room[S, I]) recordClose(reason string) {
	defer func() {
		if p := recover(); p != nil {
			r.recordFailed(fmt.Errorf("panicked: %v", p))
		}
	}()
	r.recordEnd(reason)
}
