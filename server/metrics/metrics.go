package metrics

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/tickwire/tickwire/server/gateway"
	"github.com/tickwire/tickwire/server/lobby"
	"github.com/tickwire/tickwire/server/room"
	"github.com/tickwire/tickwire/shared/wire"
)

// TickBuckets are the upper bounds of the tick duration histogram, in seconds: 64 buckets growing by
// about 23% each from 2 µs to 1 s, fine enough to read a p99 within a quarter of its value.
var TickBuckets = prometheus.ExponentialBucketsRange(2e-6, 1, 64)

// Metrics collects a server's metrics. It implements lobby.Observer and gateway.Observer, and hands
// each room a room.Observer. Its methods are safe for concurrent use.
type Metrics struct {
	reg *prometheus.Registry

	players, rooms *prometheus.GaugeVec
	nodeInfo       *prometheus.GaugeVec
	nats           *natsCollector
	conns          [3]prometheus.Gauge // by gateway.ConnState; ConnNone is not counted

	tick          *prometheus.HistogramVec
	tickMax       *prometheus.GaugeVec
	late, missed  *prometheus.CounterVec
	ignored       *prometheus.CounterVec
	gamesMu       sync.Mutex
	games         map[string]*gameMetrics
	framesIn      *prometheus.CounterVec
	bytesIn       *prometheus.CounterVec
	framesOut     *prometheus.CounterVec
	bytesOut      *prometheus.CounterVec
	in, out       [256]atomic.Pointer[opCounters]
	dropped       prometheus.Counter
	closed        *prometheus.CounterVec
	refusals      *prometheus.CounterVec
	decodeErrors  *prometheus.CounterVec
	kicks         *prometheus.CounterVec
	writeTimeouts prometheus.Counter
	closedByCode  sync.Map // wire.CloseCode -> []prometheus.Counter
}

var (
	_ lobby.Observer   = (*Metrics)(nil)
	_ gateway.Observer = (*Metrics)(nil)
)

// New returns metrics registered on a registry of their own, with the Go runtime's and the process's
// collectors.
func New() *Metrics {
	reg := prometheus.NewRegistry()
	f := factory{reg}
	m := &Metrics{
		reg:     reg,
		players: f.gaugeVec("tickwire_players", "Seats taken, by game.", "game"),
		rooms:   f.gaugeVec("tickwire_rooms", "Rooms open, by game.", "game"),
		nodeInfo: f.gaugeVec("tickwire_node_info", "1, labelled with this server's node id in the cluster (see SetNode), "+
			"to join every series of this process with its node.", "node"),
		tick: f.histogramVec(prometheus.HistogramOpts{
			Name:    "tickwire_tick_duration_seconds",
			Help:    "How long one room step took (inputs, the game's step, roster and snapshot encoding and queueing), by game.",
			Buckets: TickBuckets,
		}, "game"),
		tickMax:      f.gaugeVec("tickwire_tick_duration_max_seconds", "The longest room step since the server started, by game.", "game"),
		late:         f.counterVec("tickwire_ticks_late_total", "Steps run as a catch-up, a tick period or more after they were due, by game.", "game"),
		missed:       f.counterVec("tickwire_ticks_missed_total", "Steps skipped because a room fell more than its catch-up limit behind real time, by game.", "game"),
		ignored:      f.counterVec("tickwire_inputs_ignored_total", "Inputs not applied, by game and reason: late (for a tick already stepped) or duplicate (for a tick that already had one).", "game", "reason"),
		games:        map[string]*gameMetrics{},
		nats:         newNATSCollector(),
		framesIn:     f.counterVec("tickwire_frames_in_total", "Valid frames read from clients, by op.", "op"),
		bytesIn:      f.counterVec("tickwire_frame_bytes_in_total", "Bytes of valid frames read from clients (WebSocket payloads), by op.", "op"),
		framesOut:    f.counterVec("tickwire_frames_out_total", "Frames written to clients, by op.", "op"),
		bytesOut:     f.counterVec("tickwire_frame_bytes_out_total", "Bytes of frames written to clients (WebSocket payloads), by op.", "op"),
		dropped:      f.counter("tickwire_snapshots_dropped_total", "Snapshots replaced by a newer one before a slow client's connection wrote them."),
		closed:       f.counterVec("tickwire_connections_closed_total", "Connections the server closed, by close code.", "code", "reason"),
		refusals:     f.counterVec("tickwire_refusals_total", "Handshakes refused, and inputs refused for a tick too far ahead (input_ahead), by reason.", "reason"),
		decodeErrors: f.counterVec("tickwire_decode_errors_total", "Connections closed for a frame the server could not accept, by reason.", "reason"),
		kicks:        f.counterVec("tickwire_slow_client_kicks_total", "Clients dropped for not keeping up, by cause.", "cause"),
	}
	conns := f.gaugeVec("tickwire_connections", "Open connections, by state.", "state")
	for _, s := range []gateway.ConnState{gateway.ConnHandshake, gateway.ConnPlaying} {
		m.conns[s] = conns.WithLabelValues(s.String())
	}
	m.writeTimeouts = m.kicks.WithLabelValues("write_timeout")
	m.kicks.WithLabelValues("queue_full") // present at 0 from the start
	reg.MustRegister(m.nats, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if peakRSS() >= 0 {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "tickwire_process_peak_rss_bytes", Help: "The process's peak resident set size.",
		}, func() float64 { return float64(peakRSS()) }))
	}
	return m
}

// SetNode labels this process's metrics with its cluster node id: the series
// tickwire_node_info{node="<id>"} is 1 (and the one of an earlier id is removed).
func (m *Metrics) SetNode(id string) {
	m.nodeInfo.Reset()
	m.nodeInfo.WithLabelValues(id).Set(1)
}

// Registry returns the registry the metrics are on, to add an application's own.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

type factory struct{ reg *prometheus.Registry }

func (f factory) gaugeVec(name, help string, labels ...string) *prometheus.GaugeVec {
	v := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: help}, labels)
	f.reg.MustRegister(v)
	return v
}

func (f factory) counterVec(name, help string, labels ...string) *prometheus.CounterVec {
	v := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
	f.reg.MustRegister(v)
	return v
}

func (f factory) counter(name, help string) prometheus.Counter {
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
	f.reg.MustRegister(c)
	return c
}

func (f factory) histogramVec(opts prometheus.HistogramOpts, labels ...string) *prometheus.HistogramVec {
	v := prometheus.NewHistogramVec(opts, labels)
	f.reg.MustRegister(v)
	return v
}

// gameMetrics are one game's series, resolved once so that rooms' ticks cost no label lookups.
type gameMetrics struct {
	players, rooms prometheus.Gauge
	tick           prometheus.Observer
	tickMax        prometheus.Gauge
	maxNanos       atomic.Int64
	late, missed   prometheus.Counter
	lateInputs     prometheus.Counter
	dupInputs      prometheus.Counter
}

func (m *Metrics) game(name string) *gameMetrics {
	m.gamesMu.Lock()
	defer m.gamesMu.Unlock()
	g := m.games[name]
	if g == nil {
		g = &gameMetrics{
			players: m.players.WithLabelValues(name), rooms: m.rooms.WithLabelValues(name),
			tick: m.tick.WithLabelValues(name), tickMax: m.tickMax.WithLabelValues(name),
			late: m.late.WithLabelValues(name), missed: m.missed.WithLabelValues(name),
			lateInputs: m.ignored.WithLabelValues(name, "late"), dupInputs: m.ignored.WithLabelValues(name, "duplicate"),
		}
		m.games[name] = g
	}
	return g
}

// RoomOpened implements lobby.Observer.
func (m *Metrics) RoomOpened(game string) room.Observer {
	g := m.game(game)
	g.rooms.Inc()
	return g
}

// RoomClosed implements lobby.Observer.
func (m *Metrics) RoomClosed(game string) { m.game(game).rooms.Dec() }

// Seats implements lobby.Observer.
func (m *Metrics) Seats(game string, n int) { m.game(game).players.Add(float64(n)) }

// Tick implements room.Observer for every room of the game.
func (g *gameMetrics) Tick(d time.Duration, late bool) {
	g.tick.Observe(d.Seconds())
	if late {
		g.late.Inc()
	}
	for {
		old := g.maxNanos.Load()
		if int64(d) <= old {
			break
		}
		if g.maxNanos.CompareAndSwap(old, int64(d)) {
			g.tickMax.Set(d.Seconds())
			break
		}
	}
}

// Missed implements room.Observer.
func (g *gameMetrics) Missed(n int) { g.missed.Add(float64(n)) }

// InputsIgnored implements room.Observer.
func (g *gameMetrics) InputsIgnored(late, duplicate int) {
	g.lateInputs.Add(float64(late))
	g.dupInputs.Add(float64(duplicate))
}

// ConnState implements gateway.Observer.
func (m *Metrics) ConnState(from, to gateway.ConnState) {
	if g := m.connGauge(from); g != nil {
		g.Dec()
	}
	if g := m.connGauge(to); g != nil {
		g.Inc()
	}
}

func (m *Metrics) connGauge(s gateway.ConnState) prometheus.Gauge {
	if s < 0 || int(s) >= len(m.conns) {
		return nil
	}
	return m.conns[s]
}

type opCounters struct{ frames, bytes prometheus.Counter }

func (m *Metrics) opCounters(table *[256]atomic.Pointer[opCounters], frames, bytes *prometheus.CounterVec, op wire.Op) *opCounters {
	if c := table[op].Load(); c != nil {
		return c
	}
	c := &opCounters{frames.WithLabelValues(opLabel(op)), bytes.WithLabelValues(opLabel(op))}
	table[op].CompareAndSwap(nil, c) // a racing goroutine resolved the same series; either will do
	return c
}

// FrameIn implements gateway.Observer.
func (m *Metrics) FrameIn(op wire.Op, n int) {
	c := m.opCounters(&m.in, m.framesIn, m.bytesIn, op)
	c.frames.Inc()
	c.bytes.Add(float64(n))
}

// FrameOut implements gateway.Observer.
func (m *Metrics) FrameOut(op wire.Op, n int) {
	c := m.opCounters(&m.out, m.framesOut, m.bytesOut, op)
	c.frames.Inc()
	c.bytes.Add(float64(n))
}

// SnapshotDropped implements gateway.Observer.
func (m *Metrics) SnapshotDropped() { m.dropped.Inc() }

// Closed implements gateway.Observer.
func (m *Metrics) Closed(code wire.CloseCode) {
	if cs, ok := m.closedByCode.Load(code); ok {
		for _, c := range cs.([]prometheus.Counter) {
			c.Inc()
		}
		return
	}
	reason := closeReason(code)
	cs := []prometheus.Counter{m.closed.WithLabelValues(fmt.Sprint(uint16(code)), reason)}
	switch closeKind(code) {
	case kindRefusal:
		cs = append(cs, m.refusals.WithLabelValues(reason))
	case kindDecode:
		cs = append(cs, m.decodeErrors.WithLabelValues(reason))
	case kindSlow:
		cs = append(cs, m.kicks.WithLabelValues("queue_full"))
	}
	m.closedByCode.Store(code, cs)
	for _, c := range cs {
		c.Inc()
	}
}

// WriteFailed implements gateway.Observer.
func (m *Metrics) WriteFailed(timedOut bool) {
	if timedOut {
		m.writeTimeouts.Inc()
	}
}

// opLabel names an op for a label: the toolkit's by name (delta, snapshot, ...), others by number.
func opLabel(op wire.Op) string {
	if name := op.String(); op > 0 && op <= wire.LastToolkitOp && !strings.HasPrefix(name, "reserved") {
		return name
	}
	return fmt.Sprintf("op%d", uint8(op))
}

type kind int

const (
	kindOther kind = iota
	kindRefusal
	kindDecode
	kindSlow
)

func closeKind(code wire.CloseCode) kind {
	switch code {
	case wire.CloseBadVersion, wire.CloseHandshakeTimeout, wire.CloseBadName, wire.CloseRoomFull,
		wire.CloseUnknownGame, wire.CloseBadRoom, wire.CloseServerFull, wire.CloseInputAhead,
		wire.CloseNoRoom, wire.CloseResumeFailed, wire.CloseResumeLater, wire.CloseBadReservation:
		return kindRefusal
	case wire.CloseMalformed, wire.CloseUnknownOp, wire.CloseUnexpected, wire.CloseTextFrame, wire.CloseTooBig:
		return kindDecode
	case wire.CloseSlowClient:
		return kindSlow
	}
	return kindOther
}

// closeReason names a close code in a label value.
func closeReason(code wire.CloseCode) string {
	switch code {
	case wire.CloseNormal:
		return "normal"
	case wire.CloseGoingAway:
		return "going_away"
	case wire.ClosePolicy:
		return "policy"
	case wire.CloseTooBig:
		return "too_big"
	case wire.CloseServerError:
		return "room_failed"
	case wire.CloseBadVersion:
		return "bad_version"
	case wire.CloseMalformed:
		return "malformed"
	case wire.CloseUnknownOp:
		return "unknown_op"
	case wire.CloseHandshakeTimeout:
		return "handshake_timeout"
	case wire.CloseBadName:
		return "bad_name"
	case wire.CloseRoomFull:
		return "room_full"
	case wire.CloseUnknownGame:
		return "unknown_game"
	case wire.CloseBadRoom:
		return "bad_room"
	case wire.CloseServerFull:
		return "server_full"
	case wire.CloseUnexpected:
		return "unexpected"
	case wire.CloseSlowClient:
		return "slow_client"
	case wire.CloseTextFrame:
		return "text_frame"
	case wire.CloseSpectator:
		return "spectator"
	case wire.CloseNoRoom:
		return "no_room"
	case wire.CloseNoPong:
		return "no_pong"
	case wire.CloseResumeFailed:
		return "resume_failed"
	case wire.CloseInputAhead:
		return "input_ahead"
	case wire.CloseResumeLater:
		return "resume_later"
	case wire.CloseRedirect:
		return "redirect"
	case wire.CloseBadReservation:
		return "bad_reservation"
	}
	return "other"
}
