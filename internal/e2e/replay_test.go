//go:build !js

package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/tickwire/tickwire/internal/replaytest"
	"github.com/tickwire/tickwire/server"
	"github.com/tickwire/tickwire/server/replays"
	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/shared/games/pong"
	"github.com/tickwire/tickwire/shared/replay"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/wasmclient/netclient"
)

// recordMatch steps game g for ticks with players seated from the first ticks (names "p1", ...),
// each playing input(tick, player), and records it as a room does: a header, the keyframe of tick 0,
// each tick's arrivals and inputs as Step got them, a keyframe every 5 s. No server is involved.
func recordMatch[S, I any](t *testing.T, g replay.Game[S, I], room string, players, ticks int, input func(tick uint32, p sim.PlayerID) I) []byte {
	t.Helper()
	info := g.Info()
	s := g.NewState(7)
	ents := g.Entities(&s, nil)
	every := 5 * info.TickRate
	w, err := replay.NewWriter(replay.Header{Game: info.Name, StateVersion: info.StateVersion, Room: room,
		TickRate: info.TickRate, Started: time.UnixMilli(1_764_000_000_000), KeyframeEvery: every, Node: "e2e"},
		replay.Keyframe{Tick: 0, Entities: ents, Players: []replay.Arrival{}})
	if err != nil {
		t.Fatal(err)
	}
	enc := replay.NewInputEncoder[I](g)
	var seated []replay.Arrival // in order of id: players join in order
	var inputs []sim.Input[I]
	for tick := uint32(1); tick <= uint32(ticks); tick++ {
		rt := replay.Tick{Tick: tick}
		if int(tick) <= players {
			p := sim.PlayerID(tick)
			g.Join(&s, p)
			a := replay.Arrival{Player: p, Name: fmt.Sprintf("p%d", p)}
			seated = append(seated, a)
			rt.Arrivals = append(rt.Arrivals, a)
		}
		inputs = inputs[:0]
		for _, a := range seated {
			p := a.Player
			in := sim.Input[I]{Player: p, Input: input(tick, p)}
			inputs = append(inputs, in)
			b, err := enc.Append(nil, &in.Input)
			if err != nil {
				t.Fatal(err)
			}
			rt.Inputs = append(rt.Inputs, replay.Input{Player: p, Input: b})
		}
		g.Step(&s, tick, inputs)
		if err := w.Tick(&rt); err != nil {
			t.Fatal(err)
		}
		if int(tick)%every == 0 {
			ents = g.Entities(&s, ents[:0])
			if err := w.Keyframe(&replay.Keyframe{Tick: tick, Entities: ents, Players: seated}); err != nil {
				t.Fatal(err)
			}
		}
	}
	data, err := w.Close(replay.End{Tick: uint32(ticks), Reason: "closed"})
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// arenaRound is 4 players in the arena for 40 s, each sweeping the field in its own pattern, so
// that orbs are picked up and the scores differ.
func arenaRound(t *testing.T) []byte {
	dirs := [8][2]int8{{127, 0}, {90, 90}, {0, 127}, {-90, 90}, {-127, 0}, {-90, -90}, {0, -127}, {90, -90}}
	return recordMatch(t, arena.Game{}, "e2e-replay", 4, 40*arena.TickRate, func(tick uint32, p sim.PlayerID) arena.Input {
		d := dirs[(tick/45+uint32(p)*3)%8]
		return arena.Input{MoveX: d[0], MoveY: d[1]}
	})
}

// serveReplays runs the real server with its replays kept in a directory where files (replay
// files by id) were saved first, as its rooms' recordings are: GET /api/replays lists them and
// GET /api/replays/ID serves them.
func serveReplays(t *testing.T, www string, files map[string][]byte) string {
	t.Helper()
	dir := t.TempDir()
	store, err := replays.OpenDir(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	for id, data := range files {
		rec, err := replay.Read(data)
		if err != nil {
			t.Fatal(err)
		}
		h := rec.Header
		// Started now, as a room's file recorded just before the page's session: the arena's offer
		// shows only files that ended after the page joined the room (less a minute of clocks).
		m := replays.Meta{ID: id, Game: h.Game, Room: h.Room, Started: time.Now(), FirstTick: rec.First(),
			LastTick: rec.Last(), Ticks: rec.Last() - rec.First(), TickRate: h.TickRate, Bytes: len(data), Node: h.Node,
			Seconds: float64(rec.Last()-rec.First()) / float64(h.TickRate), Reason: rec.End.Reason}
		for _, p := range rec.Players {
			m.Players = append(m.Players, p.Name)
		}
		if err := store.Save(m, data); err != nil {
			t.Fatal(err)
		}
	}
	_, base := startServer(t, www, func(cfg *server.Config) { cfg.Replays.Dir = dir })
	return base
}

// mouse presses the left button at (x, y), holds it for d (a page drawing a few frames a second
// must see it down), and releases it.
func (p *page) mouse(x, y float64, d time.Duration) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second+d)
	defer cancel()
	err := chromedp.Do(ctx,
		chromedp.MouseEvent(chromedp.MouseMoved, x, y),
		chromedp.MouseEvent(chromedp.MousePressed, x, y, chromedp.ButtonLeft, chromedp.ClickCount(1)),
		chromedp.Sleep(d),
		chromedp.MouseEvent(chromedp.MouseReleased, x, y, chromedp.ButtonLeft, chromedp.ClickCount(1)))
	if err != nil {
		p.t.Fatalf("%s: mouse at %v,%v: %v", p.name, x, y, err)
	}
}

// TestReplayInChromium records a 40 s arena round of 4 players, opens it in the page with
// ?replay=ID, pauses it, scrubs to the middle of the timeline, and checks that the tick drawn and
// every player's score (in the drawn entities and in the players list) are the recording's at that
// tick, as replay.Replayer computes them. Then it drops a pong recording on the page through its
// file input: the page switches to pong and plays it. A player in the recorded room is offered the
// room's replay and plays it with a click; a missing id shows the error screen. The replays are
// the real server's, from a -replays directory.
func TestReplayInChromium(t *testing.T) {
	findChromium(t)
	www := wwwDir(t)
	data := arenaRound(t)
	rec, err := replay.Read(data)
	if err != nil {
		t.Fatal(err)
	}
	const id = "arena-e2e-replay-1764000000000"
	base := serveReplays(t, www, map[string][]byte{id: data})
	browser := newBrowserSized(t, 640, 360)

	p := openPage(t, browser, "replay page", base+"/?replay="+id+"&mute=1")
	v := p.waitView("the replay to play", 90*time.Second, func(v netclient.DebugView) bool {
		return v.Mode == "replay" && v.Status == "watching" && v.DebugReplay != nil && v.Frames > 0
	})
	if v.Game != "arena" || v.Room != "e2e-replay" || v.First != rec.Keyframes[0].Tick || v.Last != rec.End.Tick ||
		v.Speed != 1 || !v.Playing {
		t.Fatalf("replay view: game %q room %q ticks %d..%d speed %v playing %v; want arena e2e-replay %d..%d at 1× playing",
			v.Game, v.Room, v.First, v.Last, v.Speed, v.Playing, rec.Keyframes[0].Tick, rec.End.Tick)
	}
	p.holdKey(" ", "Space", 32, 300*time.Millisecond)
	v = p.waitView("the replay to pause", 15*time.Second, func(v netclient.DebugView) bool { return !v.Playing })
	t.Logf("paused at tick %d of %d..%d", v.Tick, v.First, v.Last)

	// The timeline spans the bar at the bottom: 12 px margins, 14 px padding; its middle is the
	// screen's, 109 px above the bottom.
	size, err := p.eval(`innerWidth + "x" + innerHeight + "@" + devicePixelRatio`)
	if err != nil {
		t.Fatal(err)
	}
	var vw, vh int
	var dpr float64
	if _, err := fmt.Sscanf(size, "%dx%d@%g", &vw, &vh, &dpr); err != nil {
		t.Fatalf("page size %q: %v", size, err)
	}
	t.Logf("page %s", size)
	p.mouse(float64(vw)/2, float64(vh)-109, 400*time.Millisecond)
	mid := (v.First + v.Last) / 2
	span := v.Last - v.First
	v = p.waitView("the scrub to the middle", 15*time.Second, func(v netclient.DebugView) bool {
		return v.Tick+span/50 >= mid && v.Tick <= mid+span/50 && !v.Playing
	})
	time.Sleep(300 * time.Millisecond) // the release may land a frame later: take the tick it settled on
	v, err = p.view()
	if err != nil {
		t.Fatal(err)
	}
	want := replaytest.ArenaPlayersAt(t, rec, v.Tick, arena.PlayerScore)
	t.Logf("scrubbed to tick %d (the middle is %d); the recording's scores there: %v", v.Tick, mid, want)
	if len(want) != 4 || len(v.Players) != 4 {
		t.Fatalf("players: view %+v, recording %v; want 4", v.Players, want)
	}
	total := int32(0)
	for _, pl := range v.Players {
		if pl.Score != want[pl.ID] || pl.Name != fmt.Sprintf("p%d", pl.ID) {
			t.Errorf("player %d %q: score %d in the players list, the recording has %d", pl.ID, pl.Name, pl.Score, want[pl.ID])
		}
		total += want[pl.ID]
	}
	for _, e := range v.Entities["player"] {
		if e.Fields["score"] != want[e.ID] {
			t.Errorf("player %d: drawn score %d, the recording has %d at tick %d", e.ID, e.Fields["score"], want[e.ID], v.Tick)
		}
	}
	if total == 0 {
		t.Errorf("no orb picked up by tick %d: the round proves nothing about scores", v.Tick)
	}
	// Following a player: key 2 is the list's second player.
	p.holdKey("2", "Digit2", 50, 300*time.Millisecond)
	v = p.waitView("following p2", 15*time.Second, func(v netclient.DebugView) bool { return v.Following == 2 })
	dir := artifactDir(t, www)
	p.screenshot(filepath.Join(dir, "replay-arena.png"))

	// A pong file picked with the page's file input (where a dropped file goes too) plays as pong.
	pongData := recordMatch(t, pong.Game{}, "e2e-pong-replay", 2, 10*pong.TickRate, func(tick uint32, p sim.PlayerID) pong.Input {
		return pong.Input{Move: int8(1 - 2*int(tick/60%2))}
	})
	file := filepath.Join(t.TempDir(), "match.twr")
	if err := os.WriteFile(file, pongData, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS("#replay-file"), []string{file}, chromedp.NodeReady)); err != nil {
		t.Fatalf("setting the file input: %v", err)
	}
	v = p.waitView("the pong replay to play", 30*time.Second, func(v netclient.DebugView) bool {
		return v.Mode == "replay" && v.Game == "pong" && v.Status == "watching" && v.DebugReplay != nil && v.Tick > v.First
	})
	if v.Room != "e2e-pong-replay" || v.Last != 10*pong.TickRate || len(v.Players) != 2 || len(v.Entities["paddle"]) != 2 {
		t.Errorf("pong replay: room %q, last %d, players %+v, paddles %d", v.Room, v.Last, v.Players, len(v.Entities["paddle"]))
	}
	t.Logf("the dropped pong file plays: tick %d of %d..%d, players %+v", v.Tick, v.First, v.Last, v.Players)
	p.screenshot(filepath.Join(dir, "replay-pong.png"))
	if probs := p.consoleProblems(); len(probs) > 0 {
		t.Errorf("console problems: %v", probs)
	}

	// Playing in the recorded room, the arena offers its newest replay beside the NET button (the
	// server lists it): 180×30 px from x 66, centred on y 59. A click on the offer plays it.
	r := openPage(t, browser, "player's page", base+"/?game=arena&room=e2e-replay&name=Ann&mute=1")
	r.waitView("Ann to play in room e2e-replay", 90*time.Second, func(v netclient.DebugView) bool {
		return v.Mode == "play" && v.Status == "connected" && v.Room == "e2e-replay" && v.Frames > 0
	})
	time.Sleep(time.Second) // the offer's first lookup
	r.screenshot(filepath.Join(dir, "replay-offer-arena.png"))
	r.mouse(156, 59, 400*time.Millisecond)
	v = r.waitView("the room's replay to play", 30*time.Second, func(v netclient.DebugView) bool {
		return v.Mode == "replay" && v.Status == "watching" && v.DebugReplay != nil
	})
	if v.Room != "e2e-replay" || v.Last != rec.End.Tick {
		t.Errorf("the offered replay: room %q, last tick %d; want e2e-replay, %d", v.Room, v.Last, rec.End.Tick)
	}

	// A replay the server does not have: the error screen, with its reason.
	q := openPage(t, browser, "missing replay page", base+"/?replay=arena-gone-1&mute=1")
	v = q.waitView("the error screen", 90*time.Second, func(v netclient.DebugView) bool {
		return v.Mode == "replay" && v.Status == "failed"
	})
	if !strings.Contains(v.Reason, "has no replay arena-gone-1") {
		t.Errorf("missing replay: reason %q", v.Reason)
	}
	q.screenshot(filepath.Join(dir, "replay-missing.png"))
}
