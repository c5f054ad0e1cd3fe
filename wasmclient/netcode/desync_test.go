//go:build !js

package netcode_test

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/tickwire/tickwire/internal/testgame"
	"github.com/tickwire/tickwire/server"
	"github.com/tickwire/tickwire/server/room"
	"github.com/tickwire/tickwire/server/servertest"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/wasmclient/netclient"
	"github.com/tickwire/tickwire/wasmclient/netcode"
)

// skewedGame is the test game with a Step that is not deterministic across "platforms": the server's
// copy (Skew 1) moves every player one unit further each tick than the client's (Skew 0), as a game
// whose Step read a platform-dependent value would.
type skewedGame struct {
	testgame.Game
	Skew int32
}

func (g skewedGame) Step(s *testgame.State, tick uint32, ins []sim.Input[int8]) {
	g.Game.Step(s, tick, ins)
	for _, in := range ins {
		s.Pos[in.Player] += g.Skew
	}
}

// TestDesyncsAgainstARealServer plays the test game against the real server with a predicting
// driver: with the same Step on both sides every compared check agrees; with a Step that differs on
// the server every compared check is a desync, and the first is logged with its tick.
func TestDesyncsAgainstARealServer(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		skew int32
	}{
		{"deterministic", 0},
		{"skewed on the server", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, addr := servertest.Start(t, server.Config{}, room.For[testgame.State, int8](skewedGame{Skew: tc.skew}))
			c := netclient.Dial[int8](netclient.Config{URL: "ws://" + addr + "/ws", Name: "ann"}, testgame.Game{}, testgame.Schema)
			defer c.Close()
			var logs syncBuffer
			d := netcode.NewDriver[testgame.State, int8](skewedGame{}, c, netcode.DriverConfig{Predict: true,
				Logger: slog.New(slog.NewTextHandler(&logs, nil))})
			d.Hold(1) // one unit a tick: far from testgame.PanicAt in the seconds this runs
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- d.Play(ctx, 60) }()
			// Wait for enough compared checks (two a second at the default rates).
			var st netcode.Stats
			for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
				st = d.Stats()
				if st.Checks >= 4 {
					break
				}
			}
			cancel()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			st = d.Stats()
			t.Logf("checks compared %d, skipped %d, desyncs %d (first at tick %d), corrections %d",
				st.Checks, st.ChecksSkipped, st.Desyncs, st.FirstDesync, st.Corrections)
			if st.Checks < 4 {
				t.Fatalf("only %d checks compared (%d skipped as contested)", st.Checks, st.ChecksSkipped)
			}
			switch {
			case tc.skew == 0 && st.Desyncs != 0:
				t.Errorf("%d desyncs with the same Step on both sides", st.Desyncs)
			case tc.skew != 0 && st.Desyncs != st.Checks:
				t.Errorf("%d desyncs of %d checks with a skewed Step, want all", st.Desyncs, st.Checks)
			case tc.skew != 0 && (st.FirstDesync == 0 || !bytes.Contains(logs.Bytes(), []byte("desync"))):
				t.Errorf("first desync at tick %d, log %q", st.FirstDesync, logs.String())
			case tc.skew == 0 && logs.Len() != 0:
				t.Errorf("logged %q", logs.String())
			}
		})
	}
}

// syncBuffer is a bytes.Buffer safe for the driver's goroutine and the test's.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) Bytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.b.Bytes())
}
func (s *syncBuffer) String() string { return string(s.Bytes()) }
func (s *syncBuffer) Len() int       { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Len() }
