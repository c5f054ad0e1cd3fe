package loadtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tickwire/tickwire/shared/games"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/tickwire/tickwire/wasmclient/netclient"
	"github.com/tickwire/tickwire/wasmclient/netcode"
)

// Config describes a load run. Zero fields take the defaults given.
type Config struct {
	// URL is the server's WebSocket endpoint, for example ws://127.0.0.1:8080/ws. Required.
	URL string
	// Bots is how many bots play. Defaults to 100.
	Bots int
	// Rooms spreads the bots over this many rooms named RoomPrefix-1 … RoomPrefix-Rooms, in turn. 0
	// lets the server seat them (auto-fill).
	Rooms int
	// RoomPrefix names the rooms. Defaults to "load".
	RoomPrefix string
	// Ramp is how many bots dial per second. 0 dials them all at once.
	Ramp float64
	// Hold is how long the full load is held once the ramp is done; the rates are measured over it.
	// Defaults to 30 s.
	Hold time.Duration
	// JoinTimeout is how long, after the last dial, the ramp waits for bots still connecting.
	// Defaults to 15 s.
	JoinTimeout time.Duration
	// Game is the registered game the bots play (see [Register]). Defaults to the default game
	// (shared/games.Default).
	Game string
	// Think is how often each bot picks its input. Defaults to 100 ms. Between thinks its netcode
	// driver runs once per server tick, stamping and sending one input per tick as a player's
	// page does.
	Think time.Duration
	// Progress receives a progress line every ProgressEvery (default 1 s). Nil: no progress.
	Progress      io.Writer
	ProgressEvery time.Duration
	// Server reads the server's figures at the start and end of the hold. Nil: the summary has
	// only the bots' side.
	Server Probe
	// Seed seeds the bots' brains.
	Seed uint64
	// OnGap, if set, is called for every gap longer than GapOver between two snapshots one bot
	// received (last and next are their arrival times): what a player sees of a room moving to
	// another node or of a lost connection. It runs on a driver's goroutine and must not block.
	OnGap func(bot int, last, next time.Time)
	// GapOver is the shortest gap OnGap hears of. Defaults to 100 ms.
	GapOver time.Duration
	// Lean plays each bot over the load tester's own lean WebSocket client (leanconn.go) instead of
	// netclient's: the same protocol, the same netcode driver stamping the inputs and the same
	// encoder, every snapshot decoded and checked, but no goroutine per bot (its shard's driver
	// reads and writes its socket without waiting) and no allocation per snapshot, so that a bot
	// costs a fraction of what the server spends on it. A lean bot does not reconnect nor follow
	// redirects: leave it off against a cluster. Defaults to off.
	Lean bool
}

func (c *Config) defaults() error {
	if c.URL == "" {
		return errors.New("loadtest: no server URL")
	}
	if c.Game == "" {
		c.Game = games.Default
	}
	if c.Bots <= 0 {
		c.Bots = 100
	}
	if c.RoomPrefix == "" {
		c.RoomPrefix = "load"
	}
	if c.Hold <= 0 {
		c.Hold = 30 * time.Second
	}
	if c.JoinTimeout <= 0 {
		c.JoinTimeout = 15 * time.Second
	}
	if c.Think <= 0 {
		c.Think = 100 * time.Millisecond
	}
	if c.ProgressEvery <= 0 {
		c.ProgressEvery = time.Second
	}
	if c.GapOver <= 0 {
		c.GapOver = 100 * time.Millisecond
	}
	return nil
}

// bot is one simulated player. Its fields are its shard's driver's, under the shard's lock.
type bot[S, I any] struct {
	c     botClient[I]
	lean  *leanClient[I] // c, when the bot is lean; nil on netclient
	d     *netcode.Driver[S, I]
	brain Bot[I]
	in    I

	welcomed  bool
	connected bool
	closed    bool
	snapshots int
	rtt       time.Duration
	tickRate  int
	snapRate  int

	player   sim.PlayerID  // the seat of its first welcome (or of the newest, after a lost one)
	welcomes int           // View.Welcomes when it was last seen connected
	lastSnap time.Time     // when its newest snapshot arrived
	maxGap   time.Duration // the longest time between two of its snapshots
}

// shard is a group of bots driven by one goroutine, so that thousands of bots need a handful of
// goroutines beside their connections'.
type shard[S, I any] struct {
	mu     sync.Mutex
	bots   []*bot[S, I]
	pinged []*leanClient[I] // the driver's scratch
	// poller tells which lean bots have something to read; nil (noPoller) where there is none,
	// and every lean bot is read each pass.
	poller   *leanPoller
	noPoller bool
}

// lock locks the shard and returns its unlock.
func (sh *shard[S, I]) lock() func() {
	sh.mu.Lock()
	return sh.mu.Unlock
}

const shardSize = 64

// counters are the run's live totals, kept by the drivers for the progress line.
type counters struct {
	connected, joined, withSnapshots, errors atomic.Int64
	seatsLost                                atomic.Int64 // welcomes as another player than the bot's seat
	peak                                     atomicMax    // most connected at once
	snapshots                                atomic.Int64
	bytesIn, bytesOut                        atomic.Int64
	errMu                                    sync.Mutex
	reasons                                  map[string]int
}

func (c *counters) fail(reason string) {
	c.errors.Add(1)
	c.errMu.Lock()
	c.reasons[reason]++
	c.errMu.Unlock()
}

// Run plays cfg.Bots bots against the server: it dials them at cfg.Ramp per second, waits for them
// to join, holds the load for cfg.Hold, closes them and returns what it measured. It stops early,
// with what it has, when ctx is done.
func Run(ctx context.Context, cfg Config) (Summary, error) {
	if err := cfg.defaults(); err != nil {
		return Summary{}, err
	}
	r, err := runner(cfg.Game)
	if err != nil {
		return Summary{}, err
	}
	return r(ctx, cfg)
}

func run[S, I any](ctx context.Context, cfg Config, g Game[S, I]) (Summary, error) {
	info := g.Shared.Info()
	cnt := &counters{reasons: map[string]int{}}
	hc := countingClient(&cnt.bytesIn, &cnt.bytesOut)
	defer hc.CloseIdleConnections()
	dialer := &net.Dialer{Timeout: 10 * time.Second}

	shards := make([]*shard[S, I], (cfg.Bots+shardSize-1)/shardSize)
	for i := range shards {
		shards[i] = &shard[S, I]{}
	}
	var stopping atomic.Bool
	driveCtx, stopDrivers := context.WithCancel(context.Background())
	var drivers sync.WaitGroup
	for _, sh := range shards {
		drivers.Go(func() {
			sh.drive(driveCtx, time.Second/time.Duration(max(info.TickRate, 1)), cfg.Think, cnt, &stopping)
		})
	}
	var all []*bot[S, I]
	defer func() {
		stopping.Store(true)
		stopDrivers()
		drivers.Wait()
		forEachBot(shards, func(b *bot[S, I]) { b.c.Close() })
		defer func() {
			for _, sh := range shards {
				if sh.poller != nil {
					sh.poller.close()
				}
			}
		}()
		// Lean bots wait for the server's answer to their close (at most a few seconds): a
		// socket closed with snapshots unread is reset, and the server would hold the seat.
		for deadline, done := time.Now().Add(3*time.Second), false; !done; {
			force := time.Now().After(deadline)
			done = true
			forEachBot(shards, func(b *bot[S, I]) {
				if b.lean != nil && !b.lean.drain(force) {
					done = false
				}
			})
			if !done {
				time.Sleep(10 * time.Millisecond)
			}
		}
	}()

	// The progress line runs from the first dial to the end of the hold.
	start := time.Now()
	var phase atomic.Value
	phase.Store("ramp")
	progressDone := make(chan struct{})
	stop := make(chan struct{})
	go func() {
		defer close(progressDone)
		progress(cfg, cnt, start, &phase, stop)
	}()
	stopProgress := sync.OnceFunc(func() { close(stop); <-progressDone })
	defer stopProgress()

	// Ramp: dial at the given rate.
	for i := range cfg.Bots {
		if cfg.Ramp > 0 {
			due := start.Add(time.Duration(float64(i) / cfg.Ramp * float64(time.Second)))
			if !sleepUntil(ctx, due) {
				break
			}
		}
		nc := netclient.Config{URL: cfg.URL, Game: info.Name, Name: fmt.Sprintf("bot-%d", i+1), Messages: g.Messages, HTTPClient: hc}
		if cfg.Rooms > 0 {
			nc.Room = fmt.Sprintf("%s-%d", cfg.RoomPrefix, i%cfg.Rooms+1)
		}
		b := &bot[S, I]{brain: g.Bot(cfg.Seed*1_000_003 + uint64(i))}
		sh := shards[i%len(shards)]
		if cfg.Lean {
			b.lean = newLeanClient[I](nc, g.Shared, info.Schema)
			b.c = b.lean
		} else {
			b.c = netclient.Dial[I](nc, g.Shared, info.Schema)
		}
		// The bots' driver interpolates only: a bot draws nothing, and predicting would spend the
		// load tester's CPU on what the server never sees. The inputs go out the same.
		b.d = netcode.NewDriver[S, I](g.Shared, b.c, netcode.DriverConfig{OnSnapshot: func(s netcode.Snapshot) {
			b.snapshotAt(i, s.At, &cfg)
		}})
		all = append(all, b)
		sh.mu.Lock()
		sh.bots = append(sh.bots, b)
		id := int32(len(sh.bots) - 1)
		if b.lean != nil && sh.poller == nil && !sh.noPoller {
			sh.poller = newLeanPoller(shardSize)
			sh.noPoller = sh.poller == nil
		}
		sh.mu.Unlock()
		if b.lean != nil {
			var watch func(fd int) error
			if sh.poller != nil {
				watch = func(fd int) error { return sh.poller.add(fd, id) }
			}
			go b.lean.dial(ctx, dialer, sh.lock, watch)
		}
	}
	// Wait for the last bots to join, or fail.
	joinBy := time.Now().Add(cfg.JoinTimeout)
	for ctx.Err() == nil && time.Now().Before(joinBy) && int(cnt.joined.Load()+cnt.errors.Load()) < len(all) {
		sleepUntil(ctx, time.Now().Add(50*time.Millisecond))
	}
	rampEnd := time.Now()

	// Hold: read both sides at its start and end. The bots' side is a few atomic counters, read at
	// once; the server's is timed by when it was read, so a slow scrape on a busy machine does not
	// stretch the window its figures are divided by.
	phase.Store("hold")
	var serverStart, serverEnd sampleAt
	var probeErr error
	if cfg.Server != nil {
		serverStart, probeErr = sampleServer(ctx, cfg.Server)
	}
	holdStart := time.Now()
	machineStart, machineOK := ReadMachineCPU()
	botsStart, botsErr := ReadProc(os.Getpid())
	snapStart, inStart, outStart := cnt.snapshots.Load(), cnt.bytesIn.Load(), cnt.bytesOut.Load()
	ccuSamples, ccuSum := 0, 0.0
	holdEnd := holdStart.Add(cfg.Hold)
	for ctx.Err() == nil && time.Now().Before(holdEnd) {
		next := time.Now().Add(cfg.ProgressEvery)
		if next.After(holdEnd) {
			next = holdEnd
		}
		sleepUntil(ctx, next)
		ccuSamples++
		ccuSum += float64(cnt.connected.Load())
	}
	snapshots, inBytes, outBytes := cnt.snapshots.Load()-snapStart, cnt.bytesIn.Load()-inStart, cnt.bytesOut.Load()-outStart
	holdSeconds := time.Since(holdStart).Seconds()
	machineEnd, machineEndOK := ReadMachineCPU()
	botsEnd, botsEndErr := ReadProc(os.Getpid())
	stopping.Store(true) // from here on a closed bot is no error: the run is ending
	if cfg.Server != nil {
		var err error
		serverEnd, err = sampleServer(context.WithoutCancel(ctx), cfg.Server)
		probeErr = errors.Join(probeErr, err)
	}
	sum := Summary{URL: cfg.URL, Bots: cfg.Bots, Rooms: cfg.Rooms, Lean: cfg.Lean, RampSeconds: rampEnd.Sub(start).Seconds(), HoldSeconds: holdSeconds}
	sum.BotCPUSeconds = -1
	if botsErr == nil && botsEndErr == nil {
		sum.BotCPUSeconds = botsEnd.UserSeconds + botsEnd.SystemSeconds - botsStart.UserSeconds - botsStart.SystemSeconds
	}
	sum.LoadAverage, sum.StealPercent = LoadAverage(), -1
	if machineOK && machineEndOK {
		sum.StealPercent = StealPercent(machineStart, machineEnd)
	}
	var rtts []time.Duration
	var views []netclient.View
	forEachBot(shards, func(b *bot[S, I]) {
		v, _ := b.refresh(cnt, &stopping)
		sum.MaxGapMillis = max(sum.MaxGapMillis, float64(b.maxGap)/float64(time.Millisecond))
		views = append(views, v)
		if b.rtt > 0 {
			rtts = append(rtts, b.rtt)
		}
		sum.TickRate, sum.SnapshotRate = max(sum.TickRate, b.tickRate), max(sum.SnapshotRate, b.snapRate)
	})
	stopProgress()

	sum.Joined = int(cnt.joined.Load())
	sum.WithSnapshots = int(cnt.withSnapshots.Load())
	sum.CCU = int(cnt.peak.Load())
	sum.HoldCCU = float64(cnt.connected.Load())
	if ccuSamples > 0 {
		sum.HoldCCU = ccuSum / float64(ccuSamples)
	}
	sum.Errors = int(cnt.errors.Load())
	sum.SeatsLost = int(cnt.seatsLost.Load())
	cnt.errMu.Lock()
	if len(cnt.reasons) > 0 {
		sum.ErrorReasons = cnt.reasons
	}
	cnt.errMu.Unlock()
	sum.SnapshotsPerSecond = PerClientRate(float64(snapshots), sum.HoldCCU, holdSeconds)
	sum.BytesInPerSecond = PerClientRate(float64(inBytes), sum.HoldCCU, holdSeconds)
	sum.BytesOutPerSecond = PerClientRate(float64(outBytes), sum.HoldCCU, holdSeconds)
	sum.RTTP50Millis = float64(durationQuantile(rtts, 0.50)) / float64(time.Millisecond)
	sum.RTTP99Millis = float64(durationQuantile(rtts, 0.99)) / float64(time.Millisecond)
	if cfg.Server != nil && probeErr == nil {
		sum.Server = serverSummary(serverStart.ServerSample, serverEnd.ServerSample, serverEnd.at.Sub(serverStart.at).Seconds(), sum.HoldCCU, sum.TickRate)
	}
	sum.Placement = placement(views)
	sum.costs()
	sum.Overloaded = !sum.KeptUp()
	if probeErr != nil {
		probeErr = fmt.Errorf("loadtest: reading the server's figures: %w", probeErr)
	}
	return sum, errors.Join(probeErr, ctx.Err())
}

// sampleAt is a server sample and when it was taken.
type sampleAt struct {
	ServerSample
	at time.Time
}

// sampleServer reads the server, dating the reading to the middle of the request.
func sampleServer(ctx context.Context, p Probe) (sampleAt, error) {
	t0 := time.Now()
	s, err := p.Sample(ctx)
	return sampleAt{s, t0.Add(time.Since(t0) / 2)}, err
}

// atomicMax is the largest value it was given.
type atomicMax struct{ atomic.Int64 }

func (m *atomicMax) max(v int64) {
	for {
		old := m.Load()
		if v <= old || m.CompareAndSwap(old, v) {
			return
		}
	}
}

// drive runs each of the shard's bots' netcode driver every frame (a server tick) and makes each
// bot think every think, until ctx is done.
func (sh *shard[S, I]) drive(ctx context.Context, frame, think time.Duration, cnt *counters, stopping *atomic.Bool) {
	t := time.NewTicker(frame)
	defer t.Stop()
	var thought time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := time.Now()
		thinking := now.Sub(thought) >= think
		if thinking {
			thought = now
		}
		var in, out int64
		pinged := sh.pinged[:0]
		sh.mu.Lock()
		everyone := sh.poller == nil
		if !everyone {
			everyone = sh.poller.ready(func(id int32) { sh.bots[id].lean.readable = true }) != nil
		}
		for _, b := range sh.bots {
			if b.lean != nil && (everyone || b.lean.readable) {
				b.lean.receive(now)
			}
			v, playing := b.refresh(cnt, stopping)
			if playing {
				if thinking {
					var msgs []wire.Message
					b.in, msgs = b.brain.Think(self(&v), v.Entities)
					for _, m := range msgs {
						_ = b.c.Send(m) // a full queue: the bot says it again at its next think
					}
				}
				if err := b.d.Frame(now, b.in); err != nil {
					b.c.Close() // a snapshot the game cannot restore: counted as the bot's close
				}
			}
			if b.lean != nil {
				b.lean.flush()
				if b.lean.pinged {
					pinged = append(pinged, b.lean)
				}
				i, o := b.lean.traffic()
				in, out = in+i, out+o
			}
		}
		// The lean bots that pinged read again: a pong read a frame later would add a frame to
		// the round trip that the netcode leads its inputs by.
		for _, l := range pinged {
			l.receive(time.Now())
			l.flush()
			i, o := l.traffic()
			in, out = in+i, out+o
		}
		sh.pinged = pinged
		sh.mu.Unlock()
		cnt.bytesIn.Add(in)
		cnt.bytesOut.Add(out)
	}
}

// snapshotAt notes that bot i received a snapshot at at (its driver's goroutine, under the shard's
// lock): the longest gap between two, and the gaps OnGap hears of.
func (b *bot[S, I]) snapshotAt(i int, at time.Time, cfg *Config) {
	if !b.lastSnap.IsZero() && at.After(b.lastSnap) {
		gap := at.Sub(b.lastSnap)
		b.maxGap = max(b.maxGap, gap)
		if cfg.OnGap != nil && gap > cfg.GapOver {
			cfg.OnGap(i, b.lastSnap, at)
		}
	}
	b.lastSnap = at
}

// refresh reads the bot's view into its fields and the run's counters, and returns it with whether
// the bot is playing.
func (b *bot[S, I]) refresh(cnt *counters, stopping *atomic.Bool) (netclient.View, bool) {
	if b.closed {
		return netclient.View{}, false
	}
	v := b.c.View()
	if v.Status == netclient.Connected && v.Welcomes > b.welcomes && !v.Welcome.Spectator {
		// A welcome after the first is a resumed seat, unless the bot is welcomed as another
		// player or its last connection ended with 4015 (the resume refused: it joined afresh,
		// possibly in a fresh room that gave it the same id).
		if b.welcomes > 0 && (v.Welcome.Player != b.player || v.Code == int(wire.CloseResumeFailed)) {
			cnt.seatsLost.Add(1)
		}
		b.player, b.welcomes = v.Welcome.Player, v.Welcomes
	}
	if v.Status == netclient.Connected && !b.welcomed {
		b.welcomed = true
		b.tickRate, b.snapRate = int(v.Welcome.TickRate), int(v.Welcome.SnapshotRate)
		cnt.joined.Add(1)
	}
	if connected := v.Status == netclient.Connected; connected != b.connected {
		b.connected = connected
		if connected {
			cnt.peak.max(cnt.connected.Add(1))
		} else {
			cnt.connected.Add(-1)
		}
	}
	if v.Snapshots > 0 && b.snapshots == 0 {
		cnt.withSnapshots.Add(1)
	}
	cnt.snapshots.Add(int64(v.Snapshots - b.snapshots))
	b.snapshots = v.Snapshots
	b.rtt = v.RTT
	if v.Status == netclient.Closed {
		b.closed = true
		if !stopping.Load() {
			cnt.fail(closeReason(v))
		}
		return v, false
	}
	return v, v.Status == netclient.Connected
}

func closeReason(v netclient.View) string {
	if v.Code != 0 {
		return fmt.Sprintf("%d %s", v.Code, v.Reason)
	}
	return v.Reason
}

// self returns the bot's avatar in its view, or nil.
func self(v *netclient.View) *sim.Entity {
	id := sim.EntityID(v.Welcome.Player)
	for i := range v.Entities {
		if v.Entities[i].ID == id {
			return &v.Entities[i]
		}
	}
	return nil
}

func forEachBot[S, I any](shards []*shard[S, I], fn func(*bot[S, I])) {
	for _, sh := range shards {
		sh.mu.Lock()
		for _, b := range sh.bots {
			fn(b)
		}
		sh.mu.Unlock()
	}
}

// progress writes a progress line every cfg.ProgressEvery until stop is closed.
func progress(cfg Config, cnt *counters, start time.Time, phase *atomic.Value, stop <-chan struct{}) {
	if cfg.Progress == nil {
		<-stop
		return
	}
	t := time.NewTicker(cfg.ProgressEvery)
	defer t.Stop()
	last, lastSnaps, lastIn, lastOut := start, int64(0), int64(0), int64(0)
	for {
		select {
		case <-stop:
			return
		case now := <-t.C:
			snaps, in, out := cnt.snapshots.Load(), cnt.bytesIn.Load(), cnt.bytesOut.Load()
			dt := now.Sub(last).Seconds()
			fmt.Fprintf(cfg.Progress, "%6.1fs %-4s connected %d/%d  snapshots %.0f/s  in %s/s  out %s/s  errors %d\n",
				now.Sub(start).Seconds(), phase.Load(), cnt.connected.Load(), cfg.Bots,
				float64(snaps-lastSnaps)/dt, bytesText(float64(in-lastIn)/dt), bytesText(float64(out-lastOut)/dt), cnt.errors.Load())
			last, lastSnaps, lastIn, lastOut = now, snaps, in, out
		}
	}
}

// sleepUntil sleeps until t or until ctx is done; it reports whether t was reached.
func sleepUntil(ctx context.Context, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err() == nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-timer.C:
		return true
	}
}

// countingClient returns an HTTP client whose connections add the bytes they read and write to in
// and out: the bots' traffic on the wire (WebSocket frames and the HTTP upgrade, without TCP/IP
// headers).
func countingClient(in, out *atomic.Int64) *http.Client {
	d := &net.Dialer{Timeout: 10 * time.Second}
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := d.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return &countingConn{Conn: c, in: in, out: out}, nil
		},
		MaxIdleConnsPerHost: -1, // upgraded connections are never idle; keep none
	}}
}

type countingConn struct {
	net.Conn
	in, out *atomic.Int64
}

func (c *countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.in.Add(int64(n))
	return n, err
}

func (c *countingConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.out.Add(int64(n))
	return n, err
}
