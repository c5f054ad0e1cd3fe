package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tickwire/tickwire/shared/replay"
)

const testdata = "../../../../shared/replay/testdata"

func TestRun(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	arena, pong := filepath.Join(testdata, "arena.twr"), filepath.Join(testdata, "pong.twr")
	if err := run([]string{arena, pong}, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	want := regexp.MustCompile(`^.*arena.twr: arena room r1, 3000 ticks, 10 players: OK \(replayed in \d+\.\d s\)
.*pong.twr: pong room r1, 6000 ticks, 2 players: OK \(replayed in \d+\.\d s\)
$`)
	if !want.MatchString(out.String()) {
		t.Fatalf("output:\n%s", out.String())
	}
}

func TestRunFails(t *testing.T) {
	t.Parallel()
	// The arena recording with one input changed, at tick 1000.
	data, err := os.ReadFile(filepath.Join(testdata, "arena.twr"))
	if err != nil {
		t.Fatal(err)
	}
	rec, err := replay.Read(data)
	if err != nil {
		t.Fatal(err)
	}
	rec.Ticks[999].Inputs[2].Input = []byte{0x94, 0x7f, 0x7f, 0x00, 0x00}
	tampered := filepath.Join(t.TempDir(), "tampered.twr")
	if err := os.WriteFile(tampered, rewrite(t, rec), 0o644); err != nil {
		t.Fatal(err)
	}
	junk := filepath.Join(t.TempDir(), "junk.twr")
	if err := os.WriteFile(junk, []byte("junk"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run([]string{tampered, junk}, &out); err != errFailed {
		t.Fatalf("run = %v, want errFailed", err)
	}
	for _, want := range []string{"tampered.twr: arena room r1, 3000 ticks, 10 players: FAILED after 1050 ticks: replay: tick 1050 differs from the recording: entity 3 (player)",
		"junk.twr: replay:"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

// rewrite writes rec back into a file.
func rewrite(t *testing.T, rec *replay.Recording) []byte {
	t.Helper()
	b, err := replay.Write(rec)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
