package loadtest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// ServerSample is one reading of a server's own figures. Counters count from the server's start.
type ServerSample struct {
	Tick             Histogram // step durations, seconds, over every game
	TickMax          float64   // seconds
	Late, Missed     float64
	SnapshotsDropped float64
	CPUSeconds       float64 // user + system time of the server's process
	SystemCPUSeconds float64 // of which in the kernel (system calls, the TCP stack); 0 when unknown
	PeakRSS          int64   // bytes
}

// Probe reads a server's figures.
type Probe interface {
	Sample(ctx context.Context) (ServerSample, error)
}

// ServerProbe reads the metrics of a server's admin listener and, given the process id of a server
// on this machine, its CPU time and peak RSS from /proc (Linux), which then win over the metrics'.
type ServerProbe struct {
	// AdminURL is the admin listener, as http://host:port. Empty: no metrics.
	AdminURL string
	// PID is the server's process id; 0 when it runs elsewhere.
	PID int
	// Client makes the requests. Defaults to a client with a 10 s timeout.
	Client *http.Client
}

// Sample implements Probe.
func (p *ServerProbe) Sample(ctx context.Context) (ServerSample, error) {
	var s ServerSample
	var errs []error
	if p.AdminURL != "" {
		fams, err := p.scrape(ctx)
		if err != nil {
			errs = append(errs, err)
		} else {
			s = sampleFromMetrics(fams)
		}
	}
	if p.PID > 0 {
		u, err := ReadProc(p.PID)
		if err != nil {
			errs = append(errs, err)
		} else {
			s.CPUSeconds, s.SystemCPUSeconds, s.PeakRSS = u.UserSeconds+u.SystemSeconds, u.SystemSeconds, u.PeakRSS
		}
	}
	return s, errors.Join(errs...)
}

func (p *ServerProbe) scrape(ctx context.Context) (map[string]*dto.MetricFamily, error) {
	client := p.Client
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(p.AdminURL, "/")+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("scrape the server's metrics: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("scrape the server's metrics: %s", resp.Status)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("parse the server's metrics: %w", err)
	}
	return fams, nil
}

// sampleFromMetrics reads a sample from tickwire's metrics (see server/metrics), summing over games.
func sampleFromMetrics(fams map[string]*dto.MetricFamily) ServerSample {
	s := ServerSample{
		Tick:             sumHistograms(fams["tickwire_tick_duration_seconds"]),
		Late:             sum(fams["tickwire_ticks_late_total"]),
		Missed:           sum(fams["tickwire_ticks_missed_total"]),
		SnapshotsDropped: sum(fams["tickwire_snapshots_dropped_total"]),
		CPUSeconds:       sum(fams["process_cpu_seconds_total"]),
		PeakRSS:          int64(sum(fams["tickwire_process_peak_rss_bytes"])),
	}
	if f := fams["tickwire_tick_duration_max_seconds"]; f != nil {
		for _, m := range f.Metric {
			s.TickMax = math.Max(s.TickMax, m.GetGauge().GetValue())
		}
	}
	return s
}

func sum(f *dto.MetricFamily) float64 {
	if f == nil {
		return 0
	}
	var t float64
	for _, m := range f.Metric {
		switch {
		case m.Counter != nil:
			t += m.Counter.GetValue()
		case m.Gauge != nil:
			t += m.Gauge.GetValue()
		case m.Untyped != nil:
			t += m.Untyped.GetValue()
		}
	}
	return t
}

// sumHistograms adds the histograms of a family, which share their buckets.
func sumHistograms(f *dto.MetricFamily) Histogram {
	var h Histogram
	if f == nil {
		return h
	}
	for _, m := range f.Metric {
		mh := m.GetHistogram()
		if mh == nil {
			continue
		}
		var bounds, counts []float64
		for _, b := range mh.Bucket {
			bounds = append(bounds, b.GetUpperBound())
			counts = append(counts, float64(b.GetCumulativeCount()))
		}
		if len(bounds) == 0 || !math.IsInf(bounds[len(bounds)-1], 1) {
			bounds = append(bounds, math.Inf(1))
			counts = append(counts, float64(mh.GetSampleCount()))
		}
		if h.Bounds == nil {
			h = Histogram{Bounds: bounds, Counts: counts}
			continue
		}
		if !slices.Equal(h.Bounds, bounds) {
			continue // not the same buckets: cannot be added
		}
		for i := range counts {
			h.Counts[i] += counts[i]
		}
	}
	return h
}

// clockTicks is the unit of /proc/<pid>/stat's times: USER_HZ, 100 on every Linux architecture Go
// runs on.
const clockTicks = 100

// ProcUsage is a process's resource use as /proc reports it.
type ProcUsage struct {
	UserSeconds, SystemSeconds float64 // CPU time of all its threads
	PeakRSS                    int64   // peak resident set size (VmHWM), bytes
}

// ReadProc reads a process's CPU times from /proc/<pid>/stat and its peak resident set size from
// /proc/<pid>/status.
func ReadProc(pid int) (ProcUsage, error) {
	var u ProcUsage
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return u, err
	}
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return u, err
	}
	if u.UserSeconds, u.SystemSeconds, err = parseStatCPU(string(stat)); err != nil {
		return u, err
	}
	u.PeakRSS, err = parseStatusHWM(string(status))
	return u, err
}

// parseStatCPU reads utime and stime, fields 14 and 15 of /proc/<pid>/stat, in seconds. The command
// name, field 2, is in parentheses and may hold spaces and parentheses, so fields are counted after
// its last ')'.
func parseStatCPU(stat string) (user, system float64, err error) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, 0, fmt.Errorf("/proc stat: no command name")
	}
	f := strings.Fields(stat[i+1:]) // f[0] is field 3, the state
	if len(f) < 13 {
		return 0, 0, fmt.Errorf("/proc stat: %d fields after the command name", len(f))
	}
	utime, err1 := strconv.ParseUint(f[11], 10, 64)
	stime, err2 := strconv.ParseUint(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, 0, fmt.Errorf("/proc stat: %w", err)
	}
	return float64(utime) / clockTicks, float64(stime) / clockTicks, nil
}

// LoadAverage returns the machine's one-minute load average from /proc/loadavg, or -1.
func LoadAverage() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return -1
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return -1
	}
	v, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return -1
	}
	return v
}

// MachineCPU is the machine's CPU time over all its cores since boot, from the first line of
// /proc/stat, in clock ticks: all of it, and what the hypervisor gave to others while this machine
// wanted to run (steal).
type MachineCPU struct{ Total, Steal uint64 }

// ReadMachineCPU reads /proc/stat; ok is false where it cannot.
func ReadMachineCPU() (c MachineCPU, ok bool) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return c, false
	}
	c, err = parseMachineCPU(string(b))
	return c, err == nil
}

// parseMachineCPU reads the "cpu" line of /proc/stat: user, nice, system, idle, iowait, irq,
// softirq, steal, then guest times, which user and nice already include.
func parseMachineCPU(stat string) (MachineCPU, error) {
	line, _, _ := strings.Cut(stat, "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return MachineCPU{}, fmt.Errorf("/proc/stat: first line %q", line)
	}
	var c MachineCPU
	for i, field := range f[1:9] {
		v, err := strconv.ParseUint(field, 10, 64)
		if err != nil {
			return MachineCPU{}, fmt.Errorf("/proc/stat: %w", err)
		}
		c.Total += v
		if i == 7 {
			c.Steal = v
		}
	}
	return c, nil
}

// StealPercent returns the share of the machine's CPU time between two readings that its host took
// away (steal), in percent, or -1 when nothing was counted.
func StealPercent(start, end MachineCPU) float64 {
	if end.Total <= start.Total || end.Steal < start.Steal {
		return -1
	}
	return 100 * float64(end.Steal-start.Steal) / float64(end.Total-start.Total)
}

// parseStatusHWM reads the VmHWM line of /proc/<pid>/status ("VmHWM:    12345 kB").
func parseStatusHWM(status string) (int64, error) {
	for line := range strings.Lines(status) {
		rest, ok := strings.CutPrefix(line, "VmHWM:")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) != 2 || f[1] != "kB" {
			return 0, fmt.Errorf("/proc status: VmHWM line %q", strings.TrimSpace(line))
		}
		kb, err := strconv.ParseInt(f[0], 10, 64)
		return kb * 1024, err
	}
	return 0, fmt.Errorf("/proc status: no VmHWM line")
}
