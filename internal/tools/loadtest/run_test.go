package loadtest

import (
	"context"
	"io"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tickwire/tickwire/server"
	"github.com/tickwire/tickwire/server/cluster"
	"github.com/tickwire/tickwire/server/metrics"
	"github.com/tickwire/tickwire/server/room"
	"github.com/tickwire/tickwire/server/servertest"
	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/wasmclient/netclient"
)

// startArena runs a server in this process, with metrics, and returns its /ws and admin URLs.
func startArena(t *testing.T, maxPlayers int) (string, string) {
	t.Helper()
	m := metrics.New()
	var cfg server.Config
	cfg.Lobby.MaxPlayers = maxPlayers
	cfg.Lobby.Observer, cfg.Gateway.Observer = m, m
	_, addr := servertest.Start(t, cfg, room.For(arena.Game{}))
	admin := httptest.NewServer(m.Handler())
	t.Cleanup(admin.Close)
	return "ws://" + addr + "/ws", admin.URL
}

// TestRunCountsRefusedBotsAsErrors runs three bots into one room of two seats, on netclient and
// on the lean client.
func TestRunCountsRefusedBotsAsErrors(t *testing.T) {
	t.Parallel()
	for _, lean := range []bool{false, true} {
		t.Run(map[bool]string{false: "netclient", true: "lean"}[lean], func(t *testing.T) {
			t.Parallel()
			testRunCountsRefusedBotsAsErrors(t, lean)
		})
	}
}

func testRunCountsRefusedBotsAsErrors(t *testing.T, lean bool) {
	url, admin := startArena(t, 2)
	var progress strings.Builder
	sum, err := Run(context.Background(), Config{
		URL: url, Bots: 3, Rooms: 1, Hold: time.Second, ProgressEvery: 200 * time.Millisecond,
		Progress: &progress, Server: &ServerProbe{AdminURL: admin}, Lean: lean,
	})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Joined != 2 || sum.Errors != 1 || sum.ErrorReasons["4005 room \"load-1\" is full (2 players)"] != 1 {
		t.Errorf("joined %d, errors %d %v; want 2 joined and one room-full refusal", sum.Joined, sum.Errors, sum.ErrorReasons)
	}
	if sum.CCU != 2 || sum.TickRate != 30 || sum.SnapshotRate != 20 {
		t.Errorf("CCU %d, rates %d/%d; want 2, 30, 20", sum.CCU, sum.TickRate, sum.SnapshotRate)
	}
	if sum.Server == nil || sum.Server.Ticks == 0 || sum.Server.TickBudgetMillis == 0 {
		t.Errorf("server figures %+v, want the steps of the hold", sum.Server)
	}
	if want := []NodePlacement{{URL: url, Bots: 2}}; !slices.Equal(sum.Placement, want) {
		t.Errorf("placement %+v, want %+v", sum.Placement, want)
	}
	// Snapshots come 20 a second: the longest gap is some 50 ms, not nothing and not a second.
	if sum.SeatsLost != 0 || sum.MaxGapMillis < 20 || sum.MaxGapMillis > 1000 {
		t.Errorf("seats lost %d, longest gap %.0f ms; want none lost and a gap of about 50 ms", sum.SeatsLost, sum.MaxGapMillis)
	}
	if !strings.Contains(progress.String(), "connected 2/3") || !strings.Contains(progress.String(), "errors 1") {
		t.Errorf("progress lines:\n%s", progress.String())
	}
	// Both ways on the wire: 20 snapshots and 30 inputs a second (about 20 bytes each) and a ping.
	if sum.SnapshotsPerSecond < 15 || sum.BytesInPerSecond < 500 || sum.BytesOutPerSecond < 400 || sum.BytesOutPerSecond > 2000 {
		t.Errorf("per client %.1f snapshots/s, %.0f B/s in, %.0f B/s out: want about 20, over 500, about 650",
			sum.SnapshotsPerSecond, sum.BytesInPerSecond, sum.BytesOutPerSecond)
	}
	if sum.Lean != lean || sum.BotCPUSeconds <= 0 || sum.BotMicrosPerPlayerSecond <= 0 || sum.BotToServer <= 0 {
		t.Errorf("lean %v, bots' CPU %.3f s, %.0f µs per player-second, %.2f× the server's: want the bots' cost measured",
			sum.Lean, sum.BotCPUSeconds, sum.BotMicrosPerPlayerSecond, sum.BotToServer)
	}
}

// failingProbe cannot read the server.
type failingProbe struct{}

func (failingProbe) Sample(context.Context) (ServerSample, error) {
	return ServerSample{}, io.ErrUnexpectedEOF
}

func TestRunReportsAProbeThatFails(t *testing.T) {
	t.Parallel()
	url, _ := startArena(t, 0)
	sum, err := Run(context.Background(), Config{URL: url, Bots: 1, Hold: 200 * time.Millisecond, Server: failingProbe{}})
	if err == nil || !strings.Contains(err.Error(), "server's figures") {
		t.Errorf("err %v, want one about the server's figures", err)
	}
	if sum.Joined != 1 || sum.Server != nil {
		t.Errorf("joined %d, server %+v: want the bots' side and no server figures", sum.Joined, sum.Server)
	}
}

// TestRunReportsPlacementOnACluster: the bots dial node a for a room that is open on node b (two
// servers in this process sharing a's NATS server); they play on b, and the summary says so.
func TestRunReportsPlacementOnACluster(t *testing.T) {
	t.Parallel()
	key := []byte("loadtest-cluster-key-0123456789ab")
	_, addrs := servertest.StartCluster(t, []server.Config{{Cluster: cluster.Config{ID: "a", TokenKey: key}},
		{Cluster: cluster.Config{ID: "b", TokenKey: key}}}, room.For(arena.Game{}))
	urls := []string{"ws://" + addrs[0] + "/ws", "ws://" + addrs[1] + "/ws"}
	// A host opens the private room load-1 on b.
	host := netclient.Dial[arena.Input](netclient.Config{URL: urls[1], Room: "load-1", Name: "host", Private: true}, arena.Game{}, arena.Schema)
	defer host.Close()
	deadline := time.Now().Add(10 * time.Second)
	for v := host.View(); v.Status != netclient.Connected; v = host.View() {
		if time.Now().After(deadline) {
			t.Fatalf("the host did not open load-1 on b: %+v", v)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// A client asking a for load-1 is sent to b once a's directory has it.
	probe := netclient.Dial[arena.Input](netclient.Config{URL: urls[0], Room: "load-1", Name: "probe", MaxReconnects: -1}, arena.Game{}, arena.Schema)
	for v := probe.View(); v.Status != netclient.Connected || v.URL != urls[1]; v = probe.View() {
		if time.Now().After(deadline) {
			t.Fatalf("a client asking a for load-1 did not reach b: %+v", v)
		}
		time.Sleep(20 * time.Millisecond)
	}
	probe.Close()

	sum, err := Run(context.Background(), Config{URL: urls[0], Bots: 3, Rooms: 1, Hold: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if want := []NodePlacement{{URL: urls[1], Bots: 3, Redirected: 3}}; sum.Joined != 3 || !slices.Equal(sum.Placement, want) {
		t.Errorf("joined %d, placement %+v; want 3 bots on b, each by a redirect: %+v", sum.Joined, sum.Placement, want)
	}
}
