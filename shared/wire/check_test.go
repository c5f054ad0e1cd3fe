package wire_test

import (
	"encoding/binary"
	"hash/fnv"
	"testing"

	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
)

// TestChecksum pins the desync check's values, worked out by hand from FNV-1a's definition (offset
// 2166136261, prime 16777619) over the bytes PROTOCOL.md gives, and compares it with the standard
// library's FNV-1a over the same bytes.
func TestChecksum(t *testing.T) {
	t.Parallel()
	player := sim.NewEntity(3, 1, 256000, 128000, -300, 0, 12, 0, 0, 0)
	drone := sim.NewEntity(65536, 2, 51200, 76800, 256, -256, 102400, 76800)
	for _, tc := range []struct {
		name string
		ents []sim.Entity
		want uint32
	}{
		{"none", nil, 0x811c9dc5}, // FNV-1a's offset basis: nothing hashed
		{"the arena's example player", []sim.Entity{player}, 0x9d106a5d},
		{"two entities", []sim.Entity{player, drone}, 0xa7e5bba9},
		{"the delta example's entity", []sim.Entity{sim.NewEntity(3, 0, 110, 5)}, 0xf16564ab},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := wire.Checksum(tc.ents); got != tc.want {
				t.Errorf("Checksum = %#x, want %#x", got, tc.want)
			}
			h := fnv.New32a()
			for _, e := range tc.ents {
				b := binary.LittleEndian.AppendUint32(nil, uint32(e.ID))
				b = append(b, byte(e.Kind), e.N)
				for _, f := range e.Fields[:e.N] {
					b = binary.LittleEndian.AppendUint32(b, uint32(f))
				}
				h.Write(b)
			}
			if got := h.Sum32(); got != tc.want {
				t.Errorf("hash/fnv gives %#x over the documented bytes, want %#x", got, tc.want)
			}
		})
	}
	// One changed field changes it.
	moved := player
	moved.Fields[0]++
	if wire.Checksum([]sim.Entity{moved}) == wire.Checksum([]sim.Entity{player}) {
		t.Error("a moved entity hashes the same")
	}
}
