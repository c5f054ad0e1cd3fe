package loadtest

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tickwire/tickwire/wasmclient/netclient"
)

func TestHistogramQuantile(t *testing.T) {
	t.Parallel()
	inf := math.Inf(1)
	// 100 observations: 10 at most 1, 80 in (1, 2], 9 in (2, 4], 1 above 4.
	h := Histogram{Bounds: []float64{1, 2, 4, inf}, Counts: []float64{10, 90, 99, 100}}
	tests := []struct {
		name string
		h    Histogram
		q    float64
		want float64
	}{
		{"in the first bucket, from 0", h, 0.05, 0.5},
		{"first bucket's top", h, 0.10, 1},
		{"median, interpolated", h, 0.50, 1.5},
		{"p90 at a bucket's top", h, 0.90, 2},
		{"p95 inside a wide bucket", h, 0.95, 2 + 2*5.0/9},
		{"p99.5 in +Inf: the largest finite bound", h, 0.995, 4},
		{"empty", Histogram{Bounds: []float64{1, inf}, Counts: []float64{0, 0}}, 0.5, math.NaN()},
		{"all in one bucket", Histogram{Bounds: []float64{1, 3, inf}, Counts: []float64{0, 4, 4}}, 0.5, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := tt.h.Quantile(tt.q)
			if math.IsNaN(tt.want) != math.IsNaN(got) || !math.IsNaN(got) && math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("Quantile(%v) = %v, want %v", tt.q, got, tt.want)
			}
		})
	}
}

func TestHistogramSub(t *testing.T) {
	t.Parallel()
	inf := math.Inf(1)
	start := Histogram{Bounds: []float64{1, 2, inf}, Counts: []float64{5, 5, 5}}
	end := Histogram{Bounds: []float64{1, 2, inf}, Counts: []float64{5, 95, 100}}
	d := end.Sub(start)
	if d.Count() != 95 || d.Counts[0] != 0 || d.Counts[1] != 90 {
		t.Errorf("difference %v", d.Counts)
	}
	if q := d.Quantile(0.5); q <= 1 || q > 2 {
		t.Errorf("median of the difference %v: the 5 early fast steps should not count", q)
	}
	if end.Counts[1] != 95 {
		t.Error("Sub changed its receiver")
	}
	if got := end.Sub(Histogram{}); got.Count() != 100 {
		t.Errorf("minus an empty reading: count %v, want 100", got.Count())
	}
}

func TestCCUPerCoreAndRates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                 string
		ccu, cpu, wall, want float64
	}{
		{"half a core", 1000, 30, 60, 2000},
		{"two cores", 5000, 120, 60, 2500},
		{"a tenth of a core", 600, 6, 60, 6000},
		{"no CPU measured", 100, 0, 60, 0},
		{"no time", 100, 1, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := CCUPerCore(tt.ccu, tt.cpu, tt.wall); got != tt.want {
				t.Errorf("CCUPerCore(%v, %v, %v) = %v, want %v", tt.ccu, tt.cpu, tt.wall, got, tt.want)
			}
		})
	}
	if got := PerClientRate(12000, 10, 60); got != 20 {
		t.Errorf("12000 snapshots to 10 clients in 60 s: %v/s each, want 20", got)
	}
	if got := PerClientRate(1, 0, 60); got != 0 {
		t.Errorf("no clients: %v", got)
	}
}

func TestDurationQuantile(t *testing.T) {
	t.Parallel()
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	if p50, p99 := durationQuantile(ds, 0.5), durationQuantile(ds, 0.99); p50 != 50*time.Millisecond || p99 != 99*time.Millisecond {
		t.Errorf("p50 %v p99 %v of 1..100 ms, want 50 ms and 99 ms", p50, p99)
	}
	if durationQuantile(nil, 0.5) != 0 {
		t.Error("quantile of nothing")
	}
}

func TestServerSummary(t *testing.T) {
	t.Parallel()
	inf := math.Inf(1)
	start := ServerSample{
		Tick: Histogram{Bounds: []float64{0.001, 0.002, inf}, Counts: []float64{100, 100, 100}},
		Late: 1, Missed: 0, SnapshotsDropped: 3, CPUSeconds: 2.5, SystemCPUSeconds: 1, PeakRSS: 10 << 20,
	}
	end := ServerSample{
		Tick:    Histogram{Bounds: []float64{0.001, 0.002, inf}, Counts: []float64{1000, 1900, 1900}},
		TickMax: 0.0042, Late: 4, Missed: 2, SnapshotsDropped: 3, CPUSeconds: 32.5, SystemCPUSeconds: 13, PeakRSS: 50 << 20,
	}
	s := serverSummary(start, end, 60, 1000, 30)
	want := ServerSummary{
		Seconds: 60, Ticks: 1800, TickP50Millis: 1, TickP99Millis: 1.98, TickMaxMillis: 4.2, TickBudgetMillis: 1000.0 / 30,
		LateTicks: 3, MissedTicks: 2, SnapshotsDropped: 0, CPUSeconds: 30, CPUCores: 0.5, PeakRSSBytes: 50 << 20,
		CCUPerCore: 2000,
	}
	// 1800 steps: 900 at most 1 ms, 900 in (1, 2] ms. The median is the 900th: 1 ms; p99 the 1782nd.
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
	if !near(s.Ticks, want.Ticks) || !near(s.TickP50Millis, want.TickP50Millis) || !near(s.TickP99Millis, want.TickP99Millis) ||
		!near(s.TickMaxMillis, want.TickMaxMillis) || !near(s.TickBudgetMillis, want.TickBudgetMillis) ||
		s.LateTicks != want.LateTicks || s.MissedTicks != want.MissedTicks || s.SnapshotsDropped != 0 ||
		s.CPUSeconds != want.CPUSeconds || s.CPUCores != want.CPUCores || s.PeakRSSBytes != want.PeakRSSBytes ||
		s.CCUPerCore != want.CCUPerCore || s.SystemCPUSeconds != 12 || s.Seconds != want.Seconds {
		t.Errorf("server summary\n got %+v\nwant %+v", *s, want)
	}
	var out bytes.Buffer
	sum := &Summary{Bots: 1000, Rooms: 100, HoldSeconds: 60, SnapshotRate: 20, SnapshotsPerSecond: 19.5, Server: s}
	sum.Print(&out)
	for _, w := range []string{"CCU per server core 2000", "0.50 cores", "p99 1.980 ms", "52.43 MB", "warning"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("printed summary lacks %q:\n%s", w, out.String())
		}
	}
}

func TestKeptUp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		delivered float64
		missed    float64
		server    bool
		want      bool
	}{
		{"full rate, no missed ticks", 19.9, 0, true, true},
		{"95% of the rate", 19, 0, true, true},
		{"a missed tick", 20, 1, true, false},
		{"snapshots short", 18.9, 0, true, false},
		{"no server figures, full rate", 20, 0, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := Summary{SnapshotRate: 20, SnapshotsPerSecond: tt.delivered}
			if tt.server {
				s.Server = &ServerSummary{MissedTicks: tt.missed}
			}
			if got := s.KeptUp(); got != tt.want {
				t.Errorf("KeptUp() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseProc(t *testing.T) {
	t.Parallel()
	// A command name with a space and a parenthesis; utime 1234 and stime 566 clock ticks.
	stat := "4242 (tick) wire) S 1 4242 4242 0 -1 4194560 900 0 0 0 1234 566 0 0 20 0 12 0 100 2000000 3000 18446744073709551615"
	user, system, err := parseStatCPU(stat)
	if err != nil || user != 12.34 || system != 5.66 {
		t.Errorf("parseStatCPU = %v, %v, %v; want 12.34 s and 5.66 s", user, system, err)
	}
	if _, _, err := parseStatCPU("4242 (x) S 1 2"); err == nil {
		t.Error("a short stat line was accepted")
	}
	status := "Name:\ttickwire\nVmPeak:\t 1000000 kB\nVmHWM:\t   51200 kB\nVmRSS:\t   40000 kB\n"
	if hwm, err := parseStatusHWM(status); err != nil || hwm != 50<<20 {
		t.Errorf("parseStatusHWM = %v, %v; want 50 MiB", hwm, err)
	}
	if _, err := parseStatusHWM("Name:\tx\n"); err == nil {
		t.Error("a status without VmHWM was accepted")
	}
}

func TestMachineCPU(t *testing.T) {
	t.Parallel()
	// user nice system idle iowait irq softirq steal guest guest_nice
	start, err := parseMachineCPU("cpu  100 0 50 800 10 0 20 20 0 0\ncpu0 50 0 25 400 5 0 10 10 0 0\n")
	if err != nil || start != (MachineCPU{Total: 1000, Steal: 20}) {
		t.Fatalf("parseMachineCPU = %+v, %v; want 1000 ticks, 20 stolen", start, err)
	}
	end, _ := parseMachineCPU("cpu  400 0 150 1100 10 0 20 320 7 0\n")
	if got := StealPercent(start, end); got != 30 {
		t.Errorf("StealPercent = %v, want 30 (300 of 1000 ticks)", got)
	}
	if got := StealPercent(start, start); got != -1 {
		t.Errorf("StealPercent of no time = %v, want -1", got)
	}
	for _, bad := range []string{"", "intr 1 2 3", "cpu 1 2 3", "cpu 1 2 x 4 5 6 7 8 9"} {
		if _, err := parseMachineCPU(bad); err == nil {
			t.Errorf("parseMachineCPU(%q) was accepted", bad)
		}
	}
	for _, tt := range []struct {
		steal float64
		want  []string
		not   string
	}{
		{30, []string{"30% of the CPU time taken by the host", "the host took 30% of this machine's CPU during the hold"}, ""},
		{2, []string{"2% of the CPU time taken by the host"}, "the host took"},
		{-1, nil, "steal"},
	} {
		var out bytes.Buffer
		sum := &Summary{Bots: 10, SnapshotRate: 20, SnapshotsPerSecond: 20, LoadAverage: -1, StealPercent: tt.steal}
		sum.Print(&out)
		for _, w := range tt.want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("steal %v: printed summary lacks %q:\n%s", tt.steal, w, out.String())
			}
		}
		if tt.not != "" && strings.Contains(out.String(), tt.not) {
			t.Errorf("steal %v: printed summary says %q:\n%s", tt.steal, tt.not, out.String())
		}
	}
}

func TestPlacement(t *testing.T) {
	t.Parallel()
	const a, b = "ws://127.0.0.1:8081/ws", "ws://127.0.0.1:8082/ws"
	on := func(url string, redirects int) netclient.View {
		return netclient.View{Status: netclient.Connected, URL: url, Redirects: redirects}
	}
	tests := []struct {
		name  string
		views []netclient.View
		want  []NodePlacement
	}{
		{"none", nil, nil},
		{"one server", []netclient.View{on(a, 0), on(a, 0)}, []NodePlacement{{a, 2, 0}}},
		{"two nodes, sorted by URL, redirects counted", []netclient.View{on(b, 1), on(a, 0), on(b, 2), on(a, 1)},
			[]NodePlacement{{a, 2, 1}, {b, 2, 2}}},
		{"only connected bots", []netclient.View{on(a, 0), {Status: netclient.Reconnecting, URL: b},
			{Status: netclient.Closed, URL: b}, {}}, []NodePlacement{{a, 1, 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := placement(tt.views); !slices.Equal(got, tt.want) {
				t.Errorf("placement = %+v, want %+v", got, tt.want)
			}
		})
	}
	var out bytes.Buffer
	(&Summary{Placement: []NodePlacement{{a, 2, 1}, {b, 3, 3}}}).Print(&out)
	for _, w := range []string{"  placement  2 bots on " + a + " (1 by a redirect)\n", "             3 bots on " + b + " (3 by a redirect)\n"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("printed summary lacks %q:\n%s", w, out.String())
		}
	}
}
