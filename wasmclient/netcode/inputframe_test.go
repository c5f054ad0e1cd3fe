package netcode

import (
	"testing"

	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/shared/wire"
)

// TestAppendInputFrame checks both shapes a client sends: one input alone as an input frame (what
// a server from before batching reads), more as one inputs frame, each entry with its own rewind,
// and the scratch batch left empty for the next message.
func TestAppendInputFrame(t *testing.T) {
	enc := wire.NewInputEncoder[arena.Input](arena.Game{})
	var scratch wire.InputBatch[arena.Input]
	part := []Outgoing[arena.Input]{
		{Seq: 7, Tick: 100, Rewind: 256, Input: arena.Input{MoveX: 5}},
		{Seq: 8, Tick: 101, Rewind: 512, Input: arena.Input{MoveX: -5, Buttons: arena.ButtonDash}},
	}

	one, err := AppendInputFrame(nil, enc, &scratch, 99, part[:1])
	if err != nil {
		t.Fatal(err)
	}
	f, err := wire.Decode(one)
	if err != nil || f.Op != wire.OpInput {
		t.Fatalf("one input: op %v, %v; want an input frame", f.Op, err)
	}
	var h wire.InputHeader
	var in arena.Input
	if err := wire.DecodeInput(f.Body, arena.Game{}, &h, &in); err != nil || h != (wire.InputHeader{Seq: 7, Tick: 100, Ack: 99, Rewind: 256}) || in.MoveX != 5 {
		t.Errorf("one input decoded as %+v %+v (%v)", h, in, err)
	}

	two, err := AppendInputFrame(nil, enc, &scratch, 99, part)
	if err != nil {
		t.Fatal(err)
	}
	if len(scratch.Entries) != 0 {
		t.Errorf("scratch keeps %d entries after the message, want none", len(scratch.Entries))
	}
	if f, err = wire.Decode(two); err != nil || f.Op != wire.OpInputs {
		t.Fatalf("two inputs: op %v, %v; want an inputs frame", f.Op, err)
	}
	var b wire.InputBatch[arena.Input]
	if err := wire.DecodeInputs(f.Body, arena.Game{}, &b); err != nil {
		t.Fatal(err)
	}
	if b.Seq != 7 || b.Tick != 100 || b.Ack != 99 || len(b.Entries) != 2 ||
		b.Entries[0].Rewind != 256 || b.Entries[1].Rewind != 512 || !b.Entries[1].Input.Dashing() {
		t.Errorf("two inputs decoded as %+v", b)
	}
}
