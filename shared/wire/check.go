package wire

import "github.com/tickwire/tickwire/shared/sim"

// Checksum is the desync check a snapshot or delta may carry (Snapshot.Check, Delta.Check): a
// 32-bit FNV-1a over entities, each as its id (4 bytes, little-endian), its kind (1 byte), its
// number of fields (1 byte) and each field (4 bytes, little-endian, two's complement), in order.
// A hash of 0 is given as 1, so that 0 can mean "no check".
//
// The server hashes what the receiving client predicts exactly: its own entity (the one whose id
// is its player id), as the server has it at the snapshot's tick. A client whose own prediction of
// that tick was uncontested hashes its predicted entity the same way; a difference means the
// game's Step gave another result on the client than on the server (see docs/NETCODE.md).
func Checksum(ents []sim.Entity) uint32 {
	const (
		offset = 2166136261
		prime  = 16777619
	)
	h := uint32(offset)
	word := func(v uint32) {
		for range 4 {
			h = (h ^ (v & 0xff)) * prime
			v >>= 8
		}
	}
	for i := range ents {
		e := &ents[i]
		word(uint32(e.ID))
		h = (h ^ uint32(e.Kind)) * prime
		h = (h ^ uint32(e.N)) * prime
		for _, f := range e.Fields[:e.N] {
			word(uint32(f))
		}
	}
	if h == 0 {
		return 1
	}
	return h
}
