package wire

import (
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/tickwire/tickwire/shared/sim"
)

var deltaSchema = sim.Schema{
	{Name: "a", Fields: []sim.FieldSchema{{Name: "x", Min: -1 << 31, Max: 1<<31 - 1}, {Name: "y", Min: -1000, Max: 1000}}},
	{Name: "b", Fields: []sim.FieldSchema{{Name: "v", Min: 0, Max: 100}}},
}

func TestDeltaGolden(t *testing.T) {
	t.Parallel()
	base := []sim.Entity{sim.NewEntity(3, 0, 100, 5), sim.NewEntity(7, 1, 9), sim.NewEntity(70000, 0, -1, 0)}
	cur := []sim.Entity{sim.NewEntity(3, 0, 110, 5), sim.NewEntity(5, 1, 1), sim.NewEntity(70000, 0, -1, -3)}
	d := Delta{Tick: 300, Ack: 12, BaseTick: 296}
	d.Diff(base, cur)
	b, err := Encode(nil, &d)
	if err != nil {
		t.Fatal(err)
	}
	// 92 09: a delta frame; 96 a 6-array; 300, 12, 296;
	// created [[5, 1, 1]]; updated [[3, mask 0b01, +10], [69997, mask 0b10, -3]]; removed [7].
	const want = "920996cd012c0ccd0128" + "91930501" + "01" + "92" + "9303010a" + "93ce0001116d02fd" + "9107"
	if got := hex.EncodeToString(b); got != want {
		t.Errorf("delta frame\n got %s\nwant %s", got, want)
	}
	f, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	var back Delta
	if err := f.Decode(&back); err != nil {
		t.Fatal(err)
	}
	out, err := back.Apply(base, deltaSchema, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(out, cur) {
		t.Errorf("applied %v, want %v", out, cur)
	}
}

// TestDeltaCheckGolden pins the appended check: a seventh field, written only when not 0, which a
// decoder that knows six fields skips and one that knows seven reads as 0 when absent.
func TestDeltaCheckGolden(t *testing.T) {
	t.Parallel()
	d := Delta{Tick: 300, Ack: 12, BaseTick: 296, Check: 0xf16564ab}
	b, err := Encode(nil, &d)
	if err != nil {
		t.Fatal(err)
	}
	// 97 a 7-array; 300, 12, 296; no created, updated or removed; ce f16564ab the check.
	const want = "920997cd012c0ccd0128" + "909090" + "cef16564ab"
	if got := hex.EncodeToString(b); got != want {
		t.Errorf("delta frame\n got %s\nwant %s", got, want)
	}
	f, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	var back Delta
	if err := f.Decode(&back); err != nil {
		t.Fatal(err)
	}
	if back.Check != d.Check || back.Tick != 300 {
		t.Errorf("decoded %+v", back)
	}
	// Without it: six fields, and Check reads as 0.
	d.Check = 0
	b, _ = Encode(nil, &d)
	if got := hex.EncodeToString(b); got != "920996cd012c0ccd0128909090" {
		t.Errorf("delta without a check: %s", got)
	}
	back.Check = 7
	f, _ = Decode(b)
	if err := f.Decode(&back); err != nil || back.Check != 0 {
		t.Errorf("decoded a delta without a check: %v, check %d", err, back.Check)
	}
}

// randomEntities returns a sorted set of entities drawn from a small id space, so that two draws
// share, add and drop ids.
func randomEntities(r *rand.Rand) []sim.Entity {
	var out []sim.Entity
	for id := sim.EntityID(1); id < 40; id++ {
		if r.IntN(3) == 0 {
			continue
		}
		if r.IntN(2) == 0 {
			out = append(out, sim.NewEntity(id, 0, r.Int32()-r.Int32(), int32(r.IntN(2001)-1000)))
		} else {
			out = append(out, sim.NewEntity(id, 1, int32(r.IntN(101))))
		}
		if r.IntN(5) == 0 { // large ids exercise the gap coding
			id += sim.EntityID(r.IntN(1 << 20))
		}
	}
	return out
}

// mutate changes a few fields of some entities, keeping them within the schema.
func mutate(r *rand.Rand, ents []sim.Entity) []sim.Entity {
	out := append([]sim.Entity(nil), ents...)
	for i := range out {
		if r.IntN(3) == 0 {
			continue
		}
		if out[i].Kind == 0 {
			out[i].Fields[0] += int32(r.IntN(64) - 32)
			if r.IntN(4) == 0 {
				out[i].Fields[1] = int32(r.IntN(2001) - 1000)
			}
		} else {
			out[i].Fields[0] = int32(r.IntN(101))
		}
	}
	return out
}

func TestDeltaRoundTripProperty(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	var d, back Delta
	var buf []byte
	var out []sim.Entity
	for i := range 2000 {
		base := randomEntities(r)
		cur := randomEntities(r)
		if i%2 == 0 {
			cur = mutate(r, base) // mostly the same entities, a few fields changed
		}
		d.Diff(base, cur)
		var err error
		buf, err = Encode(buf[:0], &d)
		if err != nil {
			t.Fatal(err)
		}
		f, err := Decode(buf)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if err := f.Decode(&back); err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if out, err = back.Apply(base, deltaSchema, out[:0]); err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if len(out) != len(cur) || (len(cur) > 0 && !reflect.DeepEqual(out, cur)) {
			t.Fatalf("case %d: base %v\ncur %v\nreconstructed %v", i, base, cur, out)
		}
	}
}

func TestDeltaRefusesWhatTheBaselineContradicts(t *testing.T) {
	t.Parallel()
	base := []sim.Entity{sim.NewEntity(3, 0, 100, 5), sim.NewEntity(7, 1, 9)}
	tests := []struct {
		name string
		d    Delta
	}{
		{"update of an unknown entity", Delta{Updated: []EntityUpdate{{ID: 4, Mask: 1, N: 1}}}},
		{"removal of an unknown entity", Delta{Removed: []sim.EntityID{5}}},
		{"creation of an existing entity", Delta{Created: []sim.Entity{sim.NewEntity(3, 0, 1, 1)}}},
		{"update and removal of one entity", Delta{Updated: []EntityUpdate{{ID: 3, Mask: 1, N: 1}}, Removed: []sim.EntityID{3}}},
		{"update of a field the entity lacks", Delta{Updated: []EntityUpdate{{ID: 7, Mask: 2, N: 1}}}},
		{"field out of range after the update", Delta{Updated: []EntityUpdate{{ID: 7, Mask: 1, N: 1, Diffs: [sim.MaxFields]int32{200}}}}},
		{"created entity of an unknown kind", Delta{Created: []sim.Entity{sim.NewEntity(9, 5, 1)}}},
		{"created entity out of range", Delta{Created: []sim.Entity{sim.NewEntity(9, 1, -1)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := tt.d.Apply(base, deltaSchema, nil); !errors.Is(err, ErrMalformed) {
				t.Errorf("Apply: %v, want an ErrMalformed", err)
			}
		})
	}
}

func TestDeltaDecodeRefusesBadShapes(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"ids not increasing":       "920996000000" + "92" + "93050101" + "93000101" + "90" + "90",
		"mask without diffs":       "920996000000" + "90" + "91" + "93010301" + "90",
		"zero mask":                "920996000000" + "90" + "91" + "9301000a" + "90",
		"removed ids repeat":       "920996000000" + "90" + "90" + "920300",
		"negative removed gap":     "920996000000" + "90" + "90" + "91ff",
		"too many fields":          "920996000000" + "91" + "9d01000101010101010101010101" + "90" + "90",
		"created entity too short": "920996000000" + "91" + "9101" + "90" + "90",
	}
	for name, h := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b, err := hex.DecodeString(h)
			if err != nil {
				t.Fatal(err)
			}
			// Well-formed msgpack, so that it is the delta decoder that refuses it.
			f, err := Decode(b)
			if err != nil {
				t.Fatalf("the case is not a valid frame: %v", err)
			}
			var d Delta
			if err := f.Decode(&d); !errors.Is(err, ErrMalformed) {
				t.Errorf("decode: %v, want an ErrMalformed", err)
			}
		})
	}
}

func FuzzDelta(f *testing.F) {
	base := []sim.Entity{sim.NewEntity(3, 0, 100, 5), sim.NewEntity(7, 1, 9), sim.NewEntity(70000, 0, -1, 0)}
	for _, h := range []string{
		"920996cd012c0ccd0128" + "91930501" + "01" + "92" + "9303010a" + "93ce0001116d02fd" + "9107",
		"920996000000909090",
		"920996000000" + "90" + "91" + "93010301" + "90",
		"920997cd012c0ccd0128" + "909090" + "cef16564ab", // with a check
		"920997000000909090" + "c3",                      // a check that is not an integer
	} {
		b, _ := hex.DecodeString(h)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fr, err := Decode(b)
		if err != nil || fr.Op != OpDelta {
			return
		}
		var d Delta
		if err := fr.Decode(&d); err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		// A decoded delta re-encodes to a frame that decodes to the same delta.
		again, err := Encode(nil, &d)
		if err != nil {
			t.Fatal(err)
		}
		fr2, err := Decode(again)
		if err != nil {
			t.Fatal(err)
		}
		var d2 Delta
		if err := fr2.Decode(&d2); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(normalize(d), normalize(d2)) {
			t.Fatalf("round trip changed the delta: %+v vs %+v", d, d2)
		}
		// Applying it either fails cleanly or gives entities sorted by id within the schema.
		out, err := d.Apply(base, deltaSchema, nil)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("Apply error %v does not wrap ErrMalformed", err)
			}
			return
		}
		for i := range out {
			if i > 0 && out[i-1].ID >= out[i].ID {
				t.Fatalf("applied entities out of order: %v", out)
			}
			if err := deltaSchema.Check(&out[i]); err != nil {
				t.Fatalf("applied entity breaks the schema: %v", err)
			}
		}
	})
}

// normalize makes nil and empty slices compare equal.
func normalize(d Delta) Delta {
	if len(d.Created) == 0 {
		d.Created = nil
	}
	if len(d.Updated) == 0 {
		d.Updated = nil
	}
	if len(d.Removed) == 0 {
		d.Removed = nil
	}
	return d
}

// TestDeltaReplacesAnEntityRemovedAndCreated: a delta may remove an id and create it again (an
// entity that changed kind, or an id reused for a new entity): removals apply before creations, so
// the created entity replaces the old one, whole. Diff produces exactly that for a change of kind.
func TestDeltaReplacesAnEntityRemovedAndCreated(t *testing.T) {
	t.Parallel()
	base := []sim.Entity{sim.NewEntity(3, 0, 100, 5), sim.NewEntity(7, 1, 9)}
	cur := []sim.Entity{sim.NewEntity(3, 1, 42), sim.NewEntity(7, 1, 9)}
	var d Delta
	d.Diff(base, cur)
	if len(d.Removed) != 1 || d.Removed[0] != 3 || len(d.Created) != 1 || d.Created[0] != cur[0] || len(d.Updated) != 0 {
		t.Fatalf("diff of a change of kind: %+v, want entity 3 removed and created", d)
	}
	out, err := d.Apply(base, deltaSchema, nil)
	if err != nil || !reflect.DeepEqual(out, cur) {
		t.Errorf("Apply: %v, %v; want %v", out, err, cur)
	}
	// The same id removed and created with the same kind: still a replacement, not an update.
	d = Delta{Removed: []sim.EntityID{7}, Created: []sim.Entity{sim.NewEntity(7, 1, 1)}}
	out, err = d.Apply(base, deltaSchema, nil)
	if want := []sim.Entity{base[0], sim.NewEntity(7, 1, 1)}; err != nil || !reflect.DeepEqual(out, want) {
		t.Errorf("Apply: %v, %v; want %v", out, err, want)
	}
}
