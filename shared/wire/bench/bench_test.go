package bench

import (
	"bytes"
	"testing"

	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/vmihailenco/msgpack/v5"
)

// The shapes: a full snapshot of 64 entities with 7 fields each (values like the arena's: positions
// in 1/256 px, velocities, small counters), and a typical input message.

func fields(i int) []int32 {
	return []int32{int32(100000 + i*9173), int32(50000 + i*6151), int32(i*37 - 1200), int32(800 - i*29), int32(i % 40), 0, int32(i % 7)}
}

func wireSnapshot() *wire.Snapshot {
	s := &wire.Snapshot{Tick: 123456, Ack: 4321}
	for i := range 64 {
		s.Entities = append(s.Entities, sim.NewEntity(sim.EntityID(i+1), 1, fields(i)...))
	}
	return s
}

func plainSnapshot() *Snapshot {
	s := &Snapshot{Tick: 123456, Ack: 4321}
	for i := range 64 {
		s.Entities = append(s.Entities, Entity{ID: uint32(i + 1), Kind: 1, Fields: fields(i)})
	}
	return s
}

var (
	inHeader = wire.InputHeader{Seq: 4321, Tick: 123460, Ack: 123456}
	inGame   = arena.Input{MoveX: 127, MoveY: -90, Buttons: arena.ButtonDash}
	inPlain  = Input{Seq: 4321, Tick: 123460, Ack: 123456, MoveX: 127, MoveY: -90, Buttons: 1}
)

func BenchmarkSnapshot(b *testing.B) {
	b.Run("tickwire/encode", func(b *testing.B) {
		s := wireSnapshot()
		var buf []byte
		b.ReportAllocs()
		for range b.N {
			buf, _ = wire.Encode(buf[:0], s)
		}
		b.ReportMetric(float64(len(buf)), "bytes")
	})
	b.Run("tickwire/decode", func(b *testing.B) {
		buf, _ := wire.Encode(nil, wireSnapshot())
		var s wire.Snapshot
		b.ReportAllocs()
		for range b.N {
			f, err := wire.Decode(buf)
			if err != nil {
				b.Fatal(err)
			}
			if err := f.Decode(&s); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(buf)), "bytes")
	})
	b.Run("reflection/encode", func(b *testing.B) {
		s := plainSnapshot()
		var buf bytes.Buffer
		enc := msgpack.NewEncoder(&buf)
		b.ReportAllocs()
		for range b.N {
			buf.Reset()
			if err := enc.Encode(s); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(buf.Len()), "bytes")
	})
	b.Run("reflection/decode", func(b *testing.B) {
		raw, _ := msgpack.Marshal(plainSnapshot())
		var s Snapshot
		r := bytes.NewReader(raw)
		dec := msgpack.NewDecoder(r)
		b.ReportAllocs()
		for range b.N {
			r.Reset(raw)
			dec.ResetReader(r)
			if err := dec.Decode(&s); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(raw)), "bytes")
	})
	b.Run("msgp/encode", func(b *testing.B) {
		s := plainSnapshot()
		var buf []byte
		b.ReportAllocs()
		for range b.N {
			buf, _ = s.MarshalMsg(buf[:0])
		}
		b.ReportMetric(float64(len(buf)), "bytes")
	})
	b.Run("msgp/decode", func(b *testing.B) {
		raw, _ := plainSnapshot().MarshalMsg(nil)
		var s Snapshot
		b.ReportAllocs()
		for range b.N {
			if _, err := s.UnmarshalMsg(raw); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(raw)), "bytes")
	})
}

func BenchmarkInput(b *testing.B) {
	b.Run("tickwire/encode", func(b *testing.B) {
		var buf []byte
		in := inGame
		enc := wire.NewInputEncoder(arena.Game{})
		b.ReportAllocs()
		for range b.N {
			buf, _ = enc.Append(buf[:0], inHeader, &in)
		}
		b.ReportMetric(float64(len(buf)), "bytes")
	})
	b.Run("tickwire/decode", func(b *testing.B) {
		in := inGame
		buf, _ := wire.EncodeInput(nil, arena.Game{}, inHeader, &in)
		var h wire.InputHeader
		dec := wire.NewInputDecoder(arena.Game{})
		b.ReportAllocs()
		for range b.N {
			f, err := wire.Decode(buf)
			if err != nil {
				b.Fatal(err)
			}
			if err := dec.Decode(f.Body, &h, &in); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(buf)), "bytes")
	})
	b.Run("reflection/encode", func(b *testing.B) {
		var buf bytes.Buffer
		enc := msgpack.NewEncoder(&buf)
		in := inPlain
		b.ReportAllocs()
		for range b.N {
			buf.Reset()
			if err := enc.Encode(&in); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(buf.Len()), "bytes")
	})
	b.Run("reflection/decode", func(b *testing.B) {
		raw, _ := msgpack.Marshal(&inPlain)
		var in Input
		r := bytes.NewReader(raw)
		dec := msgpack.NewDecoder(r)
		b.ReportAllocs()
		for range b.N {
			r.Reset(raw)
			dec.ResetReader(r)
			if err := dec.Decode(&in); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(raw)), "bytes")
	})
	b.Run("msgp/encode", func(b *testing.B) {
		var buf []byte
		in := inPlain
		b.ReportAllocs()
		for range b.N {
			buf, _ = in.MarshalMsg(buf[:0])
		}
		b.ReportMetric(float64(len(buf)), "bytes")
	})
	b.Run("msgp/decode", func(b *testing.B) {
		raw, _ := inPlain.MarshalMsg(nil)
		var in Input
		b.ReportAllocs()
		for range b.N {
			if _, err := in.UnmarshalMsg(raw); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(raw)), "bytes")
	})
}

// TestShapesAgree checks that the three codecs encode the same data (same sizes apart from integer
// widths), so the benchmark compares like with like.
func TestShapesAgree(t *testing.T) {
	raw, _ := msgpack.Marshal(plainSnapshot())
	var back Snapshot
	if err := msgpack.Unmarshal(raw, &back); err != nil || len(back.Entities) != 64 || back.Entities[63].Fields[0] != fields(63)[0] {
		t.Fatalf("reflection round trip: %v", err)
	}
	m, _ := plainSnapshot().MarshalMsg(nil)
	var back2 Snapshot
	if _, err := back2.UnmarshalMsg(m); err != nil || len(back2.Entities) != 64 {
		t.Fatalf("msgp round trip: %v", err)
	}
	w, _ := wire.Encode(nil, wireSnapshot())
	t.Logf("64-entity snapshot: tickwire %d bytes, reflection %d, msgp %d", len(w), len(raw), len(m))
}
