package app

import (
	"math"
	"strconv"
	"time"
)

// Speeds are the playback speeds a replay offers, slowest first.
var Speeds = [...]float64{0.25, 0.5, 1, 2, 4}

// maxCatchUp is the most ticks one frame of playback steps: after a stalled page (a hidden tab)
// playback carries on from where it was rather than stepping a minute of ticks in one frame.
const maxCatchUp = 16

// Playback is a replay's clock: whether it plays, at what speed, and the part of a tick it has
// accumulated. It is pure: the time between frames is passed in, so it is tested with generated
// durations.
type Playback struct {
	TickRate int     // the recording's ticks per second
	Speed    float64 // one of Speeds; defaults to 1
	Playing  bool
	acc      float64 // ticks owed, carried between frames
}

// Advance returns how many ticks to step after dt of real time: TickRate × Speed × dt, the
// fraction carried over to the next frame, at most maxCatchUp (the rest is dropped). Paused, or
// with dt not positive (a clock that went back), it returns 0.
func (p *Playback) Advance(dt time.Duration) int {
	if !p.Playing || dt <= 0 || p.TickRate <= 0 {
		return 0
	}
	speed := p.Speed
	if speed <= 0 {
		speed = 1
	}
	p.acc += dt.Seconds() * float64(p.TickRate) * speed
	n := math.Floor(p.acc)
	p.acc -= n
	if n > maxCatchUp {
		return maxCatchUp
	}
	return int(n)
}

// Toggle plays a paused playback and pauses a playing one.
func (p *Playback) Toggle() {
	p.Playing = !p.Playing
	p.acc = 0
}

// Faster and Slower move the speed one step along Speeds, staying at the ends.
func (p *Playback) Faster() { p.Speed = Speeds[min(speedIndex(p.Speed)+1, len(Speeds)-1)] }
func (p *Playback) Slower() { p.Speed = Speeds[max(speedIndex(p.Speed)-1, 0)] }

// speedIndex returns the index in Speeds of the speed nearest s.
func speedIndex(s float64) int {
	best := 0
	for i, v := range Speeds {
		if math.Abs(v-s) < math.Abs(Speeds[best]-s) {
			best = i
		}
	}
	return best
}

// TimelineTick returns the tick a timeline from x0, w pixels wide, showing first to last, puts at
// x: clamped to the ends.
func TimelineTick(x, x0, w float64, first, last uint32) uint32 {
	if w <= 0 || last <= first {
		return first
	}
	f := min(max((x-x0)/w, 0), 1)
	return first + uint32(math.Round(f*float64(last-first)))
}

// TimelineX returns where tick is on the timeline: the inverse of TimelineTick.
func TimelineX(tick uint32, x0, w float64, first, last uint32) float64 {
	if last <= first || tick <= first {
		return x0
	}
	return x0 + w*min(float64(tick-first)/float64(last-first), 1)
}

// Clock formats ticks at rate as m:ss.t, for the replay's time display.
func Clock(ticks uint32, rate int) string {
	if rate <= 0 {
		rate = 1
	}
	tenths := int64(ticks) * 10 / int64(rate)
	m, s, t := tenths/600, tenths/10%60, tenths%10
	return itoa(m) + ":" + pad2(s) + "." + itoa(t)
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

func pad2(v int64) string {
	if v < 10 {
		return "0" + itoa(v)
	}
	return itoa(v)
}
