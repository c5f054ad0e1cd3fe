package replay_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/shared/games/pong"
	"github.com/tickwire/tickwire/shared/replay"
)

var update = flag.Bool("update", false, "write testdata/*.twr from this platform's recordings")

// TestPlatformIndependent compares this platform's recordings with the ones in testdata, recorded
// natively (amd64): run as js/wasm under Node, it is the check that the games step identically in
// the browser, where replays are watched. The records are compared decompressed (zstd need not
// compress identically everywhere), and the committed files must pass Check here.
//
//	go test ./shared/replay/ -run TestPlatformIndependent -update   # after a change to a game
func TestPlatformIndependent(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		file  func(testing.TB) recorded
		check func(*replay.Recording) (int, error)
	}{
		{"arena", arenaRecording, func(r *replay.Recording) (int, error) {
			return replay.Check[arena.State, arena.Input](arena.Game{}, r)
		}},
		{"pong", pongRecording, func(r *replay.Recording) (int, error) {
			return replay.Check[pong.State, pong.Input](pong.Game{}, r)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join("testdata", tc.name+".twr")
			here := tc.file(t).file
			if *update {
				if err := os.WriteFile(path, here, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			committed, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			a, err := decompressed(committed)
			if err != nil {
				t.Fatal(err)
			}
			b, err := decompressed(here)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a, b) {
				i := 0
				for i < len(a) && i < len(b) && a[i] == b[i] {
					i++
				}
				t.Errorf("this platform records %s differently from %s: first difference at byte %d of the records", tc.name, path, i)
			}
			if _, err := tc.check(read(t, committed)); err != nil {
				t.Errorf("%s: %v", path, err)
			}
		})
	}
}
