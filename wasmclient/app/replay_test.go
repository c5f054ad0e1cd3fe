package app

import (
	"strings"
	"testing"
	"time"

	"github.com/tickwire/tickwire/internal/replaytest"
	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/shared/replay"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/wasmclient/ui"
)

// arenaRecording records two arena players moving for ticks, a keyframe every 30 ticks.
func arenaRecording(t *testing.T, ticks int, version int) *replay.Recording {
	t.Helper()
	g := arena.Game{}
	s := g.NewState(1)
	w, err := replay.NewWriter(replay.Header{Game: "arena", StateVersion: version, Room: "r9", TickRate: arena.TickRate,
		Started: time.UnixMilli(1_764_000_000_000), KeyframeEvery: 30}, replay.Keyframe{Entities: g.Entities(&s, nil), Players: []replay.Arrival{}})
	if err != nil {
		t.Fatal(err)
	}
	enc := replay.NewInputEncoder[arena.Input](g)
	var seated []replay.Arrival
	for tick := uint32(1); tick <= uint32(ticks); tick++ {
		rt := replay.Tick{Tick: tick}
		if tick <= 2 {
			g.Join(&s, sim.PlayerID(tick))
			rt.Arrivals = []replay.Arrival{{Player: sim.PlayerID(tick), Name: []string{"", "ann", "bob"}[tick]}}
			seated = append(seated, rt.Arrivals...)
		}
		var ins []sim.Input[arena.Input]
		for p := sim.PlayerID(1); p <= min(2, sim.PlayerID(tick)); p++ {
			in := arena.Input{MoveX: int8(60 * p), MoveY: -40}
			ins = append(ins, sim.Input[arena.Input]{Player: p, Input: in})
			b, err := enc.Append(nil, &in)
			if err != nil {
				t.Fatal(err)
			}
			rt.Inputs = append(rt.Inputs, replay.Input{Player: p, Input: b})
		}
		g.Step(&s, tick, ins)
		if err := w.Tick(&rt); err != nil {
			t.Fatal(err)
		}
		if tick%30 == 0 {
			if err := w.Keyframe(&replay.Keyframe{Tick: tick, Entities: g.Entities(&s, nil), Players: seated}); err != nil {
				t.Fatal(err)
			}
		}
	}
	data, err := w.Close(replay.End{Tick: uint32(ticks), Reason: "closed"})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := replay.Read(data)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// TestWatch: a page opened for a replay shows the loading screen, then plays the recording; a
// scrub lands on the tick asked for, with the recording's entities and players; the end pauses.
func TestWatch(t *testing.T) {
	t.Parallel()
	g := &fakeGame{}
	a := New(Config{URL: "ws://127.0.0.1:1/ws", Replay: "r9-1"}, fakeSpec(g), nil)
	defer a.Close()
	if _, ok := a.mgr.Current().(*replayMessage[arena.Input]); !ok || a.client.Load() != nil {
		t.Fatalf("a replay page starts at %T (connection %v), want the loading screen and no connection", a.mgr.Current(), a.client.Load())
	}
	if d := debugView(t, a); d.Mode != "replay" || d.Status != "loading" {
		t.Fatalf("loading: %+v", d)
	}
	rec := arenaRecording(t, 100, arena.Game{}.Info().StateVersion)
	if err := a.Watch(rec); err != nil {
		t.Fatal(err)
	}
	w, ok := a.mgr.Current().(*watching[arena.Input])
	if !ok {
		t.Fatalf("after Watch the client shows %T", a.mgr.Current())
	}
	ctx := &ui.Context{W: 640, H: 360, Scale: 1, Theme: ui.NewTheme()}
	if err := w.Update(ctx); err != nil {
		t.Fatal(err)
	}
	d := debugView(t, a)
	if d.Mode != "replay" || d.Status != "watching" || d.Game != "arena" || d.Room != "r9" || d.First != 0 || d.Last != 100 ||
		!d.Playing || d.Speed != 1 {
		t.Fatalf("watching: %+v", d)
	}
	w.seek(47)
	if err := w.Update(ctx); err != nil {
		t.Fatal(err)
	}
	d = debugView(t, a)
	want := replaytest.ArenaPlayersAt(t, rec, 47, arena.PlayerX)
	if d.Tick < 47 || d.Tick > 48 { // playing: the frame may step one more tick
		t.Fatalf("after a seek to 47 the view is at tick %d", d.Tick)
	}
	want = replaytest.ArenaPlayersAt(t, rec, d.Tick, arena.PlayerX)
	got := d.Entities["player"]
	if len(got) != 2 || len(d.Players) != 2 || d.Players[0].Name != "ann" || d.Players[1].Name != "bob" {
		t.Fatalf("players %+v, entities %+v", d.Players, got)
	}
	for _, e := range got {
		if x := e.Fields["x"]; x != want[e.ID] {
			t.Errorf("player %d at x %d, the recording has %d at tick %d", e.ID, x, want[e.ID], d.Tick)
		}
	}
	w.seek(100)
	w.pb.Playing = true
	if err := w.Update(ctx); err != nil {
		t.Fatal(err)
	}
	if d = debugView(t, a); d.Playing || d.Tick != 100 {
		t.Errorf("at the end: playing %v at tick %d, want paused at 100", d.Playing, d.Tick)
	}
	w.togglePlay()
	if w.src.Tick() != 0 || !w.pb.Playing {
		t.Errorf("play at the end: tick %d playing %v, want the start, playing", w.src.Tick(), w.pb.Playing)
	}
	w.followRow(2)
	if w.follow != 2 {
		t.Errorf("row 2 follows player %d, want 2", w.follow)
	}
}

func TestWatchRefuses(t *testing.T) {
	t.Parallel()
	a := New(Config{URL: "ws://127.0.0.1:1/ws", Replay: "x"}, fakeSpec(&fakeGame{}), nil)
	defer a.Close()
	rec := arenaRecording(t, 10, arena.Game{}.Info().StateVersion+1)
	err := a.Watch(rec)
	if err == nil || !strings.Contains(err.Error(), "version") {
		t.Fatalf("another state version: %v, want an error naming the versions", err)
	}
	rec.Header.Game = "pong"
	if err = a.Watch(rec); err == nil || !strings.Contains(err.Error(), `"pong", not of "arena"`) {
		t.Fatalf("another game: %v", err)
	}
	a.WatchFailed(err)
	if d := debugView(t, a); d.Mode != "replay" || d.Status != "failed" || !strings.Contains(d.Reason, "pong") {
		t.Errorf("failed: %+v", d)
	}
}
