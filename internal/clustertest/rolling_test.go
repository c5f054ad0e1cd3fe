package clustertest

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tickwire/tickwire/internal/tools/loadtest"
)

// TestRollingRestart: three nodes hold 30 of the load tester's bots in three rooms of ten, ten
// bots' pages from each node. Each node in turn is restarted as a deploy does it: SIGTERM, wait for
// it to exit, start it again, wait until every node sees it live. The restarted node keeps its id
// and its address, as a node under systemd or in a StatefulSet does: its successor takes its place,
// and the tokens and URLs the clients hold naming it lead to the new process. No bot loses its seat
// (the load tester counts a welcome as another player), none is closed, and the worst gap between
// two snapshots any bot saw is logged.
func TestRollingRestart(t *testing.T) {
	bin := buildServer(t)
	natsURL := startNATS(t).url()
	ids := []string{"a", "b", "c"}
	ports := map[string]int{}
	start := func(id string) *server {
		return startServer(t, bin, id, natsURL, "-addr", "127.0.0.1:"+strconv.Itoa(ports[id]))
	}
	var servers []*server
	for _, id := range ids {
		ports[id] = freePort(t)
		servers = append(servers, start(id))
	}
	allLive := func() bool {
		for _, s := range servers {
			var l clusterList
			if s.hasExited() || getJSON(t, "http://"+s.addr+"/api/cluster", &l) != nil || len(l.Nodes) != len(ids) {
				return false
			}
			for _, n := range l.Nodes {
				if n.State != "live" {
					return false
				}
			}
		}
		return true
	}
	waitUntil(t, "every node to see three live nodes", 10*time.Second, allLive)

	const perNode, roomSize = 10, 10
	ctx, stopLoad := context.WithCancel(context.Background())
	defer stopLoad()
	var wg sync.WaitGroup
	sums := make([]loadtest.Summary, len(servers))
	errs := make([]error, len(servers))
	players := func() int {
		var rooms roomList
		if getJSON(t, "http://"+servers[0].addr+"/api/rooms", &rooms) != nil {
			return -1
		}
		total := 0
		for _, r := range rooms.Rooms {
			total += r.Players
		}
		return total
	}
	// One node's bots after another, each group once the load before it is in every view, so that
	// placement puts the three rooms on the three nodes and every restart moves a room.
	for i, s := range servers {
		wg.Go(func() {
			sums[i], errs[i] = loadtest.Run(ctx, loadtest.Config{URL: s.ws(), Game: "arena", Bots: perNode,
				Rooms: perNode / roomSize, RoomPrefix: "roll-" + s.id, Hold: 5 * time.Minute, Seed: uint64(i)})
		})
		waitUntil(t, "the bots from "+s.id+" to be seated and seen", 20*time.Second, func() bool {
			if players() != (i+1)*perNode {
				return false
			}
			for _, s := range servers {
				total := 0
				for _, p := range loads(t, s) {
					total += p
				}
				if total != (i+1)*perNode {
					return false
				}
			}
			return true
		})
	}
	roomsOn := func(id string) int {
		var rooms roomList
		_ = getJSON(t, "http://"+servers[0].addr+"/api/rooms", &rooms)
		n := 0
		for _, r := range rooms.Rooms {
			if r.Node == id {
				n++
			}
		}
		return n
	}
	time.Sleep(2 * time.Second)

	for i, id := range ids {
		s := servers[i]
		held := roomsOn(id)
		if held == 0 {
			t.Errorf("%s holds no room before its restart: the restart moves nothing", id)
		}
		began := time.Now()
		if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		select {
		case <-s.exited:
			if s.err != nil {
				t.Errorf("%s exited with %v after SIGTERM, want a clean exit", id, s.err)
			}
		case <-time.After(15 * time.Second):
			t.Fatalf("%s did not exit within 15 s of SIGTERM", id)
		}
		exited := time.Since(began)
		servers[i] = start(id)
		waitUntil(t, "every node to see "+id+" live again", 15*time.Second, allLive)
		seated := waitUntil(t, "every bot to be seated again", 15*time.Second, func() bool { return players() == len(servers)*perNode })
		t.Logf("%s (%d rooms): exited %v after SIGTERM, live again %v after it; every bot seated %v later",
			id, held, exited.Round(time.Millisecond), time.Since(began).Round(time.Millisecond), seated.Round(time.Millisecond))
		time.Sleep(2 * time.Second) // play a while on the new layout
	}
	stopLoad()
	wg.Wait()

	worst, lost := 0.0, 0
	for i, sum := range sums {
		lost += sum.SeatsLost
		if errs[i] != nil && !errors.Is(errs[i], context.Canceled) {
			t.Errorf("bots from %s: %v", ids[i], errs[i])
		}
		if sum.Joined != perNode || sum.SeatsLost != 0 || sum.Errors != 0 {
			t.Errorf("bots from %s: %d joined, %d seats lost, %d errors %v; want %d joined, none lost, no error",
				ids[i], sum.Joined, sum.SeatsLost, sum.Errors, sum.ErrorReasons, perNode)
		}
		worst = max(worst, sum.MaxGapMillis)
		t.Logf("bots from %s: longest gap between two snapshots %.0f ms, placement %+v", ids[i], sum.MaxGapMillis, sum.Placement)
	}
	t.Logf("rolling restart of three nodes under %d bots: %d seats lost; the worst gap between two snapshots any bot saw: %.0f ms",
		len(servers)*perNode, lost, worst)
}
