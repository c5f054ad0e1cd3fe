package room

import (
	"encoding/hex"
	"reflect"
	"testing"

	"github.com/tickwire/tickwire/internal/testgame"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
)

// send encodes m and hands it to the seat as the gateway would.
func send(t *testing.T, s Seat, m wire.Message) error {
	t.Helper()
	b, err := wire.Encode(nil, m)
	if err != nil {
		t.Fatal(err)
	}
	f, err := wire.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	return s.Message(f)
}

// gameMessages returns the game messages p received, decoded, in order.
func (p *fakePeer) gameMessages(t *testing.T) []wire.Message {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []wire.Message
	for _, f := range p.frames {
		if f.Op.IsGameOp() {
			m, err := testgame.Game{}.Messages().Decode(f, wire.ToClient)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, m)
		}
	}
	return out
}

func TestMessagesApplyInPlayerThenArrivalOrder(t *testing.T) {
	t.Parallel()
	r := newLineRoom(Config{})
	var a, b fakePeer
	sb := r.Join(2, "b", &b)
	sa := r.Join(1, "a", &a)
	r.step()
	// b's messages arrive first, but a has the lower id: a's are applied first.
	for _, m := range []struct {
		s  Seat
		by int8
	}{{sb, 5}, {sa, 1}, {sb, -2}, {sa, 3}} {
		if err := send(t, m.s, &testgame.Jump{By: m.by}); err != nil {
			t.Fatal(err)
		}
	}
	r.step()
	want := []wire.Message{
		&testgame.Jumped{Player: 1, Pos: 1}, &testgame.Jumped{Player: 1, Pos: 4},
		&testgame.Jumped{Player: 2, Pos: 5}, &testgame.Jumped{Player: 2, Pos: 3},
	}
	for _, p := range []*fakePeer{&a, &b} {
		if got := p.gameMessages(t); !reflect.DeepEqual(got, want) {
			t.Errorf("events %+v, want %+v", got, want)
		}
	}
	if r.state.Pos[1] != 4 || r.state.Pos[2] != 3 {
		t.Errorf("positions %v, want 1 at 4 and 2 at 3", r.state.Pos)
	}
	// Events go out before the tick's snapshot, which already shows their effect.
	ops := a.ops()
	if last := ops[len(ops)-1]; last != wire.OpSnapshot || ops[len(ops)-2] != testgame.OpJumped {
		t.Errorf("frames %v: want the events, then the snapshot", ops)
	}
}

func TestEventToOnePlayerReachesOnlyThatPlayer(t *testing.T) {
	t.Parallel()
	r := newLineRoom(Config{})
	var a, b, c fakePeer
	sa := r.Join(1, "a", &a)
	r.Join(2, "b", &b)
	r.Join(3, "c", &c)
	r.step()
	if err := send(t, sa, &testgame.Whisper{To: 3, N: 42}); err != nil {
		t.Fatal(err)
	}
	if err := send(t, sa, &testgame.Whisper{To: 9, N: 1}); err != nil { // nobody: dropped
		t.Fatal(err)
	}
	r.step()
	if got := c.gameMessages(t); !reflect.DeepEqual(got, []wire.Message{&testgame.Whispered{From: 1, N: 42}}) {
		t.Errorf("c got %+v, want the whisper from 1", got)
	}
	if n := len(a.gameMessages(t)) + len(b.gameMessages(t)); n != 0 {
		t.Errorf("a and b got %d events, want none", n)
	}
}

func TestMessageRefusals(t *testing.T) {
	t.Parallel()
	r := newLineRoom(Config{MessageQueue: 2})
	var a fakePeer
	sa := r.Join(1, "a", &a)
	r.step()
	frame := func(h string) wire.Frame {
		b, err := hex.DecodeString(h)
		if err != nil {
			t.Fatal(err)
		}
		f, err := wire.Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	cases := []struct {
		name  string
		frame wire.Frame
		want  wire.CloseCode
	}{
		{"undeclared op", frame("924590"), wire.CloseUnknownOp},
		{"a server-to-client op", frame("9241920101"), wire.CloseUnknownOp},
		{"out of range", frame("92409110"), wire.CloseMalformed}, // jump by 16
		{"wrong type", frame("924091a0"), wire.CloseMalformed},
	}
	for _, tc := range cases {
		if err := sa.Message(tc.frame); closeCode(t, err) != tc.want {
			t.Errorf("%s: err %v, want close code %d", tc.name, err, tc.want)
		}
	}
	for i := range 3 {
		err := send(t, sa, &testgame.Jump{By: 1})
		if i < 2 && err != nil || i == 2 && closeCode(t, err) != wire.ClosePolicy {
			t.Errorf("message %d: err %v, want nil for the first two and 1008 for the third", i+1, err)
		}
	}
	r.step()
	if r.state.Pos[1] != 2 {
		t.Errorf("position %d, want 2: the two queued jumps and nothing refused", r.state.Pos[1])
	}
}

// silent is a game without messages of its own.
type silent struct{ testgame.Game }

// Messages hides the embedded Messenger: silent's method set lacks Receive and Events.
func (silent) Messages() {}

func TestGameWithoutMessagesRefusesGameOps(t *testing.T) {
	t.Parallel()
	r := For[testgame.State, int8](silent{}).New(Config{Logger: quietLogger()})
	s := r.Join(1, "a", &fakePeer{})
	if err := send(t, s, &testgame.Jump{By: 1}); closeCode(t, err) != wire.CloseUnknownOp {
		t.Errorf("err %v, want 4002", err)
	}
}

// badEvents declares its events as client → server only, so sending one is a bug in the game.
type badEvents struct{ testgame.Game }

func (badEvents) Messages() wire.MessageSet {
	return wire.MessageSet{
		{Op: testgame.OpJump, Name: "jump", Dir: wire.ToServer, New: func() wire.Message { return &testgame.Jump{} }},
		{Op: testgame.OpJumped, Name: "jumped", Dir: wire.ToServer, New: func() wire.Message { return &testgame.Jumped{} }},
	}
}

func TestUndeclaredEventFailsTheRoom(t *testing.T) {
	t.Parallel()
	r := For[testgame.State, int8](badEvents{}).New(Config{Logger: quietLogger()}).(*room[testgame.State, int8])
	s := r.Join(1, "a", &fakePeer{})
	r.step()
	if err := send(t, s, &testgame.Jump{By: 1}); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if recover() == nil {
			t.Error("an event the game does not declare as server → client did not panic the room")
		}
	}()
	r.step()
}

// badSet declares a message with a toolkit op.
type badSet struct{ testgame.Game }

func (badSet) Messages() wire.MessageSet {
	return wire.MessageSet{{Op: wire.OpPing, Name: "ping", Dir: wire.ToServer, New: func() wire.Message { return &wire.Ping{} }}}
}

func TestBadMessageSetIsFoundAtStart(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Error("a game declaring a toolkit op was registered")
		}
	}()
	For[testgame.State, int8](badSet{})
}

var (
	_ Messenger[testgame.State]      = testgame.Game{}
	_ sim.Game[testgame.State, int8] = silent{}
)
