package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/tickwire/tickwire/internal/tools/loadtest"
)

func TestParse(t *testing.T) {
	t.Parallel()
	o, err := parse([]string{"-bots", "5000", "-rooms", "500", "-duration", "1m", "-json"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if o.bots != 5000 || o.rooms != 500 || o.duration != time.Minute || !o.json || o.seats() != 10 || o.lean != "auto" {
		t.Errorf("options %+v, seats %d", o, o.seats())
	}
	for _, tt := range []struct {
		args  []string
		seats int
	}{
		{[]string{"-bots", "101", "-rooms", "10"}, 11},
		{[]string{"-bots", "10", "-rooms", "0"}, 0},
		{[]string{"-bots", "10", "-rooms", "1", "-max-players", "64"}, 64},
	} {
		o, err := parse(tt.args, io.Discard)
		if err != nil || o.seats() != tt.seats {
			t.Errorf("%v: seats %d (%v), want %d", tt.args, o.seats(), err, tt.seats)
		}
	}
	for _, bad := range [][]string{{"-bots", "0"}, {"-duration", "0s"}, {"-rooms", "-1"}, {"extra"}, {"-lean", "yes"}} {
		if _, err := parse(bad, io.Discard); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

// TestSmoke is a small load run, the command's whole path: it starts the real server binary as a
// separate process, plays a handful of bots for a few seconds and writes the JSON summary.
func TestSmoke(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("reads the server's CPU time and memory from /proc")
	}
	bin := filepath.Join(t.TempDir(), "tickwire-server")
	if out, err := exec.Command("go", "build", "-o", bin, "../../../../server/cmd/tickwire").CombinedOutput(); err != nil {
		t.Fatalf("build the server: %v\n%s", err, out)
	}
	var stdout, stderr bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	args := []string{"-server", bin, "-bots", "6", "-rooms", "2", "-ramp", "0", "-duration", "3s", "-json", "-progress", "500ms"}
	if err := run(ctx, args, &stdout, &stderr); err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	var sum loadtest.Summary
	if err := json.Unmarshal(stdout.Bytes(), &sum); err != nil {
		t.Fatalf("the summary is not one JSON object: %v\n%s", err, stdout.String())
	}
	if sum.Joined != 6 || sum.WithSnapshots != 6 || sum.CCU != 6 || sum.Errors != 0 {
		t.Errorf("joined %d, with snapshots %d, CCU %d, errors %d %v; want 6, 6, 6, 0",
			sum.Joined, sum.WithSnapshots, sum.CCU, sum.Errors, sum.ErrorReasons)
	}
	if sum.TickRate != 30 || sum.SnapshotRate != 20 || sum.SnapshotsPerSecond <= 0 || sum.BytesInPerSecond <= 0 || sum.BytesOutPerSecond <= 0 {
		t.Errorf("rates: tick %d, snapshot %d configured, %.1f/s delivered, %.0f B/s in, %.0f B/s out",
			sum.TickRate, sum.SnapshotRate, sum.SnapshotsPerSecond, sum.BytesInPerSecond, sum.BytesOutPerSecond)
	}
	s := sum.Server
	if s == nil {
		t.Fatal("no server figures")
	}
	if s.Ticks <= 0 || s.TickP99Millis <= 0 || s.TickMaxMillis <= 0 || s.PeakRSSBytes <= 0 || s.CPUSeconds < 0 {
		t.Errorf("server figures %+v", *s)
	}
	if !sum.Lean || sum.BotMicrosPerPlayerSecond <= 0 || s.MicrosPerPlayerSecond <= 0 {
		t.Errorf("lean %v, bots %.0f µs and server %.0f µs per player-second: want lean bots against a server the command starts, and both costs",
			sum.Lean, sum.BotMicrosPerPlayerSecond, s.MicrosPerPlayerSecond)
	}
	if !strings.Contains(stderr.String(), "connected 6/6") {
		t.Errorf("no progress line with every bot connected:\n%s", stderr.String())
	}
}
