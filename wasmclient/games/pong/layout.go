package pong

import (
	"image"
	"math"

	"github.com/tickwire/tickwire/shared/games/pong"
	"github.com/tickwire/tickwire/wasmclient/ui"
)

// The layout. On a screen wider than tall the field lies as the rules define it, the left side on
// the left, with the names and scores above it. On a screen taller than wide (a phone held
// upright) the field is turned a quarter so that its long side runs down the screen, the player's
// own side at the bottom, under the thumb: on a 390×844 phone the turned field is drawn at 0.61
// CSS pixels per field pixel instead of 0.38 lying down, 2.6 times the area, and the paddle
// moves left and right under a finger. The opponent's name and score sit above the field, the
// player's own below it. With a touch screen, a bar of emote buttons sits at the bottom.

// Turn says how the field is turned on the screen.
type Turn int

const (
	Flat        Turn = iota // as the rules define it: the left side on the left
	LeftBottom              // a quarter turn: the left side at the bottom, field y running rightward
	RightBottom             // the other quarter turn: the right side at the bottom
)

// Fit is the transform from field pixels to screen pixels: the field scaled by K, turned by Turn,
// with its screen bounding box's top-left corner at (X, Y).
type Fit struct {
	K, X, Y float64
	Turn    Turn
}

var fieldW, fieldH = px(pong.Width), px(pong.Height)

// Screen returns the screen point of field point (x, y).
func (f Fit) Screen(x, y float64) (float64, float64) {
	switch f.Turn {
	case LeftBottom:
		return f.X + y*f.K, f.Y + (fieldW-x)*f.K
	case RightBottom:
		return f.X + (fieldH-y)*f.K, f.Y + x*f.K
	}
	return f.X + x*f.K, f.Y + y*f.K
}

// Field returns the field point of screen point (sx, sy): Screen's inverse.
func (f Fit) Field(sx, sy float64) (x, y float64) {
	u, v := (sx-f.X)/f.K, (sy-f.Y)/f.K
	switch f.Turn {
	case LeftBottom:
		return fieldW - v, u
	case RightBottom:
		return v, fieldH - u
	}
	return u, v
}

// Rect returns the screen rectangle (x, y, w, h) of the field rectangle with corners (x0, y0)
// and (x1, y1).
func (f Fit) Rect(x0, y0, x1, y1 float64) (x, y, w, h float64) {
	ax, ay := f.Screen(x0, y0)
	bx, by := f.Screen(x1, y1)
	return min(ax, bx), min(ay, by), math.Abs(bx - ax), math.Abs(by - ay)
}

// Size returns the field's size on the screen.
func (f Fit) Size() (w, h float64) {
	if f.Turn == Flat {
		return fieldW * f.K, fieldH * f.K
	}
	return fieldH * f.K, fieldW * f.K
}

// Toward returns the screen direction (a unit step along x or y) from the paddle on side toward
// the field's middle.
func (f Fit) Toward(side pong.Side) (dx, dy float64) {
	x0, y0 := f.Screen(px(pong.PaddleX(side)), fieldH/2)
	x1, y1 := f.Screen(fieldW/2, fieldH/2)
	switch {
	case math.Abs(x1-x0) >= math.Abs(y1-y0):
		return math.Copysign(1, x1-x0), 0
	default:
		return 0, math.Copysign(1, y1-y0)
	}
}

// FitField returns the flat transform for a w×h screen with margin pixels around the field and
// top pixels above it for the scores.
func FitField(w, h, margin, top float64) Fit {
	return fitBox(margin, top, w-2*margin, h-top-margin, Flat)
}

// fitBox fits the field, turned by turn, in the box (x, y, w, h), as large as it goes, centred.
func fitBox(x, y, w, h float64, turn Turn) Fit {
	fw, fh := fieldW, fieldH
	if turn != Flat {
		fw, fh = fh, fw
	}
	k := max(min(w/fw, h/fh), 0.05)
	return Fit{K: k, X: x + (w-fw*k)/2, Y: y + (h-fh*k)/2, Turn: turn}
}

// Layout is where everything goes on a screen, in device pixels.
type Layout struct {
	W, H    float64
	Fit     Fit
	Upright bool // the screen is taller than wide: the field is turned
	// Status is the status line's box, top left.
	Status image.Rectangle
	// Rows are the name and score lines of each side: the point the line is centred on vertically,
	// and the left and right ends it must stay within.
	Rows [2]Row
	// HelpY is the middle of the help line, which is centred on the screen.
	HelpY float64
	// Emotes are the emote buttons, by emote; empty without a touch screen.
	Emotes [pong.NumEmotes]image.Rectangle
}

// Row is a side's name and score line.
type Row struct {
	Y, Left, Right float64
	// Centred says the row is one half of a flat layout's line: the score near the middle, the
	// name beyond it (toward Left on the left side, Right on the right); else the name starts at
	// Left and the score ends at Right.
	Centred bool
}

// Sizes of the layout's parts, in CSS pixels.
const (
	layMargin  = 10
	layStatusH = 28
	layRowH    = 56  // a name and score line
	layHelpH   = 22  // the help line
	layEmoteH  = 44  // the emote buttons (touch only)
	layEmoteW  = 84  // at most, each
	layFlatTop = 100 // above a flat field: the status and the names
)

// LayoutFor lays pong out on a w×h screen (device pixels, scale of them per CSS pixel). touch adds
// the emote buttons; mine is the side drawn at the bottom of an upright screen (the player's own;
// the left for a spectator).
func LayoutFor(w, h, scale float64, touch bool, mine pong.Side) Layout {
	l := Layout{W: w, H: h, Upright: h > w}
	px := func(v float64) float64 { return v * scale }
	m := px(layMargin)
	l.Status = image.Rect(int(m), int(m), int(w-m), int(m+px(layStatusH)))
	bottom := px(layHelpH) + m
	if touch {
		bottom += px(layEmoteH) + px(6)
	}
	if l.Upright {
		top := m + px(layStatusH) + px(layRowH)
		turn := LeftBottom
		if mine == pong.Right {
			turn = RightBottom
		}
		l.Fit = fitBox(m, top, w-2*m, h-top-px(layRowH)-bottom, turn)
		fw, fh := l.Fit.Size()
		l.Fit.Y = top // the rows hug the field; the slack goes below
		far := 1 - mine
		l.Rows[far] = Row{Y: top - px(layRowH)/2, Left: l.Fit.X, Right: l.Fit.X + fw}
		l.Rows[mine] = Row{Y: top + fh + px(layRowH)/2, Left: l.Fit.X, Right: l.Fit.X + fw}
		l.HelpY = top + fh + px(layRowH) + px(layHelpH)/2
	} else {
		l.Fit = fitBox(m, px(layFlatTop), w-2*m, h-px(layFlatTop)-bottom, Flat)
		_, fh := l.Fit.Size()
		y := l.Fit.Y - px(30)
		mid := w / 2
		l.Rows[pong.Left] = Row{Y: y, Left: m, Right: mid, Centred: true}
		l.Rows[pong.Right] = Row{Y: y, Left: mid, Right: w - m, Centred: true}
		l.HelpY = l.Fit.Y + fh + px(layHelpH)/2 + px(4)
	}
	// The app's net graph button sits at the top left: a row beside it starts after it.
	net := ui.NetGraphButton(scale)
	for i := range l.Rows {
		r := &l.Rows[i]
		if r.Y-px(layRowH)/2 < float64(net.Max.Y) && r.Y+px(layRowH)/2 > float64(net.Min.Y) {
			r.Left = max(r.Left, float64(net.Max.X)+px(8))
		}
	}
	if touch {
		n := float64(pong.NumEmotes)
		gap := px(8)
		bw := min(px(layEmoteW), (w-2*m-(n-1)*gap)/n)
		x := (w - (n*bw + (n-1)*gap)) / 2
		y := min(h-m-px(layEmoteH), l.HelpY+px(layHelpH)/2+px(6))
		for i := range l.Emotes {
			x0 := x + float64(i)*(bw+gap)
			l.Emotes[i] = image.Rect(int(x0), int(y), int(x0+bw), int(y+px(layEmoteH)))
		}
	}
	return l
}

// EmoteAt returns the emote whose button holds point p, or -1.
func (l *Layout) EmoteAt(p image.Point) int {
	for i, r := range l.Emotes {
		if !r.Empty() && p.In(r) {
			return i
		}
	}
	return -1
}

// Fit shortens s with an ellipsis until measure says it is at most width wide ("" when not even
// the ellipsis fits).
func FitText(s string, width float64, measure func(string) float64) string {
	if measure(s) <= width {
		return s
	}
	r := []rune(s)
	for n := len(r) - 1; n > 0; n-- {
		t := string(r[:n]) + "…"
		if measure(t) <= width {
			return t
		}
	}
	if measure("…") <= width {
		return "…"
	}
	return ""
}
