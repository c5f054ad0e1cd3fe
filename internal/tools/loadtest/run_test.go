package loadtest

import (
	"context"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tickwire/tickwire/server"
	"github.com/tickwire/tickwire/server/metrics"
	"github.com/tickwire/tickwire/server/room"
	"github.com/tickwire/tickwire/server/servertest"
	"github.com/tickwire/tickwire/shared/games/arena"
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

// TestRunCountsRefusedBotsAsErrors runs three bots into one room of two seats.
func TestRunCountsRefusedBotsAsErrors(t *testing.T) {
	t.Parallel()
	url, admin := startArena(t, 2)
	var progress strings.Builder
	sum, err := Run(context.Background(), Config{
		URL: url, Bots: 3, Rooms: 1, Hold: time.Second, ProgressEvery: 200 * time.Millisecond,
		Progress: &progress, Server: &ServerProbe{AdminURL: admin},
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
	if !strings.Contains(progress.String(), "connected 2/3") || !strings.Contains(progress.String(), "errors 1") {
		t.Errorf("progress lines:\n%s", progress.String())
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
