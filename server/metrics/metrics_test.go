package metrics_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/tickwire/tickwire/server"
	"github.com/tickwire/tickwire/server/cluster"
	"github.com/tickwire/tickwire/server/metrics"
	"github.com/tickwire/tickwire/server/room"
	"github.com/tickwire/tickwire/server/servertest"
	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/tickwire/tickwire/wasmclient/netclient"
	"github.com/tickwire/tickwire/wasmclient/netcode"
)

// scrape reads the admin endpoint's /metrics as metric families by name.
func scrape(t *testing.T, admin string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(admin + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %s", resp.Status)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return fams
}

// value returns the value of the series of family name whose labels include the given name=value
// pairs, and whether there is one. A histogram's value is its sample count.
func value(fams map[string]*dto.MetricFamily, name string, labels ...string) (float64, bool) {
	f := fams[name]
	if f == nil {
		return 0, false
	}
next:
	for _, m := range f.Metric {
		for i := 0; i+1 < len(labels); i += 2 {
			found := false
			for _, l := range m.Label {
				found = found || l.GetName() == labels[i] && l.GetValue() == labels[i+1]
			}
			if !found {
				continue next
			}
		}
		switch {
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		case m.Untyped != nil:
			return m.Untyped.GetValue(), true
		}
	}
	return 0, false
}

func startServer(t *testing.T) (wsURL, adminURL string) {
	t.Helper()
	m := metrics.New()
	var cfg server.Config
	cfg.Lobby.Observer = m
	cfg.Gateway.Observer = m
	srv, addr := servertest.Start(t, cfg, room.For(arena.Game{}))
	waitFor(t, "the server to join its cluster", func() bool { return srv.Lobby().Node() != nil })
	m.SetNATS(srv.Lobby().Node().Status) // as the command does once the server has started
	admin := httptest.NewServer(m.Handler())
	t.Cleanup(admin.Close)
	return "ws://" + addr + "/ws", admin.URL
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestScrapeAfterBotsPlayed plays a few bots and a refused client against a real server, then checks
// the series the admin endpoint shows.
func TestScrapeAfterBotsPlayed(t *testing.T) {
	t.Parallel()
	url, admin := startServer(t)
	var bots []*netclient.Client[arena.Input]
	for _, name := range []string{"ann", "bob", "cy"} {
		c := netclient.Dial[arena.Input](netclient.Config{URL: url, Room: "metrics", Name: name, Messages: arena.Messages}, arena.Game{}, arena.Schema)
		t.Cleanup(c.Close)
		d := netcode.NewDriver[arena.State, arena.Input](arena.Game{}, c, netcode.DriverConfig{})
		d.Hold(arena.Input{MoveX: 127, Buttons: arena.ButtonDash})
		ctx, stop := context.WithCancel(context.Background())
		t.Cleanup(stop)
		go d.Play(ctx, 30)
		bots = append(bots, c)
	}
	for _, c := range bots {
		waitFor(t, "snapshots and acknowledged inputs", func() bool {
			v := c.View()
			return v.Snapshots >= 5 && v.Ack > 0
		})
	}
	bad := netclient.Dial[arena.Input](netclient.Config{URL: url, Name: "<bad>"}, arena.Game{}, arena.Schema)
	waitFor(t, "the refusal", func() bool { return bad.View().Status == netclient.Closed })

	var fams map[string]*dto.MetricFamily
	// The refused connection's close is counted when its writer closes it, just after the client saw
	// it; it leaves the handshake state once the close handshake is over, a moment later.
	// How many full snapshots a client gets before the server has seen its first acknowledgement
	// depends on scheduling (under -race on a busy machine, two or three), so wait for the deltas
	// to be flowing rather than deriving a count from the clients' views.
	waitFor(t, "the refusal to be counted, the refused connection gone and deltas to flow", func() bool {
		fams = scrape(t, admin)
		v, _ := value(fams, "tickwire_refusals_total", "reason", "bad_name")
		h, _ := value(fams, "tickwire_connections", "state", "handshake")
		d, _ := value(fams, "tickwire_frames_out_total", "op", "delta")
		return v == 1 && h == 0 && d >= 12
	})
	want := []struct {
		name   string
		labels []string
		check  func(float64) bool
		expect string
	}{
		{"tickwire_players", []string{"game", "arena"}, eq(3), "3"},
		{"tickwire_rooms", []string{"game", "arena"}, eq(1), "1"},
		{"tickwire_connections", []string{"state", "playing"}, eq(3), "3"},
		{"tickwire_connections", []string{"state", "handshake"}, eq(0), "0"},
		{"tickwire_tick_duration_seconds", []string{"game", "arena"}, atLeast(5), "at least 5 steps"},
		{"tickwire_tick_duration_max_seconds", []string{"game", "arena"}, positive, "> 0"},
		{"tickwire_ticks_missed_total", []string{"game", "arena"}, atLeast(0), "present"},
		{"tickwire_ticks_late_total", []string{"game", "arena"}, atLeast(0), "present"},
		// Each client's first snapshot is full; after its first acknowledgement they are deltas.
		{"tickwire_frames_out_total", []string{"op", "snapshot"}, atLeast(3), "at least one per client"},
		{"tickwire_frame_bytes_out_total", []string{"op", "snapshot"}, atLeast(3 * 400), "3 full arena snapshots' worth"},
		{"tickwire_frames_out_total", []string{"op", "delta"}, atLeast(12), "at least 12"},
		{"tickwire_frame_bytes_out_total", []string{"op", "delta"}, atLeast(12 * 10), "12 deltas' worth"},
		{"tickwire_frames_out_total", []string{"op", "welcome"}, eq(3), "3"},
		// The arena sends two inputs a message (sim.DefaultInputsPerMessage): "inputs" frames.
		{"tickwire_frames_in_total", []string{"op", "inputs"}, atLeast(3), "at least 3"},
		{"tickwire_frame_bytes_in_total", []string{"op", "inputs"}, atLeast(3 * 14), "at least 3 batches' worth"},
		{"tickwire_frames_in_total", []string{"op", "hello"}, eq(4), "4"},
		{"tickwire_connections_closed_total", []string{"code", "4004", "reason", "bad_name"}, eq(1), "1"},
		{"tickwire_snapshots_dropped_total", nil, atLeast(0), "present"},
		{"tickwire_slow_client_kicks_total", []string{"cause", "queue_full"}, eq(0), "0"},
		{"tickwire_process_peak_rss_bytes", nil, positive, "> 0"},
		// The node's connection to its embedded NATS server: it registered and watches its view.
		{"tickwire_nats_connected", nil, eq(1), "1"},
		{"tickwire_nats_reconnects_total", nil, eq(0), "0"},
		{"tickwire_nats_messages_total", []string{"direction", "out"}, positive, "> 0"},
		{"tickwire_nats_messages_total", []string{"direction", "in"}, positive, "> 0"},
		{"tickwire_nats_bytes_total", []string{"direction", "out"}, positive, "> 0"},
		{"tickwire_nats_bytes_total", []string{"direction", "in"}, positive, "> 0"},
		{"process_cpu_seconds_total", nil, positive, "> 0"},
		{"go_goroutines", nil, positive, "> 0"},
	}
	for _, w := range want {
		v, ok := value(fams, w.name, w.labels...)
		if !ok || !w.check(v) {
			t.Errorf("%s%v = %v (present %v), want %s", w.name, w.labels, v, ok, w.expect)
		}
	}

	for _, c := range bots {
		c.Close()
	}
	waitFor(t, "players and rooms back to 0", func() bool {
		fams := scrape(t, admin)
		p, _ := value(fams, "tickwire_players", "game", "arena")
		r, _ := value(fams, "tickwire_rooms", "game", "arena")
		c, _ := value(fams, "tickwire_connections", "state", "playing")
		return p == 0 && r == 0 && c == 0
	})
}

func eq(want float64) func(float64) bool      { return func(v float64) bool { return v == want } }
func atLeast(want float64) func(float64) bool { return func(v float64) bool { return v >= want } }
func positive(v float64) bool                 { return v > 0 }

func TestAdminServesProfiles(t *testing.T) {
	t.Parallel()
	admin := httptest.NewServer(metrics.New().Handler())
	defer admin.Close()
	for path, want := range map[string]string{
		"/debug/pprof/":                  "goroutine",
		"/debug/pprof/goroutine?debug=1": "goroutine profile",
		"/debug/pprof/cmdline":           "",
		"/":                              "/metrics",
	} {
		resp, err := http.Get(admin.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), want) {
			t.Errorf("GET %s: %s, body lacks %q", path, resp.Status, want)
		}
	}
}

// TestRoomObserverAndCloseKinds drives the observers directly.
func TestRoomObserverAndCloseKinds(t *testing.T) {
	t.Parallel()
	m := metrics.New()
	admin := httptest.NewServer(m.Handler())
	defer admin.Close()
	r := m.RoomOpened("g")
	r.Tick(3*time.Millisecond, false)
	r.Tick(time.Millisecond, true)
	r.Tick(2*time.Millisecond, true)
	r.Missed(5)
	r.InputsIgnored(3, 0)
	r.InputsIgnored(1, 2)
	for _, code := range []wire.CloseCode{wire.CloseSlowClient, wire.CloseSlowClient, wire.CloseMalformed, wire.CloseRoomFull, wire.CloseGoingAway, wire.CloseInputAhead} {
		m.Closed(code)
	}
	m.Closed(wire.CloseRedirect)
	m.WriteFailed(true)
	m.WriteFailed(false)
	m.SnapshotDropped()
	m.SetNode("first")
	m.SetNode("eu1")
	if _, ok := value(scrape(t, admin.URL), "tickwire_nats_connected"); ok {
		t.Error("tickwire_nats_connected is reported before SetNATS: a node not joined yet is not disconnected")
	}
	m.SetNATS(func() cluster.Status {
		return cluster.Status{State: "RECONNECTING", Reconnects: 3, InMsgs: 40, OutMsgs: 10, InBytes: 4000, OutBytes: 1000}
	})
	fams := scrape(t, admin.URL)
	for _, w := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"tickwire_tick_duration_seconds", []string{"game", "g"}, 3},
		{"tickwire_tick_duration_max_seconds", []string{"game", "g"}, 0.003},
		{"tickwire_ticks_late_total", []string{"game", "g"}, 2},
		{"tickwire_ticks_missed_total", []string{"game", "g"}, 5},
		{"tickwire_rooms", []string{"game", "g"}, 1},
		{"tickwire_slow_client_kicks_total", []string{"cause", "queue_full"}, 2},
		{"tickwire_slow_client_kicks_total", []string{"cause", "write_timeout"}, 1},
		{"tickwire_decode_errors_total", []string{"reason", "malformed"}, 1},
		{"tickwire_refusals_total", []string{"reason", "room_full"}, 1},
		{"tickwire_refusals_total", []string{"reason", "input_ahead"}, 1},
		{"tickwire_connections_closed_total", []string{"code", "4016", "reason", "input_ahead"}, 1},
		{"tickwire_inputs_ignored_total", []string{"game", "g", "reason", "late"}, 4},
		{"tickwire_inputs_ignored_total", []string{"game", "g", "reason", "duplicate"}, 2},
		{"tickwire_connections_closed_total", []string{"code", "4010", "reason", "slow_client"}, 2},
		{"tickwire_connections_closed_total", []string{"code", "1001", "reason", "going_away"}, 1},
		{"tickwire_snapshots_dropped_total", nil, 1},
		{"tickwire_connections_closed_total", []string{"code", "4018", "reason", "redirect"}, 1},
		{"tickwire_node_info", []string{"node", "eu1"}, 1},
		{"tickwire_nats_connected", nil, 0},
		{"tickwire_nats_reconnects_total", nil, 3},
		{"tickwire_nats_messages_total", []string{"direction", "in"}, 40},
		{"tickwire_nats_messages_total", []string{"direction", "out"}, 10},
		{"tickwire_nats_bytes_total", []string{"direction", "in"}, 4000},
		{"tickwire_nats_bytes_total", []string{"direction", "out"}, 1000},
	} {
		if v, ok := value(fams, w.name, w.labels...); !ok || v != w.want {
			t.Errorf("%s%v = %v (present %v), want %v", w.name, w.labels, v, ok, w.want)
		}
	}
	if _, ok := value(fams, "tickwire_refusals_total", "reason", "going_away"); ok {
		t.Error("a shutdown close counted as a refusal")
	}
	if _, ok := value(fams, "tickwire_refusals_total", "reason", "redirect"); ok {
		t.Error("a redirect counted as a refusal: the player is placed, elsewhere")
	}
	if _, ok := value(fams, "tickwire_node_info", "node", "first"); ok {
		t.Error("the node id set first is still labelled after SetNode named another")
	}
}
