// Command replaycheck checks a replay file (docs/REPLAY.md): it reads it, picks the game the file
// names among the games registered here (the shared halves: no server code), replays it whole and
// compares the state with every keyframe (replay.Check). It prints
//
//	FILE: arena room r1, 18000 ticks, 10 players: OK (replayed in 1.2 s)
//
// or the first difference, and exits with status 1 when a file fails. A bug report's replay that
// fails here shows a game whose Step is not deterministic, or a recording that is damaged.
//
//	go run ./internal/tools/cmd/replaycheck FILE...
//	go tool mage replayCheck FILE
package main

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"time"

	"github.com/tickwire/tickwire/shared/replay"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "replaycheck:", err)
		os.Exit(1)
	}
}

// checkers are the registered games' checks, by game name; each game registers itself from a
// file of its own (game_NAME.go).
var checkers = map[string]func(*replay.Recording) (int, error){}

// register adds game g's check; it is called from init functions.
func register[S, I any](g replay.Game[S, I]) {
	checkers[g.Info().Name] = func(rec *replay.Recording) (int, error) { return replay.Check(g, rec) }
}

// errFailed reports that a file failed, after run printed why.
var errFailed = errors.New("a replay failed its check")

func run(args []string, out io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: replaycheck FILE... (games: %v)", slices.Sorted(maps.Keys(checkers)))
	}
	failed := false
	for _, path := range args {
		line, err := checkFile(path)
		if err != nil {
			failed = true
			fmt.Fprintf(out, "%s: %v\n", path, err)
			continue
		}
		fmt.Fprintf(out, "%s: %s\n", path, line)
	}
	if failed {
		return errFailed
	}
	return nil
}

// checkFile checks one file and describes it.
func checkFile(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	rec, err := replay.Read(data)
	if err != nil {
		return "", err
	}
	h := &rec.Header
	check, ok := checkers[h.Game]
	if !ok {
		return "", fmt.Errorf("a replay of game %q, which this tool does not have (it has %v)", h.Game, slices.Sorted(maps.Keys(checkers)))
	}
	start := time.Now()
	ticks, err := check(rec)
	desc := fmt.Sprintf("%s room %s, %d ticks, %d players", h.Game, h.Room, len(rec.Ticks), len(rec.Players))
	if err != nil {
		return "", fmt.Errorf("%s: FAILED after %d ticks: %w", desc, ticks, err)
	}
	return fmt.Sprintf("%s: OK (replayed in %.1f s)", desc, time.Since(start).Seconds()), nil
}
