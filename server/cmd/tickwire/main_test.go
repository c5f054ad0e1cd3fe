package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/tickwire/tickwire/shared/netsim"
	"github.com/tickwire/tickwire/shared/wire"
)

func TestFlagsFallBackToEnvironment(t *testing.T) {
	t.Parallel()
	env := map[string]string{"TICKWIRE_ADDR": ":9000", "TICKWIRE_TICK_RATE": "60", "TICKWIRE_SNAPSHOT_RATE": "30"}
	o, err := parse([]string{"-tick-rate", "20"}, io.Discard, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if o.addr != ":9000" || o.tickRate != 20 || o.snapshotRate != 30 || o.maxRooms != 1000 {
		t.Errorf("addr %q tick %d snapshot %d rooms %d: want env for addr and snapshot rate, the flag for tick rate, the default for rooms",
			o.addr, o.tickRate, o.snapshotRate, o.maxRooms)
	}
	if o, err := parse(nil, io.Discard, func(string) string { return "" }); err != nil || o.tickRate != 0 || o.snapshotRate != 0 {
		t.Errorf("default rates %d and %d (%v), want 0 and 0: each game's own", o.tickRate, o.snapshotRate, err)
	}
	if _, err := parse(nil, io.Discard, func(k string) string {
		if k == "TICKWIRE_MAX_PLAYERS" {
			return "lots"
		}
		return ""
	}); err == nil || !strings.Contains(err.Error(), "TICKWIRE_MAX_PLAYERS") {
		t.Errorf("bad environment value: err %v, want one naming the variable", err)
	}
}

func TestNetSimFlag(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		env  string // TICKWIRE_NETSIM
		want netsim.Profile
		err  string // in the error, if one is wanted
	}{
		{"off by default", nil, "", netsim.Profile{}, ""},
		{"named profile", []string{"-netsim", "bad"}, "", netsim.Bad, ""},
		{"settings", []string{"-netsim", "rtt=100ms,loss=2%"}, "", netsim.Profile{RTT: 100 * time.Millisecond, Loss: 0.02}, ""},
		{"from the environment", nil, "rtt=80ms", netsim.Profile{RTT: 80 * time.Millisecond}, ""},
		{"the flag wins", []string{"-netsim", "off"}, "bad", netsim.Profile{}, ""},
		{"bad flag", []string{"-netsim", "rtt=fast"}, "", netsim.Profile{}, "rtt=\"fast\""},
		{"bad variable", nil, "loss=90%", netsim.Profile{}, "TICKWIRE_NETSIM"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o, err := parse(tt.args, io.Discard, func(k string) string {
				if k == "TICKWIRE_NETSIM" {
					return tt.env
				}
				return ""
			})
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("err %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil || o.netSim != tt.want {
				t.Errorf("netsim %v (%v), want %v", o.netSim, err, tt.want)
			}
		})
	}
}

func TestHelpListsFlagsAndVariables(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if _, err := parse([]string{"-h"}, &out, func(string) string { return "" }); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("err %v", err)
	}
	for _, want := range []string{"-addr", "TICKWIRE_ADDR", "-tick-rate", "-snapshot-rate", "-max-players", `":8080"`, "-admin-addr", "TICKWIRE_ADMIN_ADDR", "-netsim", "TICKWIRE_NETSIM", `default "off"`,
		"-nats", "TICKWIRE_NATS", "-public-url", "-node-id", "-token-key", "TICKWIRE_TOKEN_KEY", "-drain-timeout", "-nats-replicas", "TICKWIRE_NATS_REPLICAS",
		"-handoff", "TICKWIRE_HANDOFF", "-checkpoint-interval", "TICKWIRE_CHECKPOINT_INTERVAL",
		"-record", "TICKWIRE_RECORD", "-replays", "TICKWIRE_REPLAYS", "-replays-keep", "TICKWIRE_REPLAYS_KEEP"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("-h output lacks %q:\n%s", want, out.String())
		}
	}
}

// TestSIGTERMClosesClientsAndExits runs the real binary, joins it, sends SIGTERM, and checks that the
// node says it is draining while the player's room plays on, that the client is closed with 1001 and
// a reason once -drain-timeout has passed, and that the process exits in time. On the way it checks
// that -admin-addr serves the metrics of the player who joined, labelled with the node id.
func TestSIGTERMClosesClientsAndExits(t *testing.T) {
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "tickwire")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0", "-www", t.TempDir(), "-shutdown-timeout", "5s",
		"-drain-timeout", "1500ms", "-node-id", "solo")
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	// The server logs the addresses it listens on, the admin listener's first.
	lines := bufio.NewScanner(stderr)
	var addr, admin string
	for addr == "" && lines.Scan() {
		if _, rest, ok := strings.Cut(lines.Text(), "msg=listening addr="); ok {
			addr, _, _ = strings.Cut(rest, " ")
		}
		if _, rest, ok := strings.Cut(lines.Text(), `msg="admin listening" addr=`); ok {
			admin, _, _ = strings.Cut(rest, " ")
		}
	}
	if addr == "" || admin == "" {
		t.Fatalf("the server never said where it listens (game %q, admin %q)", addr, admin)
	}
	go func() {
		for lines.Scan() { // keep draining the log
		}
	}()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws://"+addr+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	hello, _ := wire.Encode(nil, &wire.Hello{Version: wire.ProtocolVersion, Name: "stayer"})
	if err := ws.Write(ctx, websocket.MessageBinary, hello); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ws.Read(ctx); err != nil { // the welcome
		t.Fatal(err)
	}
	if body := get(t, "http://"+admin+"/metrics"); !strings.Contains(body, `tickwire_players{game="arena"} 1`) {
		t.Errorf("the admin listener's /metrics does not count the player:\n%s", body)
	}
	if body := get(t, "http://"+admin+"/debug/pprof/"); !strings.Contains(body, "goroutine") {
		t.Errorf("the admin listener does not serve pprof:\n%s", body)
	}
	if body := get(t, "http://"+admin+"/metrics"); !strings.Contains(body, `tickwire_node_info{node="solo"} 1`) {
		t.Errorf("the metrics do not name the node:\n%s", body)
	}
	if body := get(t, "http://"+addr+"/api/rooms"); !strings.Contains(body, `"node":"solo"`) {
		t.Errorf("/api/rooms does not name the room's node:\n%s", body)
	}

	sent := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// Draining: the node says so while the room plays on.
	for !strings.Contains(get(t, "http://"+addr+"/api/cluster"), `"state":"draining"`) {
		if time.Since(sent) > time.Second {
			t.Fatal("/api/cluster does not show the node draining within 1 s of SIGTERM")
		}
		time.Sleep(20 * time.Millisecond)
	}
	var closeErr websocket.CloseError
	for {
		if _, _, err := ws.Read(ctx); err != nil {
			if !errors.As(err, &closeErr) {
				t.Fatalf("connection ended without a close frame: %v", err)
			}
			break
		}
	}
	if closeErr.Code != websocket.StatusGoingAway || closeErr.Reason == "" {
		t.Errorf("closed with %d %q, want 1001 with a reason", closeErr.Code, closeErr.Reason)
	}
	if d := time.Since(sent); d < 1400*time.Millisecond {
		t.Errorf("the room was closed %v after SIGTERM, before -drain-timeout (1.5 s)", d)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("the server exited with %v, want a clean exit", err)
		}
		t.Logf("exited %s after SIGTERM", time.Since(sent).Round(time.Millisecond))
	case <-time.After(8 * time.Second):
		t.Fatal("the server did not exit within 8 s of SIGTERM")
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET %s: %s", url, resp.Status)
	}
	return string(b)
}

func TestHostedGamesPutTheDefaultFirst(t *testing.T) {
	t.Parallel()
	games := hostedGames()
	if len(games) == 0 || games[0].Info().Name != defaultGame {
		t.Fatalf("hosted games start with %v, want %s", games, defaultGame)
	}
	for i := 2; i < len(games); i++ {
		if games[i-1].Info().Name >= games[i].Info().Name {
			t.Errorf("games after the default are not sorted by name: %s before %s", games[i-1].Info().Name, games[i].Info().Name)
		}
	}
}

func TestClusterFlags(t *testing.T) {
	t.Parallel()
	key := strings.Repeat("k", 32)
	tests := []struct {
		name     string
		args     []string
		env      map[string]string
		err      string // in the error, if one is wanted
		replicas int    // -nats-replicas, when no error is wanted
	}{
		{"alone: nothing needed", nil, nil, "", 1},
		{"nats with a key", []string{"-nats", "nats://a:4222,nats://b:4222", "-token-key", key}, nil, "", 1},
		{"nats and key from the environment", nil, map[string]string{"TICKWIRE_NATS": "nats://a:4222", "TICKWIRE_TOKEN_KEY": key}, "", 1},
		{"nats without a key", []string{"-nats", "nats://a:4222"}, nil, "-token-key", 0},
		{"short key", []string{"-token-key", "short"}, nil, "at least 32", 0},
		{"negative drain", []string{"-drain-timeout", "-1s"}, nil, "negative", 0},
		{"negative checkpoint interval", []string{"-checkpoint-interval", "-1s"}, nil, "0 turns checkpoints off", 0},
		{"no checkpoints, no handoff", []string{"-checkpoint-interval", "0", "-handoff=false"}, nil, "", 1},
		{"three replicas", []string{"-nats", "nats://a:4222,nats://b:4222,nats://c:4222", "-token-key", key, "-nats-replicas", "3"}, nil, "", 3},
		{"replicas from the environment", nil, map[string]string{"TICKWIRE_NATS": "nats://a:4222", "TICKWIRE_TOKEN_KEY": key, "TICKWIRE_NATS_REPLICAS": "3"}, "", 3},
		{"replicas without nats", []string{"-nats-replicas", "3"}, nil, "needs -nats", 0},
		{"no replica", []string{"-nats-replicas", "0"}, nil, "1 to 5", 0},
		{"replays kept", []string{"-replays", "/tmp/r", "-replays-keep", "20", "-record=false"}, nil, "", 1},
		{"no replay kept", []string{"-replays-keep", "0"}, nil, "at least 1", 0},
		{"too many replicas", []string{"-nats", "nats://a:4222", "-token-key", key, "-nats-replicas", "6"}, nil, "1 to 5", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parse(tt.args, io.Discard, func(k string) string { return tt.env[k] })
			if (err == nil) != (tt.err == "") || err != nil && !strings.Contains(err.Error(), tt.err) {
				t.Errorf("err %v, want one containing %q", err, tt.err)
			}
			if err == nil && o.natsReplicas != tt.replicas {
				t.Errorf("-nats-replicas %d, want %d", o.natsReplicas, tt.replicas)
			}
		})
	}
}
