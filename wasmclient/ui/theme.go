package ui

import (
	"image/color"
	"strconv"

	"github.com/hajimehoshi/ebiten/v2/text/v2"
	"github.com/tickwire/tickwire/assets"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
)

// Colours shared by every screen.
var (
	Background = color.RGBA{0x0b, 0x10, 0x1e, 0xff}
	PanelFill  = color.RGBA{0x0a, 0x0f, 0x1f, 0xc8}
	DialogFill = color.RGBA{0x0e, 0x14, 0x28, 0xff}
	PanelEdge  = color.RGBA{0x3a, 0x4a, 0x7a, 0xff}
	TextColor  = color.RGBA{0xf1, 0xf3, 0xff, 0xff}
	Muted      = color.RGBA{0x9a, 0xa6, 0xc8, 0xff}
	Accent     = color.RGBA{0xff, 0xc9, 0x3c, 0xff} // gold: buttons, highlights
	AccentText = color.RGBA{0x22, 0x18, 0x00, 0xff} // text on Accent
	Good       = color.RGBA{0x5c, 0xe0, 0x8a, 0xff}
	Warn       = color.RGBA{0xff, 0xb0, 0x4d, 0xff}
	Bad        = color.RGBA{0xff, 0x5c, 0x6c, 0xff}
)

// Size is a text size in CSS pixels.
type Size float64

// Text sizes.
const (
	Small  Size = 13
	Body   Size = 17
	Large  Size = 24
	Title  Size = 56
	Number Size = 44
)

// Theme holds the fonts and hands out faces scaled for the display, made once per size and scale.
//
// The faces are text/v2's GoXFace over golang.org/x/image's OpenType rasteriser rather than its
// GoTextFace: the screens draw a few Latin strings, which need no shaping, and GoTextFace's
// go-text/typesetting (HarfBuzz, bidi, font tables) cost 0.7 MB of the page's brotli download
// (measured with `go tool mage wasmsize`; see docs/LOADING.md).
type Theme struct {
	regular, bold *opentype.Font
	scale         float64
	faces         map[faceKey]*text.GoXFace
}

type faceKey struct {
	bold bool
	size Size
}

// NewTheme loads the embedded Go fonts. It panics if they are broken, which a test would catch.
func NewTheme() *Theme {
	return &Theme{regular: mustFont(assets.GoRegularTTF), bold: mustFont(assets.GoBoldTTF), scale: 1,
		faces: map[faceKey]*text.GoXFace{}}
}

func mustFont(ttf []byte) *opentype.Font {
	s, err := opentype.Parse(ttf)
	if err != nil {
		panic("ui: embedded font: " + err.Error())
	}
	return s
}

func (t *Theme) setScale(s float64) {
	if s != t.scale {
		t.scale = s
		clear(t.faces)
	}
}

// Face returns the regular face of a size.
func (t *Theme) Face(size Size) *text.GoXFace { return t.face(false, size) }

// Bold returns the bold face of a size.
func (t *Theme) Bold(size Size) *text.GoXFace { return t.face(true, size) }

func (t *Theme) face(bold bool, size Size) *text.GoXFace {
	k := faceKey{bold, size}
	if f := t.faces[k]; f != nil {
		return f
	}
	src := t.regular
	if bold {
		src = t.bold
	}
	// At 72 DPI a point is a pixel, and no hinting draws the outlines as GoTextFace did.
	ff, err := opentype.NewFace(src, &opentype.FaceOptions{Size: float64(size) * t.scale, DPI: 72, Hinting: font.HintingNone})
	if err != nil { // only for options out of range: a size no screen asks for
		panic("ui: font face of size " + strconv.FormatFloat(float64(size)*t.scale, 'g', -1, 64) + ": " + err.Error())
	}
	f := text.NewGoXFace(ff)
	t.faces[k] = f
	return f
}
