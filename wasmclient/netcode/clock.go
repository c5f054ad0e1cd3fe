package netcode

import (
	"math"
	"slices"
	"time"
)

// Sync estimates the server's clock from what arrives: when each snapshot comes (the server sends
// snapshot N right after stepping tick N) and the round trips that pings measure. Times are on
// the client's clock and passed in. All estimates are in ticks, as float64.
//
// The estimates are robust to spikes: the server's clock is read off the least delayed of the
// recent snapshots (a late one says only that it was late), the round trip is the smallest of the
// recent ones, and jitter is a high percentile of how late snapshots were, not their mean.
type Sync struct {
	period             time.Duration // one tick
	interval           float64       // ticks between two snapshots
	tickRate, snapRate int
	epoch              time.Time // the client time that is 0 below

	offsets  ring // per snapshot: its tick minus its arrival time in ticks
	ticks    ring // per snapshot: its tick, for the loss rate
	rtts     ring // round trips, in ticks
	lateness []float64
	// jitter is Jitter's answer until the offsets change (jitterOK): a driver asks several times a
	// frame, and working it out each time cost a load test's bots a tenth of their CPU.
	jitter   float64
	jitterOK bool
	newest   uint32
	behind   int // snapshots in a row two ticks or more later than the least delayed
	lastAt   float64
	prevTick uint32
}

// Window sizes: about three seconds of snapshots at 20 Hz for jitter and loss, and ten round
// trips at one ping a second: long enough to span a burst of jitter, short enough to follow a
// change of route. A server that stalls drops ticks (it catches up at most a few) and its clock is
// behind for good: after clockWindow snapshots in a row two ticks or more later than the least
// delayed, the older ones are forgotten, so the estimate follows within half a second, before the
// inputs it stamps run out of the server's input lead.
const (
	snapshotWindow = 64
	clockWindow    = 8
	rttWindow      = 10
)

// NewSync returns an estimator for a server stepping tickRate times a second and sending
// snapshotRate snapshots a second.
func NewSync(tickRate, snapshotRate int) *Sync {
	tickRate, snapshotRate = max(tickRate, 1), max(snapshotRate, 1)
	return &Sync{
		period:   time.Second / time.Duration(tickRate),
		interval: float64(tickRate) / float64(min(snapshotRate, tickRate)),
		tickRate: tickRate, snapRate: min(snapshotRate, tickRate),
		offsets: newRing(snapshotWindow),
		ticks:   newRing(snapshotWindow),
		rtts:    newRing(rttWindow),
	}
}

// Period returns the length of a tick.
func (s *Sync) Period() time.Duration { return s.period }

// Interval returns the number of ticks between two snapshots.
func (s *Sync) Interval() float64 { return s.interval }

// Ticks converts a duration to ticks.
func (s *Sync) Ticks(d time.Duration) float64 { return float64(d) / float64(s.period) }

func (s *Sync) at(t time.Time) float64 {
	if s.epoch.IsZero() {
		s.epoch = t
	}
	return s.Ticks(t.Sub(s.epoch))
}

// Snapshot records that the snapshot of tick arrived at time at.
func (s *Sync) Snapshot(tick uint32, at time.Time) {
	if s.offsets.n > 0 && int32(tick-s.newest) <= 0 {
		return // a resent or reordered one says nothing new
	}
	s.jitterOK = false
	s.newest = tick
	s.offsets.add(float64(tick) - s.at(at))
	s.ticks.add(float64(tick))
	// A run of snapshots all at least two ticks later than the least delayed one, arriving at the
	// server's pace: the server's clock fell behind (a stall it did not catch up). Snapshots held
	// back by the network arrive bunched, faster than that pace, and do not count.
	paced := s.at(at)-s.lastAt >= float64(tick-s.prevTick)/2
	s.lastAt, s.prevTick = s.at(at), tick
	if paced && s.offsets.max()-s.offsets.newest() > 2 {
		s.behind++
	} else {
		s.behind = 0
	}
	if s.behind >= clockWindow {
		s.offsets.keepNewest(clockWindow)
		s.ticks.keepNewest(clockWindow)
		s.behind = 0
	}
}

// Rebase starts the estimate of the server's clock afresh from a welcome of tick that arrived at
// time at: a new connection to the same seat, perhaps on another node, perhaps to a room restored
// from an older checkpoint (a rollback). The snapshots recorded so far measured the old
// connection's server, whose clock may be ahead (a rollback, a room frozen while it moved) or
// behind (a long pause) this one's: they are forgotten, and the welcome stands for a snapshot until
// the new connection's own arrive. The welcome is read at a frame, a little after it arrived, so
// it reads the server early, never late; the first snapshot that arrives with less delay takes
// over (the estimate keeps the least delayed). The round trips are forgotten but the newest, which
// stands until the new connection's first pong: the estimate stays ready, and nothing stops.
func (s *Sync) Rebase(tick uint32, at time.Time) {
	s.jitterOK = false
	s.offsets.keepNewest(0)
	s.ticks.keepNewest(0)
	s.rtts.keepNewest(1)
	s.behind = 0
	s.newest = tick
	s.offsets.add(float64(tick) - s.at(at))
	s.lastAt, s.prevTick = s.at(at), tick
}

// RTT records a measured round trip.
func (s *Sync) RTT(d time.Duration) {
	if d > 0 {
		s.rtts.add(s.Ticks(d))
	}
}

// Ready reports whether there is enough to estimate from: a snapshot and a round trip.
func (s *Sync) Ready() bool { return s.offsets.n > 0 && s.rtts.n > 0 }

// Newest returns the tick of the newest snapshot recorded.
func (s *Sync) Newest() uint32 { return s.newest }

// Arrival returns the tick that a snapshot arriving at time t with the least delay seen would
// carry: the newest tick the client can expect to have at t.
func (s *Sync) Arrival(t time.Time) float64 {
	return s.at(t) + s.offsets.max()
}

// Server returns the server's tick at time t: Arrival plus the one-way trip, taken as half the
// smallest recent round trip. The fraction is how far the server is into the next tick.
func (s *Sync) Server(t time.Time) float64 {
	return s.Arrival(t) + s.MinRTT()/2
}

// MinRTT returns the smallest recent round trip, in ticks (0 before the first).
func (s *Sync) MinRTT() float64 { return s.rtts.min() }

// Jitter returns how late, in ticks, snapshots arrive beyond the least delayed one: the 95th
// percentile over the window.
func (s *Sync) Jitter() float64 {
	if s.offsets.n < 2 {
		return 0
	}
	// Lateness against the least delayed snapshot of the whole window, which a server stall
	// may have put higher than the recent ones: jitter then reads high for a few seconds, and the
	// interpolation delay errs long, not short.
	if s.jitterOK {
		return s.jitter
	}
	// The 95th percentile of lateness (top - offset) is top minus the m-th smallest offset, m
	// counted from the percentile's rank: found by keeping the m smallest offsets in order (m is
	// at most 4 for the window of 64), without sorting the window.
	vals := s.offsets.values()
	m := len(vals) - (int(math.Ceil(0.95*float64(len(vals)))) - 1)
	small := s.lateness[:0] // the scratch of earlier calls
	for _, o := range vals {
		if len(small) == m && o >= small[m-1] {
			continue
		}
		i, _ := slices.BinarySearch(small, o)
		if len(small) < m {
			small = append(small, 0)
		}
		copy(small[i+1:], small[i:len(small)-1])
		small[i] = o
	}
	s.lateness = small
	s.jitter, s.jitterOK = s.offsets.max()-small[m-1], true
	return s.jitter
}

// Loss returns the fraction of snapshots lost over the window: those the server sent between the
// oldest and the newest recorded that never arrived. The server sends snapshot k at tick
// ceil(k * tickRate / snapshotRate), so floor(T * snapshotRate / tickRate) of them by tick T.
func (s *Sync) Loss() float64 {
	if s.ticks.n < 2 {
		return 0
	}
	sentBy := func(tick float64) int64 { return int64(tick) * int64(s.snapRate) / int64(s.tickRate) }
	sent := sentBy(s.ticks.newest()) - sentBy(s.ticks.oldest()) + 1
	return max(0, 1-float64(s.ticks.n)/float64(sent))
}

// ring is a fixed window of the newest values.
type ring struct {
	v    []float64
	next int
	n    int
	// top is max's answer until the values change (topOK): the server's clock is read every
	// frame, the window changes once a snapshot.
	top   float64
	topOK bool
}

func newRing(size int) ring { return ring{v: make([]float64, size)} }

func (r *ring) add(x float64) {
	r.topOK = false
	r.v[r.next] = x
	r.next = (r.next + 1) % len(r.v)
	r.n = min(r.n+1, len(r.v))
}

func (r *ring) values() []float64 {
	if r.n < len(r.v) {
		return r.v[:r.n]
	}
	return r.v
}

func (r *ring) max() float64 {
	if r.n == 0 {
		return 0
	}
	if !r.topOK {
		r.top, r.topOK = slices.Max(r.values()), true
	}
	return r.top
}

// keepNewest forgets all but the newest n values.
func (r *ring) keepNewest(n int) {
	if n >= r.n {
		return
	}
	r.topOK = false
	kept := make([]float64, 0, len(r.v))
	for i := n; i >= 1; i-- {
		kept = append(kept, r.v[(r.next-i+len(r.v))%len(r.v)])
	}
	clear(r.v)
	copy(r.v, kept)
	r.n, r.next = n, n%len(r.v)
}

func (r *ring) min() float64 {
	if r.n == 0 {
		return 0
	}
	return slices.Min(r.values())
}

func (r *ring) newest() float64 { return r.v[(r.next-1+len(r.v))%len(r.v)] }

func (r *ring) oldest() float64 {
	if r.n < len(r.v) {
		return r.v[0]
	}
	return r.v[r.next]
}

// Clock is a local clock, in ticks, that follows a moving target without jumps: it runs at most
// [MaxSlew] faster or slower than real time until it meets the target. The input clock (which
// tick to send the next input for) and the render clock (the moment everyone else is drawn at)
// are both Clocks. Only when it is further off than the jump limit (a hidden tab, the first sync)
// does it jump, and Advance says so.
type Clock struct {
	now  float64
	last time.Time
	set  bool
}

// MaxSlew is how much faster or slower than real time a Clock runs while it catches up.
const MaxSlew = 0.1

// Now returns the clock's reading, in ticks.
func (c *Clock) Now() float64 { return c.now }

// Set makes the clock read ticks at time t.
func (c *Clock) Set(t time.Time, ticks float64) { c.now, c.last, c.set = ticks, t, true }

// Advance moves the clock to time t (period is one tick) steering toward target, the reading it
// should have at t, and reports whether it had to jump because it was more than jump ticks off.
func (c *Clock) Advance(t time.Time, period time.Duration, target, jump float64) (jumped bool) {
	if !c.set {
		c.Set(t, target)
		return true
	}
	dt := float64(t.Sub(c.last)) / float64(period)
	c.last = t
	if dt < 0 {
		dt = 0 // the caller's clock went back: stand still rather than run backwards
	}
	next := c.now + dt
	err := target - next
	if math.Abs(err) > jump {
		c.now = target
		return true
	}
	// Proportional steering, saturating at MaxSlew: an error of 0.2 ticks or more gets the whole
	// slew, a smaller one a share of it, so the clock settles without overshooting. A frame longer
	// than two ticks takes the share over its own length, which closes the error at most: over
	// two, err/2 would carry the clock past its target, and from four on never let it settle.
	rate := 1 + min(max(err/max(2, dt), -MaxSlew), MaxSlew)
	c.now += dt * rate
	return false
}
