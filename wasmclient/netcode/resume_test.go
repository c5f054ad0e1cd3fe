package netcode

import (
	"testing"
	"time"

	"github.com/tickwire/tickwire/shared/sim"
)

// room is a walker room on loopback for the resume tests, at 30 ticks a second with a snapshot
// every tick: its tick T is stepped at start + T periods, and inputs arrive the moment they are
// sent. Its clock can stand still (a room moving to another node) or start again from a
// checkpoint (a node that died, a rollback).
type room struct {
	t       *testing.T
	srv     *server
	start   time.Time // when tick 0 was due
	period  time.Duration
	inputs  map[uint32]walkerInput
	late    int                     // inputs for a tick already stepped
	ahead   int                     // the furthest ahead of the server an input was sent, in ticks
	saved   map[uint32][]sim.Entity // checkpoints, by tick
	session *Session[walkerState, walkerInput]
	sent    []Outgoing[walkerInput] // since the last call of take
}

func newRoom(t *testing.T) *room {
	r := &room{t: t, srv: newServer(3, me), start: t0, period: time.Second / 30,
		inputs: map[uint32]walkerInput{}, saved: map[uint32][]sim.Entity{}}
	r.session = NewSession[walkerState, walkerInput](walker{}, Config{TickRate: 30, SnapshotRate: 30, Player: me, Predict: true})
	r.session.RTT(time.Millisecond)
	return r
}

// play runs frames at 60 a second from 'from' for d: the room steps the ticks due and its
// snapshots arrive at once; the session advances with a push to the right and sends.
func (r *room) play(from time.Time, d time.Duration) time.Time {
	now := from
	for end := from.Add(d); now.Before(end); now = now.Add(time.Second / 60) {
		for due := r.start.Add(time.Duration(r.srv.tick+1) * r.period); !due.After(now); due = due.Add(r.period) {
			set := map[sim.PlayerID]walkerInput{}
			if in, ok := r.inputs[r.srv.tick+1]; ok {
				set[me] = in
			}
			r.srv.step(set)
			r.saved[r.srv.tick] = r.srv.entities()
			if err := r.session.Receive(r.srv.tick, 0, r.srv.entities(), due); err != nil {
				r.t.Fatal(err)
			}
		}
		outs, err := r.session.Advance(now, walkerInput{DX: 1})
		if err != nil {
			r.t.Fatal(err)
		}
		for _, o := range outs {
			if int32(o.Tick-r.srv.tick) <= 0 {
				r.t.Logf("late %+v at server %d, now %v est %.2f", o, r.srv.tick, now.Sub(t0), r.session.Stats().EstimatedTick)
				r.late++
			}
			r.ahead = max(r.ahead, int(int32(o.Tick-r.srv.tick)))
			r.inputs[o.Tick] = o.Input
			r.sent = append(r.sent, o)
		}
	}
	return now
}

func (r *room) take() []Outgoing[walkerInput] {
	s := r.sent
	r.sent = nil
	return s
}

// TestSessionResume carries a session over to a new connection to the same seat, as the Driver
// does at a welcome that resumes it: after a handoff (the room stood still while it moved), a
// plain reconnect, a long pause (the room far ahead of the old estimate), and a rollback (the room
// restored from a checkpoint 21 ticks, 0.7 s, behind what the client saw, seconds later). Each time
// inputs are numbered from 1 again, stamped just ahead of the new server at once (never seconds
// ahead, never late for long), and its snapshots are taken; only the rollback counts as one.
func TestSessionResume(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		// away is how long the client is gone; still how long of it the room stands still (it
		// steps on for the rest); back how many ticks it restarts behind where it stood.
		away, still time.Duration
		back        uint32
	}{
		{name: "handoff", away: 200 * time.Millisecond, still: 200 * time.Millisecond},
		{name: "reconnect", away: 300 * time.Millisecond},
		{name: "long pause", away: 10 * time.Second},
		{name: "rollback", away: 3 * time.Second, still: 3 * time.Second, back: 21},
		// Restored, then played on for 2 s before this client came back: its welcome is ahead of
		// what it saw, and only Welcome.Restored tells the rollback.
		{name: "rollback, welcomed later", away: 3 * time.Second, still: time.Second, back: 21},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newRoom(t)
			now := r.play(t0, 3*time.Second)
			before := r.take()
			if len(before) < 80 || r.late > 0 {
				t.Fatalf("%d inputs sent in 3 s, %d late", len(before), r.late)
			}
			lastTick, lastSeq := before[len(before)-1].Tick, before[len(before)-1].Seq
			inputTick := r.session.Stats().InputTick

			// The client is away. The room stands still for part of it (it moves, or it is down),
			// and comes back from the checkpoint back ticks behind where it stood.
			now = now.Add(tc.away)
			r.start = r.start.Add(tc.still)
			if tc.back > 0 {
				tick := r.srv.tick - tc.back
				if err := r.srv.g.Restore(&r.srv.state, r.saved[tick]); err != nil {
					t.Fatal(err)
				}
				r.srv.tick = tick
				r.start = now.Add(-time.Duration(tick) * r.period)
			}
			restored := r.srv.tick // the tick the room went back to (Welcome.Restored)
			if tc.back > 0 && tc.still < tc.away {
				r.start = r.start.Add(tc.still - tc.away) // it steps on for the rest of the time away
			}
			for due := r.start.Add(time.Duration(r.srv.tick+1) * r.period); !due.After(now); due = due.Add(r.period) {
				r.srv.step(nil) // nobody's input: the client is away
			}
			welcome, backTo := r.srv.tick, r.srv.tick
			if tc.back > 0 {
				backTo = restored
			}
			if got := r.session.Resume(welcome, backTo, now); got != tc.back {
				t.Fatalf("Resume at tick %d (newest snapshot %d) = %d ticks back, want %d", welcome, r.srv.tick, got, tc.back)
			}
			r.late, r.ahead = 0, 0
			now = r.play(now, 10*time.Millisecond) // the first frame, before any snapshot of the new server
			r.play(now, 2*time.Second)
			after := r.take()

			st := r.session.Stats()
			if len(after) < 55 || after[0].Seq != 1 {
				t.Fatalf("%d inputs in 2 s after the resume, the first %+v; want one a tick from seq 1 (before: seq %d for tick %d)",
					len(after), after[0], lastSeq, lastTick)
			}
			// The lead is at most half a second by design; seconds ahead would be refused (4016).
			if r.ahead > 15 || r.late > 1 {
				t.Errorf("after the resume inputs went up to %d ticks ahead of the room, %d late; want at most 15, at most 1", r.ahead, r.late)
			}
			if d := st.InputTick - st.EstimatedTick; d < 0 || d > 15 {
				t.Errorf("input clock %.1f, the room's tick estimated %.1f (really %d)", st.InputTick, st.EstimatedTick, r.srv.tick)
			}
			if got := r.session.interp.Newest(); got != r.srv.tick {
				t.Errorf("the newest snapshot taken is %d, the room is at %d", got, r.srv.tick)
			}
			if tc.back == 0 && st.InputTick < inputTick {
				t.Errorf("the input clock went from %.1f to %.1f without a rollback", inputTick, st.InputTick)
			}
			wantRollbacks := 0
			if tc.back > 0 {
				wantRollbacks = 1
			}
			if st.Rollbacks != wantRollbacks || st.RolledBack != tc.back {
				t.Errorf("stats count %d rollbacks, the last %d ticks; want %d, %d", st.Rollbacks, st.RolledBack, wantRollbacks, tc.back)
			}
			// The own walker is predicted from the new room's state: drawn ahead of its newest
			// snapshot, pushed right.
			own, _ := find(r.session.Entities(), sim.EntityID(me))
			snap, _ := find(r.srv.entities(), sim.EntityID(me))
			if own.Fields[fx] <= snap.Fields[fx] {
				t.Errorf("own x drawn %d, the room's %d: want it predicted ahead", own.Fields[fx], snap.Fields[fx])
			}
		})
	}
}

func TestRollback(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		newest, tick, want uint32
	}{
		{100, 100, 0},
		{100, 101, 0},
		{100, 79, 21},
		{5, 1 << 31, 0}, // far ahead: not a rollback
		{2, 0xffff_fff0, 18},
		{0xffff_fff0, 2, 0}, // the tick wrapped ahead
	} {
		if got := Rollback(tc.newest, tc.tick); got != tc.want {
			t.Errorf("Rollback(%d, %d) = %d, want %d", tc.newest, tc.tick, got, tc.want)
		}
	}
}
