package ui

// The net graph's pure half: where things go, how each row is scaled, and how values read. It
// does not import Ebiten, so that all of it is tested natively with tables.

import (
	"image"
	"math"
	"strconv"
)

// The net graph's sizes, in CSS pixels.
const (
	netMargin     = 12  // from the screen's left edge, like the games' status lines
	netButtonTop  = 48  // under the games' status line (12 + 28 + 8)
	netButtonW    = 46  // the NET button
	netButtonH    = 22  //
	netGap        = 6   // between the button and the panel
	netPanelW     = 320 // the panel at its widest
	netPad        = 10  // inside the panel
	netHeaderH    = 22  // the panel's title line
	netRowH       = 28  // one series
	netMinRowH    = 18  // one series, squeezed on a short screen
	netBottom     = 112 // kept clear at the bottom when rows are squeezed: the arena's score
	netSparkInset = 4   // the sparkline's space above and below, inside its row
	netLabelW     = 150 // the label column: name at its start, value at its end
	netColumnGap  = 10  // between the label column and the sparkline
	netMinSparkW  = 40  // the sparkline at its narrowest, on a very narrow screen
)

// NetSparkSlots is the number of samples a sparkline's width holds: fewer values are drawn from the
// right edge at the same spacing, so that a graph filling up scrolls rather than stretches; more
// are squeezed to fit.
const NetSparkSlots = 60

// NetGraphRow is where one series of the net graph goes, in device pixels.
type NetGraphRow struct {
	Label image.Rectangle // the name starts at its left, the value ends at its right, both centred
	Spark image.Rectangle // the sparkline's box
}

// NetGraphLayout places the net graph on the screen, in device pixels: its toggle button, and
// under it the panel with a header and one row per series.
type NetGraphLayout struct {
	Button image.Rectangle
	Panel  image.Rectangle
	Header image.Rectangle // the title line, inside the panel's padding
	Rows   []NetGraphRow
}

// LayoutNetGraph lays the net graph out on a w×h screen (device pixels, scale device pixels per CSS
// pixel) for rows series, with at least one row (for "no data"). On a short screen the rows are
// squeezed, down to a minimum, to keep the bottom of the screen (the games' score) clear. It
// appends the rows to dst[:0], so that passing the last layout's Rows makes it allocation-free.
func LayoutNetGraph(w, h int, scale float64, rows int, dst []NetGraphRow) NetGraphLayout {
	if scale <= 0 {
		scale = 1
	}
	px := func(n float64) int { return int(math.Round(n * scale)) }
	rows = max(rows, 1)
	m := px(netMargin)
	l := NetGraphLayout{Button: NetGraphButton(scale)}

	// As wide as it may be, but never wider than the screen less the margins.
	pw := min(px(netPanelW), w-2*m)
	pad := px(netPad)
	labelW := px(netLabelW)
	sparkW := max(px(netMinSparkW), pw-2*pad-labelW-px(netColumnGap))
	pw = 2*pad + labelW + px(netColumnGap) + sparkW
	top := l.Button.Max.Y + px(netGap)
	l.Header = image.Rect(m+pad, top+pad/2, m+pw-pad, top+pad/2+px(netHeaderH))

	l.Rows = dst[:0]
	y := l.Header.Max.Y
	rowH := min(px(netRowH), max(px(netMinRowH), (h-px(netBottom)-y-pad/2)/rows))
	inset := int(math.Round(float64(rowH) * netSparkInset / netRowH))
	for range rows {
		label := image.Rect(m+pad, y, m+pad+labelW, y+rowH)
		sx := label.Max.X + px(netColumnGap)
		l.Rows = append(l.Rows, NetGraphRow{Label: label, Spark: image.Rect(sx, y+inset, sx+sparkW, y+rowH-inset)})
		y += rowH
	}
	l.Panel = image.Rect(m, top, m+pw, y+pad/2)
	return l
}

// NetGraphButton returns where the net graph's toggle button is, in device pixels at scale device
// pixels per CSS pixel: at the top left, under the games' status line, clear of the arena's touch
// controls (its dash button is at the bottom right, its stick is wherever a finger goes down on
// the left half, and a finger merely put down there does not move) and of both games' HUDs.
func NetGraphButton(scale float64) image.Rectangle {
	if scale <= 0 {
		scale = 1
	}
	px := func(n float64) int { return int(math.Round(n * scale)) }
	return image.Rect(px(netMargin), px(netButtonTop), px(netMargin)+px(netButtonW), px(netButtonTop+netButtonH))
}

// SparkRange returns the range a sparkline of values is drawn over: from 0 (or the smallest
// value, if negative) up to the largest value rounded up to 1, 2 or 5 times a power of ten. The
// top is never below a floor, so that a line of zeros lies flat at the bottom and tiny wobbles
// stay tiny: a quarter of warn (a 5 ms ping does not fill a row meant for 150 ms), and at least 1.
// Values that are not finite are left out.
func SparkRange(values []float64, warn float64) (lo, hi float64) {
	for _, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		lo, hi = min(lo, v), max(hi, v)
	}
	floor := 1.0
	if warn > 0 && !math.IsInf(warn, 0) {
		floor = max(floor, warn/4)
	}
	hi = NiceCeil(max(hi, floor))
	if lo < 0 {
		lo = -NiceCeil(-lo)
	}
	return lo, hi
}

// NiceCeil returns the smallest of 1, 2 and 5 times a power of ten that is at least v, for v > 0;
// 0 for anything else.
func NiceCeil(v float64) float64 {
	if !(v > 0) || math.IsInf(v, 0) {
		return 0
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, k := range []float64{1, 2, 5, 10} {
		// A little slack, so that 0.3 or 200 (inexact after the division) is not rounded up.
		if v <= k*p*(1+1e-9) {
			return k * p
		}
	}
	return 10 * p
}

// SparkY maps value v of a sparkline drawn over [lo, hi] to a y between top (hi) and bottom (lo),
// clamped to them; a value that is not a number goes to the bottom.
func SparkY(v, lo, hi, top, bottom float64) float64 {
	if math.IsNaN(v) || hi <= lo {
		return bottom
	}
	k := max(0, min(1, (v-lo)/(hi-lo)))
	return bottom - k*(bottom-top)
}

// SparkX returns the x of value i of n in a sparkline from left to right: the newest (i = n-1) at
// right, the others [NetSparkSlots] to the width apart, or closer if there are more.
func SparkX(i, n int, left, right float64) float64 {
	slots := max(n, NetSparkSlots, 2)
	return right - float64(n-1-i)*(right-left)/float64(slots-1)
}

// OverWarn reports whether v is above warn, the level from which a measure is bad; a warn of 0
// or less means there is none.
func OverWarn(v, warn float64) bool { return warn > 0 && v > warn }

// AppendValue appends v in unit, as the net graph's labels show it, to dst: "152 ms", "2.5 ms",
// "30/s", "1.2 kB/s". Units that count bytes (those that start with "B") take SI prefixes (k, M,
// G); a unit that starts with "/" or "%" follows the number without a space. Values under 10 keep
// one decimal unless whole; a value that is not finite is shown as a lone "–".
func AppendValue(dst []byte, v float64, unit string) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return append(dst, "–"...)
	}
	prefix := ""
	if len(unit) > 0 && unit[0] == 'B' {
		for _, p := range []string{"k", "M", "G"} {
			if math.Abs(v) < 999.5 {
				break
			}
			v, prefix = v/1000, p
		}
	}
	dst = appendNumber(dst, v)
	if unit == "" {
		return dst
	}
	if prefix != "" || (unit[0] != '/' && unit[0] != '%') {
		dst = append(dst, ' ')
	}
	return append(append(dst, prefix...), unit...)
}

// appendNumber appends v with one decimal under 10 (unless it is whole at that precision) and none
// from 10 on.
func appendNumber(dst []byte, v float64) []byte {
	if r := math.Round(v*10) / 10; math.Abs(r) < 10 && r != math.Trunc(r) {
		return strconv.AppendFloat(dst, r, 'f', 1, 64)
	}
	r := math.Round(v)
	if r == 0 {
		r = 0 // not -0
	}
	return strconv.AppendFloat(dst, r, 'f', 0, 64)
}
