package ui

import (
	"image"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"
)

// Scene is one screen of the client: the title, the connecting screen, the game.
type Scene interface {
	// Update advances the scene by one tick; it is where all logic happens.
	Update(ctx *Context) error
	// Draw draws the scene as of the last Update. It only reads state.
	Draw(screen *ebiten.Image, ctx *Context)
}

// Context is what every scene gets: the screen's size, the theme, this tick's taps and the manager
// to switch scenes with.
type Context struct {
	W, H  int     // screen size in device pixels
	Scale float64 // device pixels per CSS pixel; 1 on ordinary displays, 2 or more on HiDPI ones
	Theme *Theme
	// Tick counts Updates since the client started.
	Tick int
	// Taps are the points released this tick by a mouse button or a finger.
	Taps []image.Point
	// Touch reports whether a touch screen has been used, so touch controls should be shown.
	Touch bool

	manager  *Manager
	touchIDs []ebiten.TouchID
}

// GoTo switches to scene s from the next tick on, fading it in.
func (c *Context) GoTo(s Scene) { c.manager.GoTo(s) }

// Switch switches to scene s from the next tick on, without a fade.
func (c *Context) Switch(s Scene) { c.manager.Switch(s) }

// Tapped reports whether a tap of this tick landed in r.
func (c *Context) Tapped(r image.Rectangle) bool {
	for _, p := range c.Taps {
		if p.In(r) {
			return true
		}
	}
	return false
}

// Px returns n CSS pixels in device pixels.
func (c *Context) Px(n float64) float64 { return n * c.Scale }

// Manager runs one scene at a time and fades between them.
type Manager struct {
	ctx     Context
	current Scene
	fade    int // ticks of fade-in left
}

const fadeTicks = 15

// NewManager returns a manager showing first (nothing, an empty screen, if nil).
func NewManager(first Scene) *Manager {
	m := &Manager{current: first, ctx: Context{Scale: 1, W: 1, H: 1}}
	m.ctx.manager = m
	m.ctx.Theme = NewTheme()
	return m
}

// GoTo switches to s, fading it in.
func (m *Manager) GoTo(s Scene) {
	m.current = s
	m.fade = fadeTicks
}

// Switch switches to s at once, without a fade.
func (m *Manager) Switch(s Scene) {
	m.current = s
	m.fade = 0
}

// Context returns the context the scenes get: the screen's size and scale as of the last Layout.
func (m *Manager) Context() *Context { return &m.ctx }

// Current returns the scene being shown.
func (m *Manager) Current() Scene { return m.current }

// Layout records the screen's size and scale; call it from the game's Layout.
func (m *Manager) Layout(w, h int, scale float64) {
	m.ctx.W, m.ctx.H, m.ctx.Scale = max(w, 1), max(h, 1), scale
	m.ctx.Theme.setScale(scale)
}

// Update gathers this tick's input and updates the current scene.
func (m *Manager) Update() error {
	c := &m.ctx
	c.Tick++
	c.Taps = c.Taps[:0]
	if inpututil.IsMouseButtonJustReleased(ebiten.MouseButtonLeft) {
		c.Taps = append(c.Taps, image.Pt(ebiten.CursorPosition()))
	}
	c.touchIDs = inpututil.AppendJustReleasedTouchIDs(c.touchIDs[:0])
	for _, id := range c.touchIDs {
		c.Taps = append(c.Taps, image.Pt(inpututil.TouchPositionInPreviousTick(id)))
	}
	if len(c.touchIDs) > 0 || len(ebiten.AppendTouchIDs(c.touchIDs[:0])) > 0 {
		c.Touch = true
	}
	if m.fade > 0 {
		m.fade--
	}
	if m.current == nil {
		return nil
	}
	return m.current.Update(c)
}

// Draw draws the current scene, darkened while it fades in.
func (m *Manager) Draw(screen *ebiten.Image) {
	if m.current == nil {
		screen.Fill(Background)
		return
	}
	m.current.Draw(screen, &m.ctx)
	if m.fade > 0 {
		a := float32(m.fade) / fadeTicks
		FillRect(screen, 0, 0, float32(m.ctx.W), float32(m.ctx.H), Background, a)
	}
}
