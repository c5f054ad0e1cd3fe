package replay_test

import (
	"runtime"
	"sync"
	"testing"

	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/shared/replay"
)

func BenchmarkRead(b *testing.B) {
	r := pongRecording(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := replay.Read(r.file); err != nil {
			b.Fatal(err)
		}
	}
}

// tenMinutes is a 10-minute arena match of 10 bot players, recorded once for the benchmarks.
var tenMinutes = sync.OnceValue(func() []byte {
	return record[arena.State, arena.Input](&testing.B{}, arena.Game{}, arenaScript(10*60*arena.TickRate)).file
})

// BenchmarkSeek measures a seek to the middle of a 10-minute arena match of 10 players from the
// start (the time a viewer waits after dragging the timeline there): restore the nearest keyframe,
// step to the tick.
func BenchmarkSeek(b *testing.B) {
	rec := read(b, tenMinutes())
	p, err := replay.NewReplayer[arena.State, arena.Input](arena.Game{}, rec)
	if err != nil {
		b.Fatal(err)
	}
	mid := p.Last() / 2
	mid += 149 // the worst case: just before a keyframe
	mid -= mid % 150
	mid--
	b.ReportAllocs()
	for b.Loop() {
		if err := p.Seek(0); err != nil {
			b.Fatal(err)
		}
		if err := p.Seek(mid); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(tenMinutes())), "file-bytes")
}

// BenchmarkCheck measures replaying and checking the whole 10-minute match.
func BenchmarkCheck(b *testing.B) {
	rec := read(b, tenMinutes())
	for b.Loop() {
		if _, err := replay.Check[arena.State, arena.Input](arena.Game{}, rec); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRecord measures the Writer's cost per tick of a room of 10 arena players, and the
// memory it holds while recording (heap in use after 10 minutes, minus before).
func BenchmarkRecord(b *testing.B) {
	rec := read(b, tenMinutes())
	var before, after runtime.MemStats
	b.ReportAllocs()
	for b.Loop() {
		runtime.GC()
		runtime.ReadMemStats(&before)
		w, err := replay.NewWriter(rec.Header, rec.Keyframes[0])
		if err != nil {
			b.Fatal(err)
		}
		k := 1
		for i := range rec.Ticks {
			if err := w.Tick(&rec.Ticks[i]); err != nil {
				b.Fatal(err)
			}
			for ; k < len(rec.Keyframes) && rec.Keyframes[k].Tick == rec.Ticks[i].Tick; k++ {
				if err := w.Keyframe(&rec.Keyframes[k]); err != nil {
					b.Fatal(err)
				}
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		file, err := w.Close(rec.End)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(after.HeapInuse)-float64(before.HeapInuse), "held-bytes")
		b.ReportMetric(float64(len(file)), "file-bytes")
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(rec.Ticks)), "ns/tick")
}
