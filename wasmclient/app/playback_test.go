package app

import (
	"testing"
	"time"
)

func TestPlaybackAdvance(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		p      Playback
		frames []time.Duration
		want   []int
	}{
		{"1x at 30 Hz, 60 fps: a tick every other frame", Playback{TickRate: 30, Speed: 1, Playing: true},
			[]time.Duration{frame60, frame60, frame60, frame60}, []int{0, 1, 0, 1}},
		{"4x: two ticks a frame", Playback{TickRate: 30, Speed: 4, Playing: true},
			[]time.Duration{frame60, frame60}, []int{2, 2}},
		{"0.25x: a tick every 8 frames", Playback{TickRate: 30, Speed: 0.25, Playing: true},
			[]time.Duration{frame60, frame60, frame60, frame60, frame60, frame60, frame60, frame60}, []int{0, 0, 0, 0, 0, 0, 0, 1}},
		{"paused", Playback{TickRate: 30, Speed: 1},
			[]time.Duration{time.Second}, []int{0}},
		{"a stalled page catches up at most maxCatchUp", Playback{TickRate: 30, Speed: 1, Playing: true},
			[]time.Duration{time.Minute, frame60}, []int{maxCatchUp, 0}},
		{"time going back steps nothing", Playback{TickRate: 30, Speed: 1, Playing: true},
			[]time.Duration{-time.Second, 0}, []int{0, 0}},
		{"speed 0 plays at 1x", Playback{TickRate: 20, Playing: true},
			[]time.Duration{time.Second / 2}, []int{10}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := tt.p
			for i, d := range tt.frames {
				if got := p.Advance(d); got != tt.want[i] {
					t.Errorf("frame %d (%v): Advance = %d, want %d", i, d, got, tt.want[i])
				}
			}
		})
	}
}

// frame60 is one frame at 60 fps, a hair long so that float rounding cannot hide a tick.
const frame60 = time.Second/60 + time.Microsecond

func TestPlaybackSpeeds(t *testing.T) {
	t.Parallel()
	p := Playback{Speed: 1}
	for _, want := range []float64{2, 4, 4} {
		if p.Faster(); p.Speed != want {
			t.Fatalf("Faster: %v, want %v", p.Speed, want)
		}
	}
	for _, want := range []float64{2, 1, 0.5, 0.25, 0.25} {
		if p.Slower(); p.Speed != want {
			t.Fatalf("Slower: %v, want %v", p.Speed, want)
		}
	}
}

func TestTimeline(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		x           float64
		first, last uint32
		want        uint32
	}{
		{"left end", 100, 10, 110, 10},
		{"before the left end", 0, 10, 110, 10},
		{"middle", 300, 10, 110, 60},
		{"right end", 500, 10, 110, 110},
		{"past the right end", 900, 10, 110, 110},
		{"one tick", 300, 7, 7, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := TimelineTick(tt.x, 100, 400, tt.first, tt.last)
			if got != tt.want {
				t.Errorf("TimelineTick(%v) = %d, want %d", tt.x, got, tt.want)
			}
			if tt.x >= 100 && tt.x <= 500 && tt.last > tt.first {
				if x := TimelineX(got, 100, 400, tt.first, tt.last); x != tt.x {
					t.Errorf("TimelineX(%d) = %v, want %v", got, x, tt.x)
				}
			}
		})
	}
}

func TestClock(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		ticks uint32
		rate  int
		want  string
	}{{0, 30, "0:00.0"}, {45, 30, "0:01.5"}, {30 * 75, 30, "1:15.0"}, {20 * 600, 20, "10:00.0"}, {5, 0, "0:05.0"}} {
		if got := Clock(tt.ticks, tt.rate); got != tt.want {
			t.Errorf("Clock(%d, %d) = %q, want %q", tt.ticks, tt.rate, got, tt.want)
		}
	}
}
