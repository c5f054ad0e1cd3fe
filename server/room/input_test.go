package room

import (
	"slices"
	"testing"
	"time"

	"github.com/tickwire/tickwire/internal/testgame"
	"github.com/tickwire/tickwire/shared/wire"
)

type sentInput struct {
	seq, tick uint32
	v         int8
}

// TestInputRules sends inputs to a seat of a room at tick 10 (InputLead 5), then steps ticks 11 to
// 16, and checks what each input did.
func TestInputRules(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		sent      []sentInput
		err       wire.CloseCode // the close of the last input sent, or 0
		pos       int32          // after tick 16
		ack       uint32
		late, dup int
	}{
		{name: "for the next tick", sent: []sentInput{{1, 11, 1}}, pos: 6, ack: 1}, // 1, then repeated 5 times
		{name: "for a later tick", sent: []sentInput{{1, 14, 1}}, pos: 3, ack: 1},
		{name: "at the lead", sent: []sentInput{{1, 15, 1}}, pos: 2, ack: 1},
		{name: "one past the lead", sent: []sentInput{{1, 16, 1}}, err: wire.CloseInputAhead},
		{name: "far ahead", sent: []sentInput{{1, 1 << 31, 1}}, err: wire.CloseInputAhead},
		{name: "largest tick", sent: []sentInput{{1, 1<<32 - 1, 1}}, err: wire.CloseInputAhead},
		{name: "for the current tick is late", sent: []sentInput{{1, 10, 1}}, late: 1},
		{name: "for tick 0 is late", sent: []sentInput{{1, 0, 1}}, late: 1},
		{name: "late does not stop the next", sent: []sentInput{{1, 3, 7}, {2, 12, 1}}, pos: 5, ack: 2, late: 1},
		{name: "duplicate: the first stands", sent: []sentInput{{1, 11, 1}, {2, 11, 100}, {3, 11, 100}}, pos: 6, ack: 1, dup: 2},
		{name: "sequence repeated", sent: []sentInput{{1, 11, 1}, {1, 12, 1}}, err: wire.CloseUnexpected, pos: 6, ack: 1},
		{name: "sequence backwards", sent: []sentInput{{5, 11, 1}, {4, 12, 1}}, err: wire.CloseUnexpected, pos: 6, ack: 5},
		{name: "sequence backwards when late", sent: []sentInput{{5, 11, 1}, {4, 2, 1}}, err: wire.CloseUnexpected, pos: 6, ack: 5},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var obs recordingObserver
			r := newLineRoom(Config{InputLead: 5, Observer: &obs})
			var p fakePeer
			s := r.Join(1, "a", &p)
			for range 10 {
				r.step()
			}
			var err error
			for _, in := range tc.sent {
				err = s.Input(inputBody(t, wire.InputHeader{Seq: in.seq, Tick: in.tick}, in.v))
			}
			if closeCode(t, err) != tc.err {
				t.Fatalf("err %v, want close code %d", err, tc.err)
			}
			for range 6 {
				r.step()
			}
			st := s.(*seat[testgame.State, int8])
			if got := r.state.Pos[1]; got != tc.pos || st.ack != tc.ack {
				t.Errorf("position %d, ack %d; want %d, %d", got, st.ack, tc.pos, tc.ack)
			}
			if obs.lateInputs != tc.late || obs.dup != tc.dup {
				t.Errorf("observed %d late, %d duplicate; want %d, %d", obs.lateInputs, obs.dup, tc.late, tc.dup)
			}
		})
	}
}

func TestInputAheadReasonIsReadable(t *testing.T) {
	t.Parallel()
	r := newLineRoom(Config{})
	var p fakePeer
	s := r.Join(1, "a", &p)
	r.tick.Store(200)
	err := s.Input(inputBody(t, wire.InputHeader{Seq: 1, Tick: 900}, 1))
	const want = "input for tick 900 is 700 ticks ahead of the server (at most 60)"
	if ce, ok := wire.AsCloseError(err); !ok || ce.Code != wire.CloseInputAhead || ce.Reason != want {
		t.Fatalf("err %v, want 4016 with the reason %q", err, want)
	}
}

// TestMissingInputsRepeatThenStop checks that the last input repeats for InputRepeat ticks, then the
// player gets the zero input, and that a fresh input restarts the count.
func TestMissingInputsRepeatThenStop(t *testing.T) {
	t.Parallel()
	r := newLineRoom(Config{InputRepeat: 2})
	var p fakePeer
	s := r.Join(1, "a", &p)
	r.step()
	if err := s.Input(inputBody(t, wire.InputHeader{Seq: 1, Tick: 2}, 1)); err != nil {
		t.Fatal(err)
	}
	if err := s.Input(inputBody(t, wire.InputHeader{Seq: 2, Tick: 7}, 10)); err != nil {
		t.Fatal(err)
	}
	var got []int32
	for range 9 { // ticks 2 to 10
		r.step()
		got = append(got, r.state.Pos[1])
	}
	// Tick 2: +1; 3, 4: repeated; 5, 6: nothing; 7: +10; 8, 9: repeated; 10: nothing.
	want := []int32{1, 2, 3, 3, 3, 13, 23, 33, 33}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("positions %v, want %v", got, want)
		}
	}
	if st := s.(*seat[testgame.State, int8]); st.ack != 2 {
		t.Errorf("ack %d, want 2: repeats and the zero input acknowledge nothing new", st.ack)
	}
}

// TestOneInputPerTickAtMost checks that a client cannot move faster by sending more inputs: one
// seat sends three inputs for each tick, another one, and both move one a tick.
func TestOneInputPerTickAtMost(t *testing.T) {
	t.Parallel()
	var obs recordingObserver
	r := newLineRoom(Config{Observer: &obs})
	var pa, pb fakePeer
	fast := r.Join(1, "fast", &pa)
	fair := r.Join(2, "fair", &pb)
	r.step()
	seqFast, seqFair := uint32(0), uint32(0)
	const ticks = 60
	for range ticks {
		next := r.Tick() + 1
		// Both aim two ticks ahead, as a client does; the fast one also tries the ticks around.
		for _, tick := range []uint32{next + 2, next + 2, next + 2} {
			seqFast++
			if err := fast.Input(inputBody(t, wire.InputHeader{Seq: seqFast, Tick: tick}, 1)); err != nil {
				t.Fatal(err)
			}
		}
		seqFair++
		if err := fair.Input(inputBody(t, wire.InputHeader{Seq: seqFair, Tick: next + 2}, 1)); err != nil {
			t.Fatal(err)
		}
		r.step()
	}
	// The first two ticks stepped had no input yet: the first was for the third.
	if a, b := r.state.Pos[1], r.state.Pos[2]; a != b || a != ticks-2 {
		t.Errorf("three inputs a tick moved the player to %d, one a tick to %d; want both at %d", a, b, ticks-2)
	}
	if obs.dup != 2*ticks {
		t.Errorf("%d duplicates observed, want %d", obs.dup, 2*ticks)
	}
}

// TestInputRingIsBounded floods a seat with inputs for every tick it may hold and for ticks already
// stepped: the ring keeps its size and one input per tick.
func TestInputRingIsBounded(t *testing.T) {
	t.Parallel()
	r := newLineRoom(Config{InputLead: 8})
	var p fakePeer
	s := r.Join(1, "a", &p)
	st := s.(*seat[testgame.State, int8])
	ring := &st.ring[0]
	r.step()
	seq := uint32(0)
	for range 50 {
		for tick := range r.Tick() + 9 {
			seq++
			if err := s.Input(inputBody(t, wire.InputHeader{Seq: seq, Tick: tick}, 1)); err != nil {
				t.Fatal(err)
			}
		}
		r.step()
	}
	if len(st.ring) != 9 || cap(st.ring) != 9 || &st.ring[0] != ring {
		t.Errorf("the ring has %d slots (capacity %d), want the same 9 as at the start", len(st.ring), cap(st.ring))
	}
	if got := r.state.Pos[1]; got != 50 {
		t.Errorf("position %d after 50 flooded ticks, want 50", got)
	}
}

// TestDetachAndResumeForgetHeldInputs checks that a seat whose connection is lost stands still,
// and that the connection resuming it starts afresh: its first inputs are neither stale nor
// duplicates of the old connection's.
func TestDetachAndResumeForgetHeldInputs(t *testing.T) {
	t.Parallel()
	r := newLineRoom(Config{})
	var p, p2 fakePeer
	s := r.Join(1, "a", &p)
	r.step()
	for seq := uint32(1); seq <= 5; seq++ {
		if err := s.Input(inputBody(t, wire.InputHeader{Seq: seq, Tick: 1 + seq}, 1)); err != nil {
			t.Fatal(err)
		}
	}
	r.step() // tick 2: +1
	s.Detach()
	r.step() // the detach applies before tick 3's inputs: none
	r.step()
	if got := r.state.Pos[1]; got != 1 {
		t.Fatalf("a detached seat moved to %d, want 1", got)
	}
	st := s.(*seat[testgame.State, int8])
	tok, err := ParseToken(r.newToken(st))
	if err != nil {
		t.Fatal(err)
	}
	req := resumeRequest[testgame.State, int8]{token: tok, peer: &p2, reply: make(chan resumeReply[testgame.State, int8], 1)}
	r.resume(&req)
	if rep := <-req.reply; rep.err != nil {
		t.Fatal(rep.err)
	}
	if err := s.Input(inputBody(t, wire.InputHeader{Seq: 1, Tick: r.Tick() + 1}, 2)); err != nil {
		t.Fatalf("the resumed connection's first input: %v", err)
	}
	r.step()
	if got := r.state.Pos[1]; got != 3 {
		t.Errorf("position %d after the resumed input, want 3", got)
	}
}

func TestInputDefaults(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name         string
		tickRate     int
		cfg          Config
		lead, repeat int
		rewind       time.Duration
	}{
		{"two seconds of ticks at 30", 30, Config{}, 60, 6, time.Second},
		{"two seconds of ticks at 60", 60, Config{}, 120, 6, time.Second},
		{"the configured tick rate", 60, Config{TickRate: 20}, 40, 6, time.Second},
		{"configured", 30, Config{InputLead: 5, InputRepeat: 2, MaxRewind: time.Second}, 5, 2, time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := Resolve(testgame.Game{TickRate: tc.tickRate}.Info(), tc.cfg)
			if got.InputLead != tc.lead || got.InputRepeat != tc.repeat || got.MaxRewind != tc.rewind {
				t.Errorf("InputLead %d, InputRepeat %d, MaxRewind %v; want %d, %d, %v",
					got.InputLead, got.InputRepeat, got.MaxRewind, tc.lead, tc.repeat, tc.rewind)
			}
		})
	}
}

// FuzzSeatInput plays scripts of inputs with any sequence numbers, ticks and rewinds, and steps, at
// a seat: the seat refuses only what the rules refuse, its ring keeps its size, and the player
// moves at most one input a tick. Each 4 bytes of the script are one input: the change of seq
// (signed), the tick relative to the room's (signed), the rewind, and the value's low bits and
// whether to step after it.
func FuzzSeatInput(f *testing.F) {
	f.Add([]byte{1, 1, 0, 3, 1, 2, 0, 1, 1, 2, 9, 3})
	f.Add([]byte{1, 0, 0, 3, 0xff, 3, 0, 3})
	f.Add([]byte{1, 5, 0, 3, 1, 6, 0, 3, 1, 0x80, 0, 3, 1, 0x7f, 0, 3})
	f.Fuzz(func(t *testing.T, script []byte) {
		const lead = 4
		r := newLineRoom(Config{InputLead: lead, InputRepeat: 2})
		var p fakePeer
		s := r.Join(1, "a", &p)
		st := s.(*seat[testgame.State, int8])
		r.step()
		var seq, lastSeq uint32
		for steps := 0; len(script) >= 4 && steps < 450; script = script[4:] {
			seq = uint32(int64(seq) + int64(int8(script[0])))
			tick := uint32(int64(r.Tick()) + int64(int8(script[1])))
			v := int8(script[3]&3) - 1 // -1, 0, 1 or 2: under testgame.PanicAt in 450 steps
			err := s.Input(inputBody(t, wire.InputHeader{Seq: seq, Tick: tick, Rewind: uint32(script[2])}, v))
			switch {
			case seq <= lastSeq:
				if closeCode(t, err) != wire.CloseUnexpected {
					t.Fatalf("seq %d after %d: err %v, want 4009", seq, lastSeq, err)
				}
			case uint64(tick) > uint64(r.Tick())+lead:
				if closeCode(t, err) != wire.CloseInputAhead {
					t.Fatalf("tick %d at %d: err %v, want 4016", tick, r.Tick(), err)
				}
			case err != nil:
				t.Fatalf("seq %d tick %d at %d: %v", seq, tick, r.Tick(), err)
			default:
				lastSeq = seq
			}
			if script[3]&4 != 0 {
				before := r.state.Pos[1]
				r.step()
				steps++
				if d := r.state.Pos[1] - before; d < -1 || d > 2 {
					t.Fatalf("the player moved %d in one tick", d)
				}
			}
			if len(st.ring) != lead+1 {
				t.Fatalf("the ring has %d slots, want %d", len(st.ring), lead+1)
			}
		}
	})
}

// batchBody returns the body of an inputs frame: vs for the ticks from tick on, numbered from seq,
// entry i with rewind 256·(i+1).
func batchBody(t *testing.T, seq, tick uint32, vs ...int8) []byte {
	t.Helper()
	b := wire.InputBatch[int8]{Seq: seq, Tick: tick}
	for i, v := range vs {
		b.Entries = append(b.Entries, wire.InputEntry[int8]{Input: v, Rewind: 256 * uint32(i+1)})
	}
	frame, err := wire.EncodeInputs(nil, testgame.Game{}, &b)
	if err != nil {
		t.Fatal(err)
	}
	f, err := wire.Decode(frame)
	if err != nil || f.Op != wire.OpInputs {
		t.Fatal(f.Op, err)
	}
	return f.Body
}

// TestInputBatchRules sends input frames and batches to a seat of a room at tick 10 (InputLead 5),
// then steps ticks 11 to 16, and checks what each did: a batch's inputs land each on its own tick,
// judged as if each had come alone.
func TestInputBatchRules(t *testing.T) {
	t.Parallel()
	type frame struct {
		seq, tick uint32
		vs        []int8 // one: an input frame; more, or none: an inputs frame
	}
	cases := []struct {
		name      string
		sent      []frame
		err       wire.CloseCode // the close of the last frame sent, or 0
		moves     []int32        // the player's move at ticks 11 to 16
		ack       uint32
		late, dup int
	}{
		{name: "each input on its tick", sent: []frame{{1, 11, []int8{1, 2, 4}}}, moves: []int32{1, 2, 4, 4, 4, 4}, ack: 3},
		{name: "batch after batch", sent: []frame{{1, 11, []int8{1, 2}}, {3, 13, []int8{4, 8}}}, moves: []int32{1, 2, 4, 8, 8, 8}, ack: 4},
		{name: "a batch then an input", sent: []frame{{1, 11, []int8{1, 2}}, {3, 13, []int8{4}}}, moves: []int32{1, 2, 4, 4, 4, 4}, ack: 3},
		{name: "a gap between batches repeats the last", sent: []frame{{1, 11, []int8{1, 2}}, {3, 14, []int8{4, 8}}}, moves: []int32{1, 2, 2, 4, 8, 8}, ack: 4},
		{name: "late ones dropped", sent: []frame{{1, 9, []int8{50, 50, 1, 2}}}, moves: []int32{1, 2, 2, 2, 2, 2}, ack: 4, late: 2},
		{name: "all late", sent: []frame{{1, 8, []int8{50, 50}}}, moves: []int32{0, 0, 0, 0, 0, 0}, late: 2},
		{name: "duplicates ignored: the first stands", sent: []frame{{1, 12, []int8{50}}, {2, 11, []int8{1, 2, 4}}}, moves: []int32{1, 50, 4, 4, 4, 4}, ack: 4, dup: 1},
		{name: "a resent batch is all duplicates", sent: []frame{{1, 11, []int8{1, 2}}, {3, 11, []int8{8, 8}}}, moves: []int32{1, 2, 2, 2, 2, 2}, ack: 2, dup: 2},
		{name: "last tick at the lead", sent: []frame{{1, 13, []int8{1, 2, 4}}}, moves: []int32{0, 0, 1, 2, 4, 4}, ack: 3},
		{name: "last tick past the lead", sent: []frame{{1, 14, []int8{1, 2, 4}}}, err: wire.CloseInputAhead, moves: []int32{0, 0, 0, 0, 0, 0}},
		{name: "first sequence number not newer", sent: []frame{{5, 11, []int8{1}}, {5, 12, []int8{2, 4}}}, err: wire.CloseUnexpected, moves: []int32{1, 1, 1, 1, 1, 1}, ack: 5},
		{name: "first sequence number inside the last batch", sent: []frame{{1, 11, []int8{1, 2, 4}}, {2, 14, []int8{8}}}, err: wire.CloseUnexpected, moves: []int32{1, 2, 4, 4, 4, 4}, ack: 3},
		{name: "empty batch", sent: []frame{{1, 11, nil}}, err: wire.CloseMalformed, moves: []int32{0, 0, 0, 0, 0, 0}},
		{name: "too long a batch", sent: []frame{{1, 11, make([]int8, wire.MaxInputsPerMessage+1)}}, err: wire.CloseMalformed, moves: []int32{0, 0, 0, 0, 0, 0}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var obs recordingObserver
			r := newLineRoom(Config{InputLead: 5, Observer: &obs})
			var p fakePeer
			s := r.Join(1, "a", &p)
			for range 10 {
				r.step()
			}
			var err error
			for _, f := range tc.sent {
				switch len(f.vs) {
				case 1:
					err = s.Input(inputBody(t, wire.InputHeader{Seq: f.seq, Tick: f.tick}, f.vs[0]))
				case 0, wire.MaxInputsPerMessage + 1: // what an encoder refuses to write
					n := byte(len(f.vs))
					body := []byte{0x94, byte(f.seq), byte(f.tick), 0, 0xdc, 0, n}
					for range n {
						body = append(body, 0x90)
					}
					err = s.Inputs(body)
				default:
					err = s.Inputs(batchBody(t, f.seq, f.tick, f.vs...))
				}
			}
			if closeCode(t, err) != tc.err {
				t.Fatalf("err %v, want close code %d", err, tc.err)
			}
			var moves []int32
			for range 6 {
				before := r.state.Pos[1]
				r.step()
				moves = append(moves, r.state.Pos[1]-before)
			}
			st := s.(*seat[testgame.State, int8])
			if !slices.Equal(moves, tc.moves) || st.ack != tc.ack {
				t.Errorf("moves %v, ack %d; want %v, %d", moves, st.ack, tc.moves, tc.ack)
			}
			if obs.lateInputs != tc.late || obs.dup != tc.dup {
				t.Errorf("observed %d late, %d duplicate; want %d, %d", obs.lateInputs, obs.dup, tc.late, tc.dup)
			}
		})
	}
}

// TestInputBatchKeepsEachRewind checks that each input of a batch is held with its own sequence
// number and rewind, as an input frame's would be, and that the seat keeps no reference to the
// batch's inputs.
func TestInputBatchKeepsEachRewind(t *testing.T) {
	t.Parallel()
	r := newLineRoom(Config{InputLead: 8})
	var p fakePeer
	s := r.Join(1, "a", &p)
	r.step()
	if err := s.Inputs(batchBody(t, 7, 3, 1, 2, 3)); err != nil {
		t.Fatal(err)
	}
	st := s.(*seat[testgame.State, int8])
	for i := range uint32(3) {
		got := st.ring[(3+i)%uint32(len(st.ring))]
		want := heldInput[int8]{tick: 3 + i, seq: 7 + i, rewind: 256 * (i + 1), input: int8(i + 1)}
		if got != want {
			t.Errorf("slot of tick %d: %+v, want %+v", 3+i, got, want)
		}
	}
	if st.lastSeq != 9 {
		t.Errorf("last sequence number %d, want 9", st.lastSeq)
	}
	for _, e := range st.batch.Entries[:cap(st.batch.Entries)] {
		if e != (wire.InputEntry[int8]{}) {
			t.Errorf("the decoded batch still holds %+v", e)
		}
	}
}

// TestSpectatorBatchRefused checks that a spectator's inputs frame closes with 4012, as an input
// frame does.
func TestSpectatorBatchRefused(t *testing.T) {
	t.Parallel()
	r := newLineRoom(Config{})
	var p fakePeer
	s := r.Watch("w", &p)
	if got := closeCode(t, s.Inputs(batchBody(t, 1, 2, 1, 1))); got != wire.CloseSpectator {
		t.Fatalf("close %d, want %d", got, wire.CloseSpectator)
	}
}
