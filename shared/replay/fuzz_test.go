package replay_test

import (
	"bytes"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/shared/games/pong"
	"github.com/tickwire/tickwire/shared/replay"
)

// FuzzRead feeds Read hostile files. An input that does not start with zstd's magic number is
// compressed first, so that the fuzzer reaches the records (whose seeds are real recordings',
// decompressed) rather than stopping at the frame's checksum. A recording Read accepts must be
// written back identically by a Writer, and replay (Check) without panicking.
func FuzzRead(f *testing.F) {
	short := func(sc script[arena.State, arena.Input]) script[arena.State, arena.Input] {
		sc.every = 20
		return sc
	}
	arenaFile := record[arena.State, arena.Input](f, arena.Game{}, short(arenaScript(60))).file
	pongSc := pongScript(300)
	pongSc.every = 100
	pongFile := record[pong.State, pong.Input](f, pong.Game{}, pongSc).file
	for _, file := range [][]byte{arenaFile, pongFile} {
		f.Add(file)
		raw, err := decompressed(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Add([]byte{})
	replay.LowerDecompressionBound(1 << 20)
	f.Fuzz(fuzzOne)
}

var fuzzZstd, _ = zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1))

func fuzzOne(t *testing.T, data []byte) {
	if !bytes.HasPrefix(data, []byte{0x28, 0xb5, 0x2f, 0xfd}) {
		data = fuzzZstd.EncodeAll(data, nil)
	}
	rec, err := replay.Read(data)
	if err != nil {
		return
	}
	again, err := replay.Read(rewrite(t, rec))
	if err != nil {
		t.Fatalf("a recording Read accepted, written again, is refused: %v", err)
	}
	if len(again.Ticks) != len(rec.Ticks) || len(again.Keyframes) != len(rec.Keyframes) {
		t.Fatal("a recording written again differs")
	}
	switch rec.Header.Game {
	case arena.Name:
		replay.Check[arena.State, arena.Input](arena.Game{}, rec)
	case pong.Name:
		replay.Check[pong.State, pong.Input](pong.Game{}, rec)
	}
}

func decompressed(file []byte) ([]byte, error) {
	zr, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	return zr.DecodeAll(file, nil)
}
