package replay_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/shared/games/pong"
	"github.com/tickwire/tickwire/shared/replay"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/vmihailenco/msgpack/v5"
)

const (
	arenaTicks = 3000 // 100 s at 30 ticks/s
	pongTicks  = 6000 // 100 s at 60 ticks/s
)

// The recordings are made once and shared by the tests (recording takes a while under -race).
var (
	arenaOnce, pongOnce sync.Once
	arenaRec, pongRec   recorded
)

func arenaRecording(tb testing.TB) recorded {
	arenaOnce.Do(func() { arenaRec = record[arena.State, arena.Input](tb, arena.Game{}, arenaScript(arenaTicks)) })
	return arenaRec
}

func pongRecording(tb testing.TB) recorded {
	pongOnce.Do(func() { pongRec = record[pong.State, pong.Input](tb, pong.Game{}, pongScript(pongTicks)) })
	return pongRec
}

func read(tb testing.TB, file []byte) *replay.Recording {
	tb.Helper()
	rec, err := replay.Read(file)
	if err != nil {
		tb.Fatal(err)
	}
	return rec
}

func TestCheckArena(t *testing.T) {
	t.Parallel()
	r := arenaRecording(t)
	rec := read(t, r.file)
	n, err := replay.Check[arena.State, arena.Input](arena.Game{}, rec)
	if err != nil || n != arenaTicks {
		t.Fatalf("Check = %d, %v; want %d ticks, OK", n, err, arenaTicks)
	}
	if len(rec.Players) != 10 || rec.Players[3].Name != "botd" {
		t.Errorf("players %+v, want ten, the fourth named botd (its first name)", rec.Players)
	}
	// The recording must exercise Judge: dashes that struck where the player saw the body. Without
	// the Hits (a recording made with the wire's codec), the replay must then differ.
	hits := 0
	for i := range rec.Ticks {
		for j := range rec.Ticks[i].Inputs {
			in := &rec.Ticks[i].Inputs[j]
			var v arena.Input
			if err := wire.DecodeBody(in.Input, func(d *msgpack.Decoder) error { return arena.Game{}.DecodeFullInput(d, &v) }); err != nil {
				t.Fatal(err)
			}
			if v.Hit != 0 {
				hits++
				v.Hit = 0
				in.Input = fullInput(t, &v)
			}
		}
	}
	if hits < 10 {
		t.Fatalf("only %d judged hits in the recording: the script does not exercise Judge", hits)
	}
	if _, err := replay.Check[arena.State, arena.Input](arena.Game{}, rec); err == nil {
		t.Fatalf("Check passed with the %d judged hits removed", hits)
	}
	t.Logf("%d ticks, %d judged hits, %d bytes", n, hits, len(r.file))
}

func fullInput(tb testing.TB, in *arena.Input) []byte {
	b, err := replay.NewInputEncoder[arena.Input](arena.Game{}).Append(nil, in)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestCheckPong(t *testing.T) {
	t.Parallel()
	r := pongRecording(t)
	rec := read(t, r.file)
	n, err := replay.Check[pong.State, pong.Input](pong.Game{}, rec)
	if err != nil || n != pongTicks {
		t.Fatalf("Check = %d, %v; want %d ticks, OK", n, err, pongTicks)
	}
	// The match must have had points and ready messages, or the test shows little.
	p, err := replay.NewReplayer[pong.State, pong.Input](pong.Game{}, rec)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Seek(4999); err != nil { // before the script's forfeit and new match
		t.Fatal(err)
	}
	s := p.State()
	messages := 0
	for _, tk := range rec.Ticks {
		messages += len(tk.Messages)
	}
	if s.Score[0]+s.Score[1] == 0 && s.Phase != pong.Over || messages < 4 {
		t.Fatalf("score %v, phase %d, %d messages: the match did not get going", s.Score, s.Phase, messages)
	}
	// The presence records came back from the file, and replay as the room applied them: the
	// match stood still while player 8 was away, and player 3's leave while away forfeited it.
	var away, back int
	for _, tk := range rec.Ticks {
		for _, c := range tk.Presence {
			if c.Away {
				away++
			} else {
				back++
			}
		}
	}
	if away != 2 || back != 1 {
		t.Fatalf("%d aways and %d backs read back, want 2 and 1", away, back)
	}
	for _, at := range []struct {
		tick         uint32
		paused, held bool
	}{{1999, false, false}, {2000, true, false}, {2299, true, false}, {2300, false, true},
		{2300 + pong.ResumeTicks - 2, false, true}, {2300 + pong.ResumeTicks, false, false}} {
		if err := p.Seek(at.tick); err != nil {
			t.Fatal(err)
		}
		if s := p.State(); s.Paused() != at.paused || (s.Hold > 0) != at.held || !s.InMatch() {
			t.Errorf("tick %d: phase %d, paused %v, hold %d; want a match, paused %v, held %v", at.tick, s.Phase, s.Paused(), s.Hold, at.paused, at.held)
		}
	}
	if err := p.Seek(5300); err != nil {
		t.Fatal(err)
	}
	if s := p.State(); s.Phase != pong.Over || !s.Forfeit || s.PaddleOn(pong.Right) == nil || s.PaddleOn(pong.Left) != nil {
		t.Errorf("tick 5300: phase %d, forfeit %v; want over, forfeited by the left player", s.Phase, s.Forfeit)
	}
	t.Logf("%d ticks, %d messages, score %v, %d bytes", n, messages, s.Score, len(r.file))
}

// TestReplayMatchesEveryTick steps the replays tick by tick and compares each tick's entity table
// with the one the recorder's room had: what the server sent.
func TestReplayMatchesEveryTick(t *testing.T) {
	t.Parallel()
	t.Run("arena", func(t *testing.T) {
		t.Parallel()
		r := arenaRecording(t)
		p, err := replay.NewReplayer[arena.State, arena.Input](arena.Game{}, read(t, r.file))
		if err != nil {
			t.Fatal(err)
		}
		everyTick(t, p.Step, p.Tick, p.Entities, p.First(), p.Last(), r.hashes)
	})
	t.Run("pong", func(t *testing.T) {
		t.Parallel()
		r := pongRecording(t)
		p, err := replay.NewReplayer[pong.State, pong.Input](pong.Game{}, read(t, r.file))
		if err != nil {
			t.Fatal(err)
		}
		everyTick(t, p.Step, p.Tick, p.Entities, p.First(), p.Last(), r.hashes)
	})
}

func everyTick(t *testing.T, step func() error, tick func() uint32, entities func([]sim.Entity) []sim.Entity, first, last uint32, hashes []uint64) {
	var ents []sim.Entity
	for {
		ents = entities(ents[:0])
		if h := hashEntities(ents); h != hashes[tick()-first] {
			t.Fatalf("tick %d: the replay's entities differ from the live room's", tick())
		}
		if tick() == last {
			return
		}
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestSeek(t *testing.T) {
	t.Parallel()
	r := arenaRecording(t)
	p, err := replay.NewReplayer[arena.State, arena.Input](arena.Game{}, read(t, r.file))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	targets := []uint32{arenaTicks / 2, 0, arenaTicks, 150, 149, 151, arenaTicks / 3, arenaTicks/3 - 1}
	for range 20 {
		targets = append(targets, uint32(rng.IntN(arenaTicks+1)))
	}
	var ents []sim.Entity
	for _, tick := range targets {
		if err := p.Seek(tick); err != nil {
			t.Fatalf("Seek(%d): %v", tick, err)
		}
		ents = p.Entities(ents[:0])
		if p.Tick() != tick || hashEntities(ents) != r.hashes[tick] {
			t.Fatalf("Seek(%d): at tick %d, entities equal to the live room's: %v", tick, p.Tick(), hashEntities(ents) == r.hashes[tick])
		}
		// Player 4 left at a third and came back at two thirds under another name.
		var names []string
		for _, a := range p.Players() {
			names = append(names, fmt.Sprint(a.Player, a.Name))
		}
		want := "1bota 2botb 3botc 4botd 5bote 6botf 7botg 8both 9boti 10botj"
		switch {
		case tick < 10:
			want = strings.Join(strings.Fields(want)[:tick], " ")
		case tick >= arenaTicks/3 && tick < 2*arenaTicks/3:
			want = strings.Replace(want, "4botd ", "", 1)
		case tick >= 2*arenaTicks/3:
			want = strings.Replace(want, "4botd", "4back", 1)
		}
		if got := strings.Join(names, " "); got != want {
			t.Fatalf("Seek(%d): players %q, want %q", tick, got, want)
		}
	}
	for _, bad := range []uint32{arenaTicks + 1, 1 << 31} {
		if err := p.Seek(bad); err == nil {
			t.Errorf("Seek(%d) past the end succeeded", bad)
		}
	}
}

// TestCheckFindsTampering changes one input and expects Check to fail at the first keyframe after
// it, naming an entity.
func TestCheckFindsTampering(t *testing.T) {
	t.Parallel()
	r := arenaRecording(t)
	for _, at := range []int{1000, 1049, 1050, 2999} { // keyframes every 150 ticks: 1050 is one
		rec := read(t, r.file)
		in := &rec.Ticks[at-1].Inputs[2] // player 3's input at tick at
		var v arena.Input
		if err := wire.DecodeBody(in.Input, func(d *msgpack.Decoder) error { return arena.Game{}.DecodeFullInput(d, &v) }); err != nil {
			t.Fatal(err)
		}
		v.MoveX = -v.MoveX
		if v.MoveX == 0 {
			v.MoveX = 127
		}
		in.Input = fullInput(t, &v)
		// Through a file, as a bug report would come.
		rec = read(t, rewrite(t, rec))
		_, err := replay.Check[arena.State, arena.Input](arena.Game{}, rec)
		want := fmt.Sprintf("tick %d differs", (at+149)/150*150)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "entity 3 (player)") {
			t.Errorf("input changed at tick %d: Check = %v, want %q naming entity 3 (player)", at, err, want)
		}
	}
}

// rewrite writes rec back into a file.
func rewrite(tb testing.TB, rec *replay.Recording) []byte {
	tb.Helper()
	b, err := replay.Write(rec)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestRewriteIsIdentical(t *testing.T) {
	t.Parallel()
	r := pongRecording(t)
	if b := rewrite(t, read(t, r.file)); !bytes.Equal(b, r.file) {
		t.Fatalf("a recording read and written again differs: %d bytes, was %d", len(b), len(r.file))
	}
}

func TestNewReplayerRefuses(t *testing.T) {
	t.Parallel()
	r := pongRecording(t)
	if _, err := replay.NewReplayer[arena.State, arena.Input](arena.Game{}, read(t, r.file)); err == nil ||
		!strings.Contains(err.Error(), `"pong"`) || !strings.Contains(err.Error(), `"arena"`) {
		t.Errorf("replaying pong as the arena: %v, want an error naming both", err)
	}
	rec := read(t, r.file)
	rec.Header.StateVersion = 7
	if _, err := replay.NewReplayer[pong.State, pong.Input](pong.Game{}, rec); err == nil ||
		!strings.Contains(err.Error(), "version 7") || !strings.Contains(err.Error(), fmt.Sprintf("version %d", pong.StateVersion)) {
		t.Errorf("replaying state version 7: %v, want an error naming both versions", err)
	}
	// A presence change in a recording of a game that has no sim.Presence cannot be replayed.
	arec := read(t, arenaRecording(t).file)
	arec.Ticks[0].Presence = []replay.Presence{{Player: 1, Away: true, Grace: 60}}
	if p, err := replay.NewReplayer[arena.State, arena.Input](arena.Game{}, arec); err != nil {
		t.Fatal(err)
	} else if err := p.Step(); err == nil || !strings.Contains(err.Error(), "no sim.Presence") {
		t.Errorf("stepping a presence change of the arena: %v, want an error saying it has no sim.Presence", err)
	}
	rec = read(t, r.file)
	rec.Keyframes[0].Entities[0].Fields[0] = -1 << 30
	if _, err := replay.NewReplayer[pong.State, pong.Input](pong.Game{}, rec); err == nil {
		t.Error("a keyframe outside the schema was accepted")
	}
}

func TestWriterRefusesDisorder(t *testing.T) {
	t.Parallel()
	h := replay.Header{Game: "pong", Room: "r", TickRate: 60, KeyframeEvery: 300}
	for _, tc := range []struct {
		name string
		do   func(w *replay.Writer) error
	}{
		{"tick skipped", func(w *replay.Writer) error { return w.Tick(&replay.Tick{Tick: 12}) }},
		{"tick repeated", func(w *replay.Writer) error { return w.Tick(&replay.Tick{Tick: 10}) }},
		{"keyframe ahead", func(w *replay.Writer) error { return w.Keyframe(&replay.Keyframe{Tick: 11}) }},
		{"inputs unsorted", func(w *replay.Writer) error {
			return w.Tick(&replay.Tick{Tick: 11, Inputs: []replay.Input{{Player: 2, Input: []byte{0x90}}, {Player: 1, Input: []byte{0x90}}}})
		}},
		{"toolkit op", func(w *replay.Writer) error {
			return w.Tick(&replay.Tick{Tick: 11, Messages: []replay.Message{{Player: 1, Op: wire.OpHello, Body: []byte{0x90}}}})
		}},
		{"end early", func(w *replay.Writer) error { _, err := w.Close(replay.End{Tick: 9}); return err }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w, err := replay.NewWriter(h, replay.Keyframe{Tick: 10})
			if err != nil {
				t.Fatal(err)
			}
			if err := tc.do(w); err == nil {
				t.Fatal("accepted")
			}
			if _, err := w.Close(replay.End{Tick: 10}); err == nil {
				t.Fatal("the error did not stick")
			}
		})
	}
}
