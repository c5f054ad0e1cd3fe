package loadtest

import (
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/tickwire/tickwire/wasmclient/netclient"
)

// Summary is what a load run measured. Rates are over the hold, the time after the ramp when every
// bot that would join had joined.
type Summary struct {
	URL                string         `json:"url"`
	Bots               int            `json:"bots"`
	Rooms              int            `json:"rooms"` // 0: the server seated the bots
	Lean               bool           `json:"lean"`  // the bots played on the lean client (Config.Lean)
	TickRate           int            `json:"tickRate"`
	SnapshotRate       int            `json:"snapshotRate"` // configured: what the welcome announced
	RampSeconds        float64        `json:"rampSeconds"`
	HoldSeconds        float64        `json:"holdSeconds"`
	Joined             int            `json:"joined"`        // bots welcomed
	WithSnapshots      int            `json:"withSnapshots"` // bots that received at least one snapshot
	CCU                int            `json:"ccu"`           // most bots connected at once
	HoldCCU            float64        `json:"holdCCU"`       // bots connected during the hold, on average
	Errors             int            `json:"errors"`        // bots that failed to connect or were closed
	ErrorReasons       map[string]int `json:"errorReasons,omitempty"`
	SnapshotsPerSecond float64        `json:"snapshotsPerSecondPerClient"` // delivered, per client
	BytesInPerSecond   float64        `json:"bytesInPerSecondPerClient"`   // server to client, on the wire
	BytesOutPerSecond  float64        `json:"bytesOutPerSecondPerClient"`  // client to server, on the wire
	RTTP50Millis       float64        `json:"rttP50Ms"`
	RTTP99Millis       float64        `json:"rttP99Ms"`
	// MaxGapMillis is the longest time between two snapshots one bot received, over the whole run
	// (from each bot's first snapshot): a stall, a lost connection, or a room that moved.
	MaxGapMillis float64 `json:"maxGapMs"`
	// SeatsLost counts the times a bot lost its seat and joined afresh: welcomed again as another
	// player than the seat it had, or after its resume was refused (4015).
	SeatsLost int `json:"seatsLost"`
	// LoadAverage is the machine's one-minute load average at the end of the hold (-1 unknown): a
	// figure above its core count means the server and the bots waited for CPU.
	LoadAverage float64 `json:"loadAverage"`
	// StealPercent is the share of the machine's CPU time that its hypervisor gave to other machines
	// during the hold (-1 unknown). On a shared virtual machine it can be large, and then the run's
	// rates and CPU figures are unreliable: the server and the bots were paused at moments they did
	// not choose.
	StealPercent float64 `json:"stealPercent"`
	// BotCPUSeconds is the load tester's own CPU time (user + system, from /proc/self/stat) during
	// the hold: what the bots cost (-1 unknown). BotCPUCores is it per second of the hold, and
	// BotMicrosPerPlayerSecond per bot connected and second, in µs.
	BotCPUSeconds            float64 `json:"botCpuSeconds"`
	BotCPUCores              float64 `json:"botCpuCores"`
	BotMicrosPerPlayerSecond float64 `json:"botUsPerPlayerSecond"`
	// BotToServer is BotMicrosPerPlayerSecond over the server's (ServerSummary.MicrosPerPlayerSecond):
	// under 1 the bots cost less than the server spends on them; 0 when either is unknown.
	BotToServer float64 `json:"botToServer"`
	// Overloaded is !KeptUp(): the run did not hold its load (see [Summary.KeptUp]).
	Overloaded bool           `json:"overloaded"`
	Server     *ServerSummary `json:"server,omitempty"`
	// Placement says where the bots connected at the end of the hold play, by node, sorted by URL:
	// against a cluster, the nodes its placement chose (one entry against a single server).
	Placement []NodePlacement `json:"placement,omitempty"`
}

// NodePlacement is the bots that play on one node: the WebSocket URL their client plays on
// (netclient's View.URL: the URL the run was given, or the node a redirect sent the bot to).
type NodePlacement struct {
	URL        string `json:"url"`
	Bots       int    `json:"bots"`       // connected there at the end of the hold
	Redirected int    `json:"redirected"` // of those, bots that followed a redirect to get there
}

// placement counts the connected bots of views by the URL they play on, sorted by URL.
func placement(views []netclient.View) []NodePlacement {
	by := map[string]*NodePlacement{}
	for _, v := range views {
		if v.Status != netclient.Connected {
			continue
		}
		p := by[v.URL]
		if p == nil {
			p = &NodePlacement{URL: v.URL}
			by[v.URL] = p
		}
		p.Bots++
		if v.Redirects > 0 {
			p.Redirected++
		}
	}
	var out []NodePlacement
	for _, u := range slices.Sorted(maps.Keys(by)) {
		out = append(out, *by[u])
	}
	return out
}

// ServerSummary is the server's side of a load run, from its metrics and its process, read at the
// start and end of the hold.
type ServerSummary struct {
	Seconds          float64 `json:"seconds"` // between the two readings
	Ticks            float64 `json:"ticks"`   // room steps during the hold, over all rooms
	TickP50Millis    float64 `json:"tickP50Ms"`
	TickP99Millis    float64 `json:"tickP99Ms"`
	TickMaxMillis    float64 `json:"tickMaxMs"` // since the server started
	TickBudgetMillis float64 `json:"tickBudgetMs"`
	LateTicks        float64 `json:"lateTicks"`
	MissedTicks      float64 `json:"missedTicks"`
	SnapshotsDropped float64 `json:"snapshotsDropped"`
	CPUSeconds       float64 `json:"cpuSeconds"`       // during the hold
	SystemCPUSeconds float64 `json:"systemCpuSeconds"` // of which in the kernel, when known
	CPUCores         float64 `json:"cpuCores"`         // CPUSeconds per second of the hold
	PeakRSSBytes     int64   `json:"peakRSSBytes"`
	CCUPerCore       float64 `json:"ccuPerCore"` // HoldCCU / CPUCores
	// MicrosPerPlayerSecond is the server's CPU per player connected and second, in µs: 1e6 /
	// CCUPerCore.
	MicrosPerPlayerSecond float64 `json:"usPerPlayerSecond"`
}

// Histogram is a cumulative histogram: Counts[i] observations were at most Bounds[i]; the last bound
// may be +Inf.
type Histogram struct {
	Bounds []float64
	Counts []float64
}

// Sub returns h minus an earlier reading of the same histogram.
func (h Histogram) Sub(earlier Histogram) Histogram {
	out := Histogram{Bounds: h.Bounds, Counts: slices.Clone(h.Counts)}
	if len(earlier.Counts) == len(h.Counts) {
		for i := range out.Counts {
			out.Counts[i] -= earlier.Counts[i]
		}
	}
	return out
}

// Count returns the number of observations.
func (h Histogram) Count() float64 {
	if len(h.Counts) == 0 {
		return 0
	}
	return h.Counts[len(h.Counts)-1]
}

// Quantile estimates the q-quantile (0 < q < 1) the way Prometheus's histogram_quantile does:
// linearly within the bucket it falls in, the first bucket starting at 0. It returns NaN for an empty
// histogram, and the largest finite bound when the quantile falls in the +Inf bucket.
func (h Histogram) Quantile(q float64) float64 {
	n := h.Count()
	if n <= 0 || len(h.Bounds) != len(h.Counts) {
		return math.NaN()
	}
	rank := q * n
	i, _ := slices.BinarySearchFunc(h.Counts, rank, func(c, r float64) int {
		if c < r {
			return -1
		}
		return 1 // find the first bucket whose count reaches the rank
	})
	if i >= len(h.Bounds) {
		i = len(h.Bounds) - 1
	}
	if math.IsInf(h.Bounds[i], 1) {
		if i == 0 {
			return math.NaN()
		}
		return h.Bounds[i-1]
	}
	lo, below := 0.0, 0.0
	if i > 0 {
		lo, below = h.Bounds[i-1], h.Counts[i-1]
	}
	in := h.Counts[i] - below
	if in <= 0 {
		return h.Bounds[i]
	}
	return lo + (h.Bounds[i]-lo)*(rank-below)/in
}

// CCUPerCore is concurrent users per core of server CPU: ccu / (cpuSeconds / wallSeconds). It is 0
// when no CPU time was measured.
func CCUPerCore(ccu, cpuSeconds, wallSeconds float64) float64 {
	if cpuSeconds <= 0 || wallSeconds <= 0 {
		return 0
	}
	return ccu / (cpuSeconds / wallSeconds)
}

// PerClientRate is total events (or bytes) per client per second; 0 without clients or time.
func PerClientRate(total, clients, seconds float64) float64 {
	if clients <= 0 || seconds <= 0 {
		return 0
	}
	return total / clients / seconds
}

// durationQuantile returns the q-quantile of ds (nearest rank), or 0 for none. It sorts ds.
func durationQuantile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	i := int(math.Ceil(q*float64(len(ds)))) - 1
	return ds[min(max(i, 0), len(ds)-1)]
}

// serverSummary computes the server's figures over the hold from readings at its start and end.
func serverSummary(start, end ServerSample, seconds, holdCCU float64, tickRate int) *ServerSummary {
	tick := end.Tick.Sub(start.Tick)
	s := &ServerSummary{
		Seconds:          seconds,
		Ticks:            tick.Count(),
		TickP50Millis:    millis(tick.Quantile(0.50)),
		TickP99Millis:    millis(tick.Quantile(0.99)),
		TickMaxMillis:    millis(end.TickMax),
		LateTicks:        end.Late - start.Late,
		MissedTicks:      end.Missed - start.Missed,
		SnapshotsDropped: end.SnapshotsDropped - start.SnapshotsDropped,
		CPUSeconds:       end.CPUSeconds - start.CPUSeconds,
		SystemCPUSeconds: end.SystemCPUSeconds - start.SystemCPUSeconds,
		PeakRSSBytes:     end.PeakRSS,
	}
	if tickRate > 0 {
		s.TickBudgetMillis = 1000 / float64(tickRate)
	}
	if seconds > 0 {
		s.CPUCores = s.CPUSeconds / seconds
	}
	s.CCUPerCore = CCUPerCore(holdCCU, s.CPUSeconds, seconds)
	if s.CCUPerCore > 0 {
		s.MicrosPerPlayerSecond = 1e6 / s.CCUPerCore
	}
	return s
}

// costs fills in the bots' CPU per second and per player-second, and their ratio to the server's,
// from BotCPUSeconds, HoldSeconds, HoldCCU and Server.
func (s *Summary) costs() {
	if s.BotCPUSeconds < 0 || s.HoldSeconds <= 0 {
		return
	}
	s.BotCPUCores = s.BotCPUSeconds / s.HoldSeconds
	if s.HoldCCU > 0 {
		s.BotMicrosPerPlayerSecond = 1e6 * s.BotCPUCores / s.HoldCCU
	}
	if s.Server != nil && s.Server.MicrosPerPlayerSecond > 0 {
		s.BotToServer = s.BotMicrosPerPlayerSecond / s.Server.MicrosPerPlayerSecond
	}
}

func millis(seconds float64) float64 {
	if math.IsNaN(seconds) {
		return 0
	}
	return seconds * 1000
}

// Print writes the summary for a person to read.
func (s *Summary) Print(w io.Writer) {
	rooms := "seated by the server"
	if s.Rooms > 0 {
		rooms = fmt.Sprintf("%d rooms (%.1f bots each)", s.Rooms, float64(s.Bots)/float64(s.Rooms))
	}
	fmt.Fprintf(w, "load test: %d bots, %s, against %s\n", s.Bots, rooms, s.URL)
	fmt.Fprintf(w, "  ramp %.1f s, hold %.1f s; tick %d Hz, snapshots %d Hz configured\n", s.RampSeconds, s.HoldSeconds, s.TickRate, s.SnapshotRate)
	fmt.Fprintf(w, "  bots       joined %d, with snapshots %d, CCU %d (%.0f on average in the hold), errors %d\n",
		s.Joined, s.WithSnapshots, s.CCU, s.HoldCCU, s.Errors)
	for _, r := range slices.Sorted(maps.Keys(s.ErrorReasons)) {
		fmt.Fprintf(w, "             %5d × %s\n", s.ErrorReasons[r], r)
	}
	fmt.Fprintf(w, "  per client snapshots %.2f/s delivered (%d/s configured), %s/s in, %s/s out, RTT p50 %.2f ms p99 %.2f ms\n",
		s.SnapshotsPerSecond, s.SnapshotRate, bytesText(s.BytesInPerSecond), bytesText(s.BytesOutPerSecond), s.RTTP50Millis, s.RTTP99Millis)
	fmt.Fprintf(w, "  continuity longest gap between two snapshots of one bot %.0f ms, seats lost %d\n", s.MaxGapMillis, s.SeatsLost)
	if v := s.Server; v == nil {
		fmt.Fprintln(w, "  server     no figures (give -admin for a remote server's metrics)")
	} else {
		fmt.Fprintf(w, "  server     tick p50 %.3f ms, p99 %.3f ms (%.1f%% of the %.1f ms budget), max %.3f ms; %.0f steps, %.0f late, %.0f missed\n",
			v.TickP50Millis, v.TickP99Millis, 100*v.TickP99Millis/max(v.TickBudgetMillis, 1e-9), v.TickBudgetMillis, v.TickMaxMillis, v.Ticks, v.LateTicks, v.MissedTicks)
		fmt.Fprintf(w, "             CPU %.1f s (%.1f s in the kernel) in %.1f s = %.2f cores, peak RSS %s, snapshots dropped %.0f\n",
			v.CPUSeconds, v.SystemCPUSeconds, v.Seconds, v.CPUCores, bytesText(float64(v.PeakRSSBytes)), v.SnapshotsDropped)
		fmt.Fprintf(w, "             CCU per server core %.0f, %.0f µs per player-second\n", v.CCUPerCore, v.MicrosPerPlayerSecond)
	}
	if s.BotCPUSeconds >= 0 {
		client := "netclient"
		if s.Lean {
			client = "lean client"
		}
		ratio := ""
		if s.BotToServer > 0 {
			ratio = fmt.Sprintf(", %.2f× the server's", s.BotToServer)
		}
		fmt.Fprintf(w, "  bots       CPU %.1f s in %.1f s = %.2f cores (%s), %.0f µs per player-second%s\n",
			s.BotCPUSeconds, s.HoldSeconds, s.BotCPUCores, client, s.BotMicrosPerPlayerSecond, ratio)
	}
	for i, p := range s.Placement {
		label := ""
		if i == 0 {
			label = "placement"
		}
		fmt.Fprintf(w, "  %-10s %d bots on %s (%d by a redirect)\n", label, p.Bots, p.URL, p.Redirected)
	}
	var machine []string
	if s.LoadAverage >= 0 {
		machine = append(machine, fmt.Sprintf("load average %.2f at the end of the hold", s.LoadAverage))
	}
	if s.StealPercent >= 0 {
		machine = append(machine, fmt.Sprintf("%.0f%% of the CPU time taken by the host (steal)", s.StealPercent))
	}
	if len(machine) > 0 {
		fmt.Fprintf(w, "  machine    %s\n", strings.Join(machine, "; "))
	}
	if s.StealPercent >= StealWarnPercent {
		fmt.Fprintf(w, "  warning    the host took %.0f%% of this machine's CPU during the hold: its figures are unreliable\n", s.StealPercent)
	}
	if !s.KeptUp() {
		fmt.Fprintln(w, "  warning    missed ticks, or under 95% of the configured snapshot rate delivered: the server or the")
		fmt.Fprintln(w, "             machine (bots included) was overloaded, and CCU per core overstates what it holds")
	}
}

// StealWarnPercent is the steal above which the summary warns that its figures are unreliable.
const StealWarnPercent = 10

// KeptUp reports whether the run held its load: no missed ticks and at least 95% of the configured
// snapshot rate delivered. Figures from a run that did not keep up describe an overloaded server, or
// bots starved of CPU, not the server's capacity.
func (s *Summary) KeptUp() bool {
	if s.Server != nil && s.Server.MissedTicks > 0 {
		return false
	}
	return s.SnapshotsPerSecond >= 0.95*float64(s.SnapshotRate)
}

func bytesText(b float64) string {
	switch {
	case b >= 1e9:
		return fmt.Sprintf("%.2f GB", b/1e9)
	case b >= 1e6:
		return fmt.Sprintf("%.2f MB", b/1e6)
	case b >= 1e3:
		return fmt.Sprintf("%.1f kB", b/1e3)
	}
	return strings.TrimSuffix(fmt.Sprintf("%.0f B", b), ".0")
}
