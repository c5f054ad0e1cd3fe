package netcode

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/tickwire/tickwire/shared/sim"
)

var t0 = time.Unix(1000, 0)

// snapshotTicks returns the ticks at which the server sends snapshots, from the first'th: snapshot
// k is due at tick ceil(k * tickRate / snapshotRate), as the room schedules them.
func snapshotTicks(tickRate, snapshotRate, first, n int) []uint32 {
	snapshotRate = min(snapshotRate, tickRate)
	var ticks []uint32
	for k := first; k < first+n; k++ {
		ticks = append(ticks, uint32((k*tickRate+snapshotRate-1)/snapshotRate))
	}
	return ticks
}

// sentAt is when the server, stepping tick k at t0 + k periods, sends the snapshot of tick k.
func sentAt(tick uint32, period time.Duration) time.Time {
	return t0.Add(time.Duration(tick) * period)
}

// percentile95 is the nearest-rank 95th percentile.
func percentile95(v []float64) float64 {
	v = slices.Sorted(slices.Values(v))
	return v[int(math.Ceil(0.95*float64(len(v))))-1]
}

func TestSyncFollowsTheServer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name               string
		tickRate, snapRate int
		delay, jitter      time.Duration
	}{
		{"30 Hz, 20 snapshots, 75 ms + 30 ms", 30, 20, 75 * time.Millisecond, 30 * time.Millisecond},
		{"60 Hz, 20 snapshots, 40 ms + 10 ms", 60, 20, 40 * time.Millisecond, 10 * time.Millisecond},
		{"20 Hz, 20 snapshots, 100 ms, no jitter", 20, 20, 100 * time.Millisecond, 0},
		{"60 Hz, 25 snapshots, 20 ms + 60 ms", 60, 25, 20 * time.Millisecond, 60 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := NewSync(tt.tickRate, tt.snapRate)
			period := time.Second / time.Duration(tt.tickRate)
			if s.Period() != period {
				t.Fatalf("Period = %v, want %v", s.Period(), period)
			}
			rng := sim.NewRand(uint64(tt.tickRate * tt.snapRate))
			var late []float64 // each snapshot's injected jitter, in ticks
			var last time.Time
			for _, tick := range snapshotTicks(tt.tickRate, tt.snapRate, 3, 200) {
				j := time.Duration(0)
				if tt.jitter > 0 {
					j = time.Duration(rng.Uint64() % uint64(tt.jitter+1))
				}
				at := sentAt(tick, period).Add(tt.delay + j)
				s.Snapshot(tick, at)
				late = append(late, s.Ticks(j))
				last = at
				if s.Newest() != tick {
					t.Fatalf("Newest = %d, want %d", s.Newest(), tick)
				}
			}
			// Round trips: twice the one-way delay plus jitter both ways, the least without.
			for i := range 10 {
				s.RTT(2*tt.delay + time.Duration(9-i)*tt.jitter/9)
			}
			if !s.Ready() {
				t.Fatal("not Ready after snapshots and round trips")
			}
			window := late[len(late)-snapshotWindow:]
			least := slices.Min(window)
			for _, d := range []time.Duration{0, 7 * time.Millisecond, 100 * time.Millisecond, 333 * time.Millisecond} {
				at := last.Add(d)
				// The newest tick a snapshot sent at the least delay would carry, and the server's.
				newest := s.Ticks(at.Sub(t0)-tt.delay) - least
				server := s.Ticks(at.Sub(t0))
				if got := s.Arrival(at); math.Abs(got-newest) > 1e-6 {
					t.Errorf("Arrival(+%v) = %.4f, want %.4f", d, got, newest)
				}
				if got := s.Server(at); math.Abs(got-server) > 0.1 {
					t.Errorf("Server(+%v) = %.4f, want %.4f (±0.1)", d, got, server)
				}
			}
			// The least jitter of 64 draws is small: the estimate is close to the truth itself.
			if least > 0.1 {
				t.Errorf("least jitter of the window %.3f ticks; the draws are not uniform", least)
			}
			lateness := make([]float64, len(window))
			for i, j := range window {
				lateness[i] = j - least
			}
			if got, want := s.Jitter(), percentile95(lateness); math.Abs(got-want) > 1e-6 {
				t.Errorf("Jitter = %.4f ticks, want the 95th percentile of the lateness %.4f", got, want)
			}
			if tt.jitter > 0 {
				if got, max := s.Jitter(), s.Ticks(tt.jitter); got < 0.8*max || got > max {
					t.Errorf("Jitter = %.3f ticks, want near 95%% of the injected %.3f", got, max)
				}
			}
			if got, want := s.MinRTT(), s.Ticks(2*tt.delay); math.Abs(got-want) > 1e-9 {
				t.Errorf("MinRTT = %.4f, want %.4f", got, want)
			}
			if s.Loss() != 0 {
				t.Errorf("Loss = %v with nothing lost", s.Loss())
			}
		})
	}
}

// TestSyncIgnoresASpike delivers the snapshots in order, as TCP does, with one held back by a
// second: it and those queued behind it arrive late, which says nothing about the server's clock.
func TestSyncIgnoresASpike(t *testing.T) {
	t.Parallel()
	const delay = 60 * time.Millisecond
	s := NewSync(30, 20)
	period := s.Period()
	rng := sim.NewRand(3)
	ticks := snapshotTicks(30, 20, 1, 140)
	var prev time.Time
	feed := func(tick uint32, extra time.Duration) time.Time {
		at := sentAt(tick, period).Add(delay + extra + time.Duration(rng.Uint64()%uint64(5*time.Millisecond)))
		if at.Before(prev) {
			at = prev
		}
		prev = at
		s.Snapshot(tick, at)
		return at
	}
	for _, tick := range ticks[:100] {
		feed(tick, 0)
	}
	probe := sentAt(ticks[99], period).Add(time.Second)
	arrival, jitter := s.Arrival(probe), s.Jitter()
	feed(ticks[100], time.Second)
	if got := s.Arrival(probe); got != arrival {
		t.Errorf("Arrival moved from %.4f to %.4f on one late snapshot", arrival, got)
	}
	// The window moved on by one, but the 95th percentile is not the spike.
	if got := s.Jitter(); got > s.Ticks(5*time.Millisecond) {
		t.Errorf("Jitter moved from %.4f to %.4f ticks on one late snapshot of %d", jitter, got, snapshotWindow)
	}
	for _, tick := range ticks[101:] {
		feed(tick, 0) // the burst behind it, then normal again
	}
	if got := s.Arrival(probe); got != arrival {
		t.Errorf("Arrival moved from %.4f to %.4f after the spike", arrival, got)
	}
	if got := s.Arrival(probe); math.Abs(got-s.Ticks(probe.Sub(t0)-delay)) > 0.2 {
		t.Errorf("Arrival = %.4f, want %.4f", got, s.Ticks(probe.Sub(t0)-delay))
	}
	// A resent or reordered snapshot changes nothing either.
	s.Snapshot(ticks[120], probe)
	if got := s.Arrival(probe); got != arrival || s.Newest() != ticks[139] {
		t.Errorf("an old snapshot moved Arrival to %.4f (want %.4f) or Newest to %d", got, arrival, s.Newest())
	}
}

func TestSyncLoss(t *testing.T) {
	t.Parallel()
	rates := []struct{ tickRate, snapRate int }{{30, 20}, {60, 20}, {20, 20}, {60, 25}, {30, 25}, {60, 45}, {30, 30}, {64, 20}, {30, 60}}
	for _, r := range rates {
		for first := 1; first <= 7; first++ {
			t.Run("", func(t *testing.T) {
				t.Parallel()
				s := NewSync(r.tickRate, r.snapRate)
				if s.Loss() != 0 {
					t.Fatalf("Loss = %v before any snapshot", s.Loss())
				}
				for i, tick := range snapshotTicks(r.tickRate, r.snapRate, first, 150) {
					s.Snapshot(tick, sentAt(tick, s.Period()).Add(50*time.Millisecond))
					if got := s.Loss(); got != 0 {
						t.Fatalf("%d/%d Hz from snapshot %d: Loss = %v after %d snapshots (tick %d), none lost",
							r.tickRate, r.snapRate, first, got, i+1, tick)
					}
				}
			})
			t.Run("", func(t *testing.T) {
				t.Parallel()
				s := NewSync(r.tickRate, r.snapRate)
				for i, tick := range snapshotTicks(r.tickRate, r.snapRate, first, 300) {
					if i%20 == 19 {
						continue
					}
					s.Snapshot(tick, sentAt(tick, s.Period()).Add(50*time.Millisecond))
					if got := s.Loss(); i >= 100 && math.Abs(got-0.05) > 0.015 {
						t.Fatalf("%d/%d Hz from snapshot %d: Loss = %.4f after %d snapshots, one in 20 lost",
							r.tickRate, r.snapRate, first, got, i+1)
					}
				}
			})
		}
	}
}

func TestSyncMinRTT(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	tests := []struct {
		name string
		rtts []time.Duration
		want time.Duration
	}{
		{"none", nil, 0},
		{"one", []time.Duration{120 * ms}, 120 * ms},
		{"smallest", []time.Duration{150 * ms, 90 * ms, 200 * ms, 100 * ms}, 90 * ms},
		{"zero and negative are no measures", []time.Duration{150 * ms, 0, -5 * ms, 140 * ms}, 140 * ms},
		{"the window is the last ten", []time.Duration{10 * ms, 90 * ms, 95 * ms, 99 * ms, 98 * ms, 97 * ms, 96 * ms, 95 * ms, 94 * ms, 93 * ms, 92 * ms, 91 * ms}, 91 * ms},
		{"a route change is followed", []time.Duration{50 * ms, 50 * ms, 50 * ms, 200 * ms, 200 * ms, 200 * ms, 200 * ms, 200 * ms, 200 * ms, 200 * ms, 200 * ms, 200 * ms, 200 * ms}, 200 * ms},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := NewSync(30, 20)
			for _, d := range tt.rtts {
				s.RTT(d)
			}
			if got, want := s.MinRTT(), s.Ticks(tt.want); math.Abs(got-want) > 1e-9 {
				t.Errorf("MinRTT = %.4f ticks, want %.4f (%v)", got, want, tt.want)
			}
			if s.Ready() {
				t.Error("Ready without a snapshot")
			}
		})
	}
}

// TestClockSlews checks that while the target stays within the jump limit the clock never runs
// more than MaxSlew faster or slower than real time, and never jumps.
func TestClockSlews(t *testing.T) {
	t.Parallel()
	period := time.Second / 30
	tests := []struct {
		name   string
		frame  time.Duration
		target func(ticks float64) float64 // the wanted reading at real time ticks
	}{
		{"far ahead", time.Second / 60, func(x float64) float64 { return x + 3.9 }},
		{"far behind", time.Second / 60, func(x float64) float64 { return x - 3.9 }},
		{"wobbling", time.Second / 60, func(x float64) float64 { return x + 3*math.Sin(x/7) }},
		{"stepping", time.Second / 144, func(x float64) float64 { return x + float64(int(x/20)%3) - 1 }},
		{"slow frames", time.Second / 10, func(x float64) float64 { return x + 2*math.Sin(x/5) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var c Clock
			c.Set(t0, 0)
			prev := 0.0
			for i := 1; i <= 600; i++ {
				at := t0.Add(time.Duration(i) * tt.frame)
				real := float64(at.Sub(t0)) / float64(period)
				if c.Advance(at, period, tt.target(real), 4) {
					t.Fatalf("frame %d: jumped to %.3f, target %.3f", i, c.Now(), tt.target(real))
				}
				dt := float64(tt.frame) / float64(period)
				if step := c.Now() - prev; step > (1+MaxSlew)*dt+1e-9 || step < (1-MaxSlew)*dt-1e-9 {
					t.Fatalf("frame %d: moved %.4f ticks in %.4f", i, step, dt)
				}
				prev = c.Now()
			}
		})
	}
}

// TestClockConverges follows a target at a constant offset from real time at several frame
// lengths (in ticks: from 144 frames a second at 30 Hz to 15 at 60 Hz) and checks that it gets
// there without overshooting.
func TestClockConverges(t *testing.T) {
	t.Parallel()
	for _, tickRate := range []int{20, 30, 60} {
		for _, fps := range []int{144, 60, 30, 20, 15} {
			for _, offset := range []float64{3.5, -3.5, 0.15, -0.05} {
				t.Run("", func(t *testing.T) {
					t.Parallel()
					period := time.Second / time.Duration(tickRate)
					frame := time.Second / time.Duration(fps)
					var c Clock
					c.Set(t0, 100)
					target := func(at time.Time) float64 { return 100 + offset + float64(at.Sub(t0))/float64(period) }
					for i := 1; i <= 10*fps; i++ {
						at := t0.Add(time.Duration(i) * frame)
						before := target(at) - (c.Now() + float64(frame)/float64(period))
						if c.Advance(at, period, target(at), 8) {
							t.Fatalf("jumped")
						}
						after := target(at) - c.Now()
						if before*after < 0 && math.Abs(after) > 1e-6 {
							t.Fatalf("%d Hz at %d fps, offset %v: frame %d overshot: %.4f ticks off, then %.4f",
								tickRate, fps, offset, i, before, after)
						}
					}
					if err := target(t0.Add(time.Duration(10*fps)*frame)) - c.Now(); math.Abs(err) > 0.01 {
						t.Errorf("%d Hz at %d fps, offset %v: %.4f ticks off after 10 s", tickRate, fps, offset, err)
					}
				})
			}
		}
	}
}

func TestClockJumps(t *testing.T) {
	t.Parallel()
	period := time.Second / 30
	var c Clock
	if !c.Advance(t0, period, 42, 4) || c.Now() != 42 {
		t.Fatalf("first Advance: Now = %v, want a jump to 42", c.Now())
	}
	tests := []struct {
		after  time.Duration
		target float64
		jump   bool
	}{
		{100 * time.Millisecond, 45 + 3.9, false}, // 3 ticks on, 3.9 off: slew
		{100 * time.Millisecond, 60, true},        // far ahead: jump
		{100 * time.Millisecond, 40, true},        // far behind: jump back
		{2 * time.Second, 40 + 60 + 1, false},     // a long frame, a tick off
	}
	at := t0
	for _, tt := range tests {
		at = at.Add(tt.after)
		before := c.Now()
		if got := c.Advance(at, period, tt.target, 4); got != tt.jump {
			t.Errorf("Advance to %.1f from %.3f = %v, want %v", tt.target, before, got, tt.jump)
		}
		if tt.jump && c.Now() != tt.target {
			t.Errorf("jumped to %.3f, want %.3f", c.Now(), tt.target)
		}
		// Slewing never carries the clock past its target.
		if !tt.jump && (c.Now()-before < 0 || (c.Now()-tt.target)*(before+float64(tt.after)/float64(period)-tt.target) < 0) {
			t.Errorf("slewed from %.3f to %.3f, target %.3f: overshot", before, c.Now(), tt.target)
		}
	}
}

// TestClockNeverRunsBackwards moves the caller's time back and forth: the clock stands still
// while time goes back and otherwise moves forward.
func TestClockNeverRunsBackwards(t *testing.T) {
	t.Parallel()
	period := time.Second / 30
	var c Clock
	ms := time.Millisecond
	steps := []time.Duration{0, 16 * ms, 33 * ms, 20 * ms, 10 * ms, 50 * ms, 49 * ms, 66 * ms, 0, 100 * ms, 116 * ms}
	prev := math.Inf(-1)
	for i, d := range steps {
		at := t0.Add(d)
		target := 10 + float64(d)/float64(period) // follows the caller's time, back too
		c.Advance(at, period, target, 4)
		if c.Now() < prev {
			t.Fatalf("step %d (time %v): ran back from %.4f to %.4f", i, d, prev, c.Now())
		}
		prev = c.Now()
	}
}

// TestSyncFollowsAServerStall: a server that stalls for 300 ms drops the ticks it cannot catch up
// on, and from then on its tick is behind what the client saw before. Within two seconds of
// snapshots the estimate follows it, instead of aiming inputs far ahead for good.
func TestSyncFollowsAServerStall(t *testing.T) {
	t.Parallel()
	const tickRate, snapRate = 30, 30
	s := NewSync(tickRate, snapRate)
	period := time.Second / tickRate
	t0 := time.Unix(1000, 0)
	lag := time.Duration(0) // how far behind wall time the server's ticks run
	at := func(tick uint32) time.Time { return t0.Add(time.Duration(tick)*period + lag + 20*time.Millisecond) }
	tick := uint32(1)
	for ; tick <= 100; tick++ {
		s.Snapshot(tick, at(tick))
	}
	// The stall: 300 ms without a step, then only four catch-up steps; nine ticks are lost.
	lag = 9 * period
	for end := tick + 2*snapRate; tick < end; tick++ {
		s.Snapshot(tick, at(tick))
	}
	now := at(tick)
	if got, want := s.Arrival(now), float64(tick); math.Abs(got-want) > 0.2 {
		t.Errorf("two seconds after the stall Arrival = %.2f, want %.2f: still on the old clock", got, want)
	}
}

// TestJitterFollowsEverySnapshot checks that Jitter, which keeps its answer between snapshots, is
// computed afresh after each one and after a rebase.
func TestJitterFollowsEverySnapshot(t *testing.T) {
	s := NewSync(30, 30)
	period := s.Period()
	for k := 1; k <= 20; k++ {
		s.Snapshot(uint32(k), t0.Add(time.Duration(k)*period))
	}
	if j := s.Jitter(); j != 0 {
		t.Fatalf("on time: jitter %v, want 0", j)
	}
	// Three snapshots of the window's 21 arrive five ticks late: past the 95th percentile.
	for k := 21; k <= 23; k++ {
		s.Snapshot(uint32(k), t0.Add(time.Duration(k+5)*period))
	}
	if j := s.Jitter(); math.Abs(j-5) > 1e-9 {
		t.Fatalf("after late snapshots: jitter %v, want 5", j)
	}
	s.Rebase(100, t0.Add(200*period))
	if j := s.Jitter(); j != 0 {
		t.Fatalf("after a rebase: jitter %v, want 0 (one offset)", j)
	}
}

// BenchmarkJitter is a driver's frame asking twice (lead and delay) with a new snapshot every
// other frame, as a 30 Hz frame loop receiving 20 Hz snapshots does.
func BenchmarkJitter(b *testing.B) {
	s := NewSync(30, 20)
	period := s.Period()
	for k := 1; k <= 64; k++ {
		s.Snapshot(uint32(k), t0.Add(time.Duration(k)*period+time.Duration(k%7)*time.Millisecond))
	}
	tick := uint32(64)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if i%2 == 0 {
			tick++
			s.Snapshot(tick, t0.Add(time.Duration(tick)*period+time.Duration(tick%7)*time.Millisecond))
		}
		_ = s.Jitter() + s.Jitter()
	}
}

// TestRingMaxFollowsTheWindow checks that max, which keeps its answer between changes, follows
// values added, values that fall out of the window, and a window cut to its newest values.
func TestRingMaxFollowsTheWindow(t *testing.T) {
	r := newRing(3)
	for _, step := range []struct {
		add  float64
		keep int // keepNewest(keep) after the add, when > 0
		want float64
	}{
		{add: 5, want: 5},
		{add: 2, want: 5},
		{add: 7, want: 7},
		{add: 1, want: 7},
		{add: 1, want: 7},
		{add: 3, want: 3}, // 7 fell out of the window
		{add: 9, keep: 1, want: 9},
		{add: 4, keep: 1, want: 4}, // 9 was forgotten
	} {
		r.add(step.add)
		if step.keep > 0 {
			r.keepNewest(step.keep)
		}
		if got := r.max(); got != step.want {
			t.Fatalf("after adding %v (keep %d): max %v, want %v", step.add, step.keep, got, step.want)
		}
	}
}

// TestJitterIsThePercentile compares Jitter with the 95th percentile of lateness computed by
// sorting, over windows of every size and random offsets.
func TestJitterIsThePercentile(t *testing.T) {
	rng := sim.NewRand(7)
	for n := 2; n <= 70; n++ {
		s := NewSync(30, 30)
		for k := 1; k <= n; k++ {
			late := float64(rng.Intn(400)) / 100 // 0 to 4 ticks late
			s.Snapshot(uint32(k), t0.Add(time.Duration((float64(k)+late)*float64(s.Period()))))
		}
		vals := s.offsets.values()
		top := slices.Max(vals)
		var lateness []float64
		for _, o := range vals {
			lateness = append(lateness, top-o)
		}
		slices.Sort(lateness)
		want := lateness[int(math.Ceil(0.95*float64(len(lateness))))-1]
		if got := s.Jitter(); math.Abs(got-want) > 1e-9 {
			t.Fatalf("%d snapshots: jitter %v, want %v (sorted lateness %v)", n, got, want, lateness)
		}
	}
}
