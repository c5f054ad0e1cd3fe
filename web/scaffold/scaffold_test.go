package scaffold

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"tag", "snake2", "a", "abcdefghijklmnopqrst"} {
		if err := Check(ok); err != nil {
			t.Errorf("Check(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"", "Tag", "2tag", "my-game", "my_game", "tag!", "abcdefghijklmnopqrstu", "func", "type", "app", "ui", "wire", "main"} {
		if err := Check(bad); err == nil {
			t.Errorf("Check(%q) accepted it", bad)
		}
	}
}

func TestFiles(t *testing.T) {
	t.Parallel()
	out, err := Files(Game{Name: "tag"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"server/cmd/tickwire/game_tag.go", "shared/games/tag/input.go", "shared/games/tag/tag.go",
		"shared/games/tag/tag_test.go", "wasmclient/game_tag.go", "wasmclient/games/tag/client.go",
		"wasmclient/games/tag/live_test.go", "internal/tools/loadtest/game_tag.go", "internal/tools/netlab/game_tag.go",
	}
	if len(out) != len(want) {
		t.Errorf("%d files, want %d", len(out), len(want))
	}
	for _, p := range want {
		if !strings.Contains(string(out[p]), "package ") {
			t.Errorf("%s is missing or not Go", p)
		}
	}
	if s := string(out["wasmclient/game_tag.go"]); !strings.Contains(s, `Title: "tickwire tag"`) || !strings.Contains(s, "Predict: true") {
		t.Errorf("the client registration lacks the default title or prediction:\n%s", s)
	}
	// The shared half imports neither Ebiten nor a WebSocket, nor reads the clock.
	for p, b := range out {
		if strings.HasPrefix(p, "shared/") && !strings.HasSuffix(p, "_test.go") {
			for _, banned := range []string{"ebiten", "websocket", `"time"`, "math/rand"} {
				if strings.Contains(string(b), banned) {
					t.Errorf("%s uses %s", p, banned)
				}
			}
		}
	}
	if _, err := Files(Game{Name: "tag", Title: `say "hi"`}); err == nil {
		t.Error("a title with quotes was accepted")
	}
	// Without the option, nothing of the messages' is written.
	for p, b := range out {
		for _, word := range []string{"Cheer", "Messages", "wire.Event"} {
			if strings.Contains(string(b), word) {
				t.Errorf("%s mentions %s without Game.Messages", p, word)
			}
		}
	}
}

// TestFilesWithMessages checks what the message option adds: four files, and the hooks that wire
// them in (the events in the state, the registrations' message set and compile-time check, the
// client's drawing of what it heard).
func TestFilesWithMessages(t *testing.T) {
	t.Parallel()
	plain, err := Files(Game{Name: "tag"})
	if err != nil {
		t.Fatal(err)
	}
	out, err := Files(Game{Name: "tag", Messages: true})
	if err != nil {
		t.Fatal(err)
	}
	added := []string{"shared/games/tag/messages.go", "shared/games/tag/messages_test.go",
		"wasmclient/games/tag/messages.go", "wasmclient/games/tag/messages_test.go"}
	if len(out) != len(plain)+len(added) {
		t.Errorf("%d files, want %d", len(out), len(plain)+len(added))
	}
	for _, p := range added {
		if _, ok := out[p]; !ok || plain[p] != nil {
			t.Errorf("%s: written %v with the option, %v without; want only with it", p, ok, plain[p] != nil)
		}
	}
	hooks := map[string]string{
		"shared/games/tag/tag.go":           "Out          []wire.Event",
		"shared/games/tag/messages.go":      "wire.DecodeInts(d, wire.Int(&m.Cheer",
		"server/cmd/tickwire/game_tag.go":   "var _ room.Messenger[tag.State] = tag.Game{}",
		"wasmclient/game_tag.go":            "Messages: tag.Messages",
		"wasmclient/games/tag/client.go":    "c.drawCheers(screen, ctx)",
		"wasmclient/games/tag/live_test.go": "func TestCheerIsHeard",
		"shared/games/tag/messages_test.go": "func FuzzMessages",
	}
	for p, want := range hooks {
		if !strings.Contains(string(out[p]), want) {
			t.Errorf("%s lacks %q", p, want)
		}
	}
}

func TestWriteRefusesAnExistingGame(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	paths, err := Write(root, Game{Name: "tag"})
	if err != nil || len(paths) != 9 {
		t.Fatalf("first Write: %v, %v", paths, err)
	}
	if _, err := Write(root, Game{Name: "tag"}); !errors.Is(err, ErrExists) {
		t.Errorf("second Write: %v, want ErrExists", err)
	}
	// A game whose shared folder is there (pong, say) is refused, and nothing is written.
	if err := os.MkdirAll(filepath.Join(root, "shared/games/pong"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Write(root, Game{Name: "pong"}); !errors.Is(err, ErrExists) {
		t.Errorf("Write over pong: %v, want ErrExists", err)
	}
	if _, err := os.Stat(filepath.Join(root, "server/cmd/tickwire/game_pong.go")); err == nil {
		t.Error("a refused Write wrote a file")
	}
}

// moduleRoot is two folders up from this package.
func moduleRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("no go.mod at %s: %v", root, err)
	}
	return root
}

// copyModule copies the module's sources to dst, leaving out what a build does not read.
func copyModule(t *testing.T, src, dst string) {
	t.Helper()
	skip := map[string]bool{".git": true, "dist": true, "node_modules": true, "testdata": true}
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			if skip[d.Name()] && p != src {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !d.Type().IsRegular() || strings.HasSuffix(p, ".png") {
			return nil
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.Create(filepath.Join(dst, rel))
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestScaffoldBuildsTestsAndPlays writes two new games into a copy of the module, one plain and one
// with the message option, then builds the server and the browser client with them, vets them, runs
// their tests (which play them through the real server, messages included) and starts the server
// binary, which must host them.
func TestScaffoldBuildsTestsAndPlays(t *testing.T) {
	t.Parallel()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	dir := t.TempDir()
	copyModule(t, moduleRoot(t), dir)
	for _, g := range []Game{{Name: "tag"}, {Name: "chat", Messages: true}} {
		if _, err := Write(dir, g); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	// -trimpath keeps the build cache's keys free of the temporary folder's path, so later runs
	// reuse what the first compiled.
	goOut := func(env []string, args ...string) []byte {
		t.Helper()
		cmd := exec.CommandContext(ctx, goCmd, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), env...)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go %s: %v\n%s%s", strings.Join(args, " "), err, out, stderr.String())
		}
		return out
	}
	goRun := func(env []string, args ...string) { t.Helper(); goOut(env, args...) }
	bin := filepath.Join(dir, "tickwire-server")
	goRun(nil, "build", "-trimpath", "-o", bin, "./server/cmd/tickwire")
	goRun([]string{"GOOS=js", "GOARCH=wasm"}, "build", "-trimpath", "-o", filepath.Join(dir, "tickwire.wasm"), "./wasmclient")
	goRun(nil, "vet", "./shared/games/tag/", "./wasmclient/games/tag/", "./shared/games/chat/", "./wasmclient/games/chat/",
		"./server/cmd/tickwire/", "./internal/tools/loadtest/", "./internal/tools/netlab/")
	goRun([]string{"GOOS=js", "GOARCH=wasm"}, "vet", "./wasmclient/", "./wasmclient/games/tag/", "./wasmclient/games/chat/")
	goRun(nil, "test", "-trimpath", "-count=1", "./shared/games/tag/", "./wasmclient/games/tag/", "./shared/games/chat/",
		"./wasmclient/games/chat/")
	// netlab measures the new game's netcode as it does the arena's: its prediction is exact.
	report := goOut(nil, "run", "-trimpath", "./internal/tools/cmd/netlab", "-game", "tag", "-net", "off", "-players", "2", "-ticks", "60", "-json")
	var r struct {
		Game        string
		Frames      int
		Uncontested int `json:"correctionsUncontested"`
	}
	if err := json.Unmarshal(report, &r); err != nil || r.Game != "tag" || r.Frames == 0 || r.Uncontested != 0 {
		t.Errorf("netlab on the new game: %+v (%v)\n%s", r, err, report)
	}

	// The server binary hosts the new game beside the others.
	cmd := exec.CommandContext(ctx, bin, "-addr", "127.0.0.1:0", "-www", dir)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	lines := bufio.NewScanner(stderr)
	for lines.Scan() {
		if line := lines.Text(); strings.Contains(line, "msg=listening") {
			if !strings.Contains(line, "games=arena,chat,pong,tag") {
				t.Errorf("the server hosts %q, want arena, chat, pong and tag", line)
			}
			return
		}
	}
	t.Fatal("the server never said it was listening")
}
