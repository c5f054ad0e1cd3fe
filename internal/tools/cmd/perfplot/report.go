package main

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/tickwire/tickwire/internal/tools/loadtest"
)

// The sweeps, by the prefix of their files' names: perroom-NNN.json varies the players per room
// at a fixed player count, rooms-NNN.json the number of rooms at 10 players each.
const (
	sweepPerRoom = "perroom"
	sweepRooms   = "rooms"
)

// sweepRun is one load run of a sweep.
type sweepRun struct {
	Sweep string
	File  string
	Sum   loadtest.Summary
}

// perRoom is the run's players per room.
func (r sweepRun) perRoom() float64 {
	if r.Sum.Rooms == 0 {
		return 0
	}
	return r.Sum.HoldCCU / float64(r.Sum.Rooms)
}

// x is the run's value on its sweep's axis.
func (r sweepRun) x() float64 {
	if r.Sweep == sweepPerRoom {
		return math.Round(float64(r.Sum.Bots) / float64(max(r.Sum.Rooms, 1)))
	}
	return float64(r.Sum.Rooms)
}

// serverCost is the server's CPU per player-second, µs; 0 unknown.
func (r sweepRun) serverCost() float64 {
	if r.Sum.Server == nil {
		return 0
	}
	return r.Sum.Server.MicrosPerPlayerSecond
}

// loadRuns reads the sweep's JSON files in dir (each a load tester's -json summary), sorted by
// sweep and then by their axis.
func loadRuns(dir string) ([]sweepRun, error) {
	var runs []sweepRun
	for _, sweep := range []string{sweepPerRoom, sweepRooms} {
		files, err := filepath.Glob(filepath.Join(dir, sweep+"-*.json"))
		if err != nil {
			return nil, err
		}
		var rs []sweepRun
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				return nil, err
			}
			r := sweepRun{Sweep: sweep, File: filepath.Base(f)}
			if err := json.Unmarshal(b, &r.Sum); err != nil {
				return nil, fmt.Errorf("%s: not a load tester's JSON summary: %w", f, err)
			}
			if r.Sum.Bots <= 0 || r.Sum.Rooms <= 0 {
				return nil, fmt.Errorf("%s: a sweepRun of %d bots in %d rooms is not part of a sweep (rooms are needed)", f, r.Sum.Bots, r.Sum.Rooms)
			}
			rs = append(rs, r)
		}
		slices.SortStableFunc(rs, func(a, b sweepRun) int { return cmp.Compare(a.x(), b.x()) })
		runs = append(runs, rs...)
	}
	if len(runs) == 0 {
		return nil, fmt.Errorf("no %s-*.json nor %s-*.json in %s", sweepPerRoom, sweepRooms, dir)
	}
	return runs, nil
}

// table writes the markdown table of the runs.
func table(runs []sweepRun) string {
	var b strings.Builder
	b.WriteString("| sweep | players per room | rooms | players | server CPU | server µs per player-second | bots µs per player-second | tick p50 / p99 | per client in / out | snapshots delivered | steal, load |\n")
	b.WriteString("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
	for _, r := range runs {
		s := r.Sum
		name := "players per room"
		if r.Sweep == sweepRooms {
			name = "rooms"
		}
		cores, tick := "—", "—"
		if v := s.Server; v != nil {
			cores = fmt.Sprintf("%.2f cores", v.CPUCores)
			tick = fmt.Sprintf("%s / %s ms", num(v.TickP50Millis, 3), num(v.TickP99Millis, 2))
		}
		delivered := fmt.Sprintf("%.2f of %d /s", s.SnapshotsPerSecond, s.SnapshotRate)
		if !s.KeptUp() {
			delivered += " (overloaded)"
		}
		fmt.Fprintf(&b, "| %s | %.0f | %d | %.0f | %s | %s | %s | %s | %s / %s | %s | %s, load %s |\n",
			name, r.perRoom(), s.Rooms, s.HoldCCU, cores, num(r.serverCost(), 0), num(s.BotMicrosPerPlayerSecond, 0),
			tick, bytesText(s.BytesInPerSecond), bytesText(s.BytesOutPerSecond), delivered, percent(s.StealPercent), num(s.LoadAverage, 2))
	}
	return b.String()
}

func num(v float64, prec int) string {
	if v <= 0 || math.IsNaN(v) {
		return "—"
	}
	return strconv.FormatFloat(v, 'f', prec, 64)
}

func percent(v float64) string {
	if v < 0 {
		return "steal unknown"
	}
	return fmt.Sprintf("steal %.1f%%", v)
}

func bytesText(b float64) string {
	if b >= 1000 {
		return fmt.Sprintf("%.1f kB/s", b/1000)
	}
	return fmt.Sprintf("%.0f B/s", b)
}

// Chart geometry, in SVG user units.
const (
	panelW, panelH   = 420, 300
	marginL, marginR = 64, 16
	marginT, marginB = 40, 56
	legendH          = 20
)

// svg draws the cost per player-second (the server's, and the bots') against players per room and
// against rooms, one panel each.
func svg(runs []sweepRun) string {
	var b strings.Builder
	w, h := 2*panelW, panelH+legendH
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", w, h, w, h)
	b.WriteString(`<rect width="100%" height="100%" fill="white"/>` + "\n")
	var ymax float64
	for _, r := range runs {
		ymax = max(ymax, r.serverCost(), r.Sum.BotMicrosPerPlayerSecond)
	}
	top := niceCeil(ymax * 1.1)
	panel(&b, 0, "players per room (fixed player count)", "players per room", filter(runs, sweepPerRoom), top)
	panel(&b, panelW, "rooms (10 players each)", "rooms", filter(runs, sweepRooms), top)
	// The legend, under both panels.
	lx, ly := float64(w)/2-110, float64(panelH)+8
	fmt.Fprintf(&b, `<line x1="%g" y1="%g" x2="%g" y2="%g" stroke="#1f5fbf" stroke-width="2"/><text x="%g" y="%g">server</text>`+"\n", lx, ly, lx+20, ly, lx+25, ly+4)
	fmt.Fprintf(&b, `<line x1="%g" y1="%g" x2="%g" y2="%g" stroke="#d0701c" stroke-width="2" stroke-dasharray="5 3"/><text x="%g" y="%g">bots (load tester)</text>`+"\n", lx+80, ly, lx+100, ly, lx+105, ly+4)
	b.WriteString("</svg>\n")
	return b.String()
}

func filter(runs []sweepRun, sweep string) []sweepRun {
	var out []sweepRun
	for _, r := range runs {
		if r.Sweep == sweep {
			out = append(out, r)
		}
	}
	return out
}

// panel draws one sweep at x offset ox: µs per player-second up to top against the runs' axis,
// the runs evenly spaced in order and labelled with their value.
func panel(b *strings.Builder, ox float64, title, xlabel string, runs []sweepRun, top float64) {
	x0, x1 := ox+marginL, ox+panelW-marginR
	y0, y1 := float64(panelH-marginB), float64(marginT)
	fmt.Fprintf(b, `<text x="%g" y="%d" font-weight="bold">CPU per player-second vs %s</text>`+"\n", x0, 20, title)
	fmt.Fprintf(b, `<line x1="%g" y1="%g" x2="%g" y2="%g" stroke="black"/>`+"\n", x0, y0, x1, y0)
	fmt.Fprintf(b, `<line x1="%g" y1="%g" x2="%g" y2="%g" stroke="black"/>`+"\n", x0, y0, x0, y1)
	fmt.Fprintf(b, `<text x="%g" y="%g" text-anchor="middle">%s</text>`+"\n", (x0+x1)/2, y0+40, xlabel)
	fmt.Fprintf(b, `<text x="%g" y="%g" text-anchor="middle" transform="rotate(-90 %g %g)">µs per player-second</text>`+"\n", ox+16, (y0+y1)/2, ox+16, (y0+y1)/2)
	ys := func(v float64) float64 { return y0 - (y0-y1)*v/top }
	for _, t := range ticks(top) {
		fmt.Fprintf(b, `<line x1="%g" y1="%.1f" x2="%g" y2="%.1f" stroke="#ddd"/><text x="%g" y="%.1f" text-anchor="end">%g</text>`+"\n", x0, ys(t), x1, ys(t), x0-6, ys(t)+4, t)
	}
	if len(runs) == 0 {
		fmt.Fprintf(b, `<text x="%g" y="%g" text-anchor="middle">no runs</text>`+"\n", (x0+x1)/2, (y0+y1)/2)
		return
	}
	xs := func(i int) float64 { return x0 + (x1-x0)*(float64(i)+0.5)/float64(len(runs)) }
	for i, r := range runs {
		fmt.Fprintf(b, `<text x="%.1f" y="%g" text-anchor="middle">%g</text>`+"\n", xs(i), y0+18, r.x())
	}
	series := func(cost func(sweepRun) float64, color, dash string) {
		var pts []string
		for i, r := range runs {
			if c := cost(r); c > 0 {
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", xs(i), ys(c)))
			}
		}
		if len(pts) == 0 {
			return
		}
		fmt.Fprintf(b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"%s/>`+"\n", strings.Join(pts, " "), color, dash)
		for i, r := range runs {
			if c := cost(r); c > 0 {
				fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"><title>%s: %.0f µs</title></circle>`+"\n", xs(i), ys(c), color, r.File, c)
			}
		}
	}
	series(sweepRun.serverCost, "#1f5fbf", "")
	series(func(r sweepRun) float64 { return r.Sum.BotMicrosPerPlayerSecond }, "#d0701c", ` stroke-dasharray="5 3"`)
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten (at least 1).
func niceCeil(v float64) float64 {
	if v <= 1 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

// ticks returns 5 evenly spaced values from 0 to top.
func ticks(top float64) []float64 {
	var out []float64
	for i := range 6 {
		out = append(out, top*float64(i)/5)
	}
	return out
}

// Markers around the generated table in a markdown file.
const (
	tableStart = "<!-- perfplot table: generated by `go tool mage perfreport` (internal/tools/cmd/perfplot); do not edit -->"
	tableEnd   = "<!-- end of the perfplot table -->"
)

// replaceTable returns doc with the text between its table markers replaced by tbl.
func replaceTable(doc, tbl string) (string, error) {
	i := strings.Index(doc, tableStart)
	j := strings.Index(doc, tableEnd)
	if i < 0 || j < i {
		return "", errors.New("the document has no table markers (" + tableStart + " … " + tableEnd + ")")
	}
	return doc[:i+len(tableStart)] + "\n" + tbl + doc[j:], nil
}
