package ui

import (
	"image"
	"image/color"
	"math"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/tickwire/tickwire/wasmclient/netcode"
)

// NetGraph draws the net graph: a translucent panel under the NET button with one row per series,
// its name, its newest value and a sparkline of its recent values, each row scaled to its own
// values. Values above a series' warn level are drawn in [Warn].
//
// It keeps its buffers between frames, so that drawing allocates nothing once the labels' values
// hold still (a changed value formats a new label). The zero value is ready; it is not safe for
// concurrent use.
type NetGraph struct {
	layout NetGraphLayout
	vs     []ebiten.Vertex
	is     []uint32
	labels []netLabel
	buf    []byte
	op     ebiten.DrawTrianglesOptions
}

// netLabel is a row's formatted value, kept until the value changes.
type netLabel struct {
	bits uint64 // the value's bits: NaN never equals itself
	unit string
	text string
}

// Opacities of a sparkline's parts other than its line.
const (
	netFillAlpha = 0.18 // the area under the line
	netGuideA    = 0.45 // the warn level's line
	netBaseA     = 0.25 // the zero line
)

// white is a white pixel to draw triangles with: the middle of a 3×3 image, so that sampling never
// reaches an edge.
var white *ebiten.Image

func whitePixel() *ebiten.Image {
	if white == nil {
		img := ebiten.NewImage(3, 3)
		img.Fill(color.White)
		white = img.SubImage(image.Rect(1, 1, 2, 2)).(*ebiten.Image)
	}
	return white
}

// Draw draws series (see [netcode.Series]) in the net graph's panel; none draws the panel saying
// "no data".
func (g *NetGraph) Draw(dst *ebiten.Image, ctx *Context, series []netcode.Series) {
	g.layout = LayoutNetGraph(ctx.W, ctx.H, ctx.Scale, len(series), g.layout.Rows)
	l := &g.layout
	Panel(dst, ctx, l.Panel)
	th := ctx.Theme
	small, bold := th.Face(Small), th.Bold(Small)
	hy := float64(l.Header.Min.Y+l.Header.Max.Y) / 2
	Text(dst, "NET GRAPH", bold, float64(l.Header.Min.X), hy, Start, Center, Muted)
	if !ctx.Touch {
		Text(dst, "F3", small, float64(l.Header.Max.X), hy, End, Center, Muted)
	}
	if len(series) == 0 {
		r := l.Rows[0].Label
		Text(dst, "no data", small, float64(r.Min.X), float64(r.Min.Y+r.Max.Y)/2, Start, Center, Muted)
		return
	}

	g.vs, g.is = g.vs[:0], g.is[:0]
	for i := range series {
		s, r := &series[i], l.Rows[i]
		cy := float64(r.Label.Min.Y+r.Label.Max.Y) / 2
		Text(dst, s.Name, small, float64(r.Label.Min.X), cy, Start, Center, Muted)
		c := TextColor
		if len(s.Values) > 0 && OverWarn(s.Last(), s.Warn) {
			c = Warn
		}
		Text(dst, g.value(i, s), bold, float64(r.Label.Max.X), cy, End, Center, c)
		g.sparkline(s, r.Spark, ctx.Px(1.5), max(1, math.Round(ctx.Px(1))))
	}
	if len(g.is) > 0 {
		g.op.AntiAlias = true
		dst.DrawTriangles32(g.vs, g.is, whitePixel(), &g.op)
	}
}

// value returns row i's newest value as text, formatted again only when it changed.
func (g *NetGraph) value(i int, s *netcode.Series) string {
	if len(s.Values) == 0 {
		return "–"
	}
	for len(g.labels) <= i {
		g.labels = append(g.labels, netLabel{})
	}
	l := &g.labels[i]
	v := s.Last()
	if b := math.Float64bits(v); l.text == "" || l.bits != b || l.unit != s.Unit {
		l.bits, l.unit = b, s.Unit
		g.buf = AppendValue(g.buf[:0], v, s.Unit)
		if string(g.buf) != l.text { // the comparison does not allocate; most changes read the same
			l.text = string(g.buf)
		}
	}
	return l.text
}

// sparkline appends the triangles of s's sparkline in box r to the vertex buffers: a line of width
// lw over a faint area down to the zero line, in [Warn] where the values are above s.Warn, a thin
// zero line and, when it is in range, a line at the warn level (both hairline high).
func (g *NetGraph) sparkline(s *netcode.Series, r image.Rectangle, lw, hairline float64) {
	left, right := float64(r.Min.X), float64(r.Max.X)
	top, bottom := float64(r.Min.Y), float64(r.Max.Y)
	lo, hi := SparkRange(s.Values, s.Warn)
	zero := math.Round(SparkY(0, lo, hi, top, bottom))
	base := min(zero, bottom-hairline) // inside the box when zero is its bottom
	g.rect(left, base, right, base+hairline, Muted, netBaseA)
	if s.Warn > lo && s.Warn < hi {
		y := math.Round(SparkY(s.Warn, lo, hi, top, bottom))
		g.rect(left, y, right, y+hairline, Warn, netGuideA)
	}
	n := len(s.Values)
	if n == 0 {
		return
	}
	if n == 1 { // a dot, until there is a line to draw
		y := SparkY(s.Values[0], lo, hi, top, bottom)
		g.rect(right-lw, y-lw, right, y+lw, lineColor(s.Values[0], s.Values[0], s.Warn), 1)
		return
	}
	// The areas first, then the line over them.
	for i := 1; i < n; i++ {
		v0, v1 := s.Values[i-1], s.Values[i]
		x0, x1 := SparkX(i-1, n, left, right), SparkX(i, n, left, right)
		y0, y1 := SparkY(v0, lo, hi, top, bottom), SparkY(v1, lo, hi, top, bottom)
		g.quad(x0, y0, x0, zero, x1, y1, x1, zero, lineColor(v0, v1, s.Warn), netFillAlpha)
	}
	for i := 1; i < n; i++ {
		v0, v1 := s.Values[i-1], s.Values[i]
		x0, x1 := SparkX(i-1, n, left, right), SparkX(i, n, left, right)
		y0, y1 := SparkY(v0, lo, hi, top, bottom), SparkY(v1, lo, hi, top, bottom)
		g.segment(x0, y0, x1, y1, lw, lineColor(v0, v1, s.Warn))
	}
}

// lineColor is the colour of the stretch of sparkline between values v0 and v1: [Warn] if either
// is above warn.
func lineColor(v0, v1, warn float64) color.RGBA {
	if OverWarn(v0, warn) || OverWarn(v1, warn) {
		return Warn
	}
	return Good
}

// segment appends a line from (x0, y0) to (x1, y1) of width w, its ends squared off half a width
// past the points so that the joints between segments have no gaps.
func (g *NetGraph) segment(x0, y0, x1, y1, w float64, c color.RGBA) {
	dx, dy := x1-x0, y1-y0
	d := math.Hypot(dx, dy)
	if d == 0 {
		return
	}
	ux, uy := dx/d*w/2, dy/d*w/2 // along the line, half a width
	x0, y0, x1, y1 = x0-ux, y0-uy, x1+ux, y1+uy
	g.quad(x0-uy, y0+ux, x0+uy, y0-ux, x1-uy, y1+ux, x1+uy, y1-ux, c, 1)
}

// rect appends an axis-aligned rectangle.
func (g *NetGraph) rect(x0, y0, x1, y1 float64, c color.RGBA, alpha float32) {
	g.quad(x0, y0, x0, y1, x1, y0, x1, y1, c, alpha)
}

// quad appends the quadrilateral with corners a, b (one side) and c, d (the side opposite, in the
// same order) in colour col at opacity alpha.
func (g *NetGraph) quad(ax, ay, bx, by, cx, cy, dx, dy float64, col color.RGBA, alpha float32) {
	base := uint32(len(g.vs))
	r, gr, b := float32(col.R)/255, float32(col.G)/255, float32(col.B)/255
	for _, p := range [4][2]float64{{ax, ay}, {bx, by}, {cx, cy}, {dx, dy}} {
		g.vs = append(g.vs, ebiten.Vertex{DstX: float32(p[0]), DstY: float32(p[1]), SrcX: 1, SrcY: 1,
			ColorR: r, ColorG: gr, ColorB: b, ColorA: alpha})
	}
	g.is = append(g.is, base, base+1, base+2, base+1, base+3, base+2)
}

// DrawNetGraphButton draws the net graph's toggle button (see [NetGraphButton]): a small "NET"
// pill, lit while the graph is shown.
func DrawNetGraphButton(dst *ebiten.Image, ctx *Context, shown bool) {
	r := NetGraphButton(ctx.Scale)
	x, y, w, h := float64(r.Min.X), float64(r.Min.Y), float64(r.Dx()), float64(r.Dy())
	hover := !ctx.Touch && image.Pt(ebiten.CursorPosition()).In(r)
	face := ctx.Theme.Bold(Small)
	if shown {
		RoundRect(dst, x, y, w, h, h/2, Accent)
		Text(dst, "NET", face, x+w/2, y+h/2, Center, Center, AccentText)
		return
	}
	edge, label := PanelEdge, Muted
	if hover {
		edge, label = Muted, TextColor
	}
	RoundRect(dst, x, y, w, h, h/2, PanelFill)
	RoundRectEdge(dst, x, y, w, h, h/2, edge)
	Text(dst, "NET", face, x+w/2, y+h/2, Center, Center, label)
}
