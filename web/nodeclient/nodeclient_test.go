package nodeclient

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tickwire/tickwire/server"
	"github.com/tickwire/tickwire/server/room"
	"github.com/tickwire/tickwire/shared/games/arena"
)

// need returns the path of a command the test needs, or skips (fails when TICKWIRE_E2E=1) without
// it.
func need(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	msg := name + " not found: install Node.js and npm (Debian: apt-get install -y nodejs npm) to run the JavaScript client against the server"
	if os.Getenv("TICKWIRE_E2E") == "1" {
		t.Fatal(msg + " (TICKWIRE_E2E=1 makes it mandatory)")
	}
	t.Skip(msg)
	return ""
}

// result is the line of JSON client.mjs prints.
type result struct {
	OK          bool    `json:"ok"`
	Reason      string  `json:"reason"`
	MovedPixels float64 `json:"movedPixels"`
	Player      uint32  `json:"player"`
	TickRate    int     `json:"tickRate"`
	Snapshots   int     `json:"snapshots"`
	Ack         uint32  `json:"ack"`
	PongEcho    bool    `json:"pongEcho"`
	// SchemaErrors counts entities that broke PROTOCOL.md's arena schema table or id ranges.
	SchemaErrors int    `json:"schemaErrors"`
	SchemaError  string `json:"schemaError"`
	// ByeBeforeClose says the server's close came just after a bye with its code and reason.
	ByeBeforeClose bool `json:"byeBeforeClose"`
	Roster         []struct {
		Player uint32 `json:"player"`
		Name   string `json:"name"`
	} `json:"roster"`
	// URL is where the client played last; Redirects how many redirects it followed.
	URL       string `json:"url"`
	Redirects int    `json:"redirects"`
	Close     *struct {
		Code   int    `json:"code"`
		Reason string `json:"reason"`
	} `json:"close"`
}

// install copies the client into a temporary folder (so the test leaves the source tree as it
// was), installs its packages there with npm ci, and returns node's path and the folder.
func install(t *testing.T) (node, dir string) {
	t.Helper()
	node = need(t, "node")
	npm := need(t, "npm")
	dir = t.TempDir()
	for _, f := range []string{"package.json", "package-lock.json", "client.mjs"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	install := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund", "--prefer-offline")
	install.Dir = dir
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("npm ci: %v\n%s", err, out)
	}
	return node, dir
}

func TestNodeClientPlaysTheArena(t *testing.T) {
	node, dir := install(t)
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	srv, err := server.New(server.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, room.For(arena.Game{}))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() {
		sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer scancel()
		_ = srv.Shutdown(sctx)
	})

	url := "ws://" + ln.Addr().String() + "/ws"
	run := exec.CommandContext(ctx, node, "client.mjs", url, "3", "node-room", "Nodey")
	run.Dir = dir
	out, err := run.Output()
	var res result
	if jerr := json.Unmarshal([]byte(strings.TrimSpace(string(out))), &res); jerr != nil {
		t.Fatalf("client.mjs printed %q (%v): %v", out, err, jerr)
	}
	t.Logf("the JavaScript client: %s", strings.TrimSpace(string(out)))
	if err != nil || !res.OK {
		t.Fatalf("client.mjs failed (%v): %+v", err, res)
	}
	if res.Player == 0 || res.TickRate != arena.TickRate || res.Snapshots < 20 || len(res.Roster) != 1 || res.Roster[0].Name != "Nodey" {
		t.Errorf("the client saw %+v: want a player id, the arena's tick rate, snapshots and itself in the roster", res)
	}
	if res.SchemaErrors != 0 {
		t.Errorf("%d entities broke the arena's schema as PROTOCOL.md gives it; the first: %s", res.SchemaErrors, res.SchemaError)
	}
	if res.Close == nil || res.Close.Code != 4009 || !res.ByeBeforeClose {
		t.Errorf("the second hello was closed with %+v (bye just before: %v), want 4009 just after a bye with the same code and reason", res.Close, res.ByeBeforeClose)
	}
	if res.MovedPixels < 100 {
		t.Errorf("the server moved the player %.0f px in 3 s of holding right, want at least 100", res.MovedPixels)
	}
}
