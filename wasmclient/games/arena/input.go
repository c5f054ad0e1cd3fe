package arena

import (
	"math"
	"slices"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"
	"github.com/tickwire/tickwire/wasmclient/ui"
)

// Controls reads the keyboard, gamepads and the touch screen and turns them into an [Intent].
//
// Touch: a finger put down on the left of the screen becomes a virtual stick there (dragging sets
// direction and strength; dragging past the rim pulls the stick along); a finger on the dash button,
// or anywhere on the right half, dashes.
type Controls struct {
	latch Latch

	stickOn        bool
	stickID        ebiten.TouchID
	ox, oy, fx, fy float64 // stick origin and finger, screen pixels
	dashTouches    []ebiten.TouchID
	touches, just  []ebiten.TouchID
	pads           []ebiten.GamepadID

	// For drawing: where the dash button is and whether it is held.
	DashX, DashY, DashR float64
	DashHeld            bool
}

// stickDead is the stick's dead zone, as a fraction of its radius.
const stickDead = 0.12

// StickRadius is how far a finger drags for full strength, in CSS pixels.
const StickRadius = 56

// Knob reports whether the virtual stick is in use, its origin and its knob's position.
func (k *Controls) Knob(ctx *ui.Context) (on bool, ox, oy, kx, ky float64) {
	if !k.stickOn {
		return false, 0, 0, 0, 0
	}
	r := ctx.Px(StickRadius)
	x, y := Stick(k.fx-k.ox, k.fy-k.oy, r, 0)
	return true, k.ox, k.oy, k.ox + x*r, k.oy + y*r
}

// Reset releases every touch, for a new connection.
func (k *Controls) Reset() {
	k.stickOn = false
	k.dashTouches = k.dashTouches[:0]
	k.latch = Latch{Hold: 6}
}

// Update reads this tick's input.
func (k *Controls) Update(ctx *ui.Context) Intent {
	k.latch.Hold = 6 // a tenth of a second: long enough for a 30 Hz server to see a tap
	k.DashR = ctx.Px(46)
	k.DashX, k.DashY = float64(ctx.W)-ctx.Px(84), float64(ctx.H)-ctx.Px(96)

	in := keyboard().Add(k.gamepads()).Add(k.touch(ctx))
	in.Dash = k.latch.Update(in.Dash)
	return in
}

func keyboard() Intent {
	var in Intent
	down := func(keys ...ebiten.Key) bool {
		return slices.ContainsFunc(keys, ebiten.IsKeyPressed)
	}
	if down(ebiten.KeyA, ebiten.KeyArrowLeft) {
		in.X--
	}
	if down(ebiten.KeyD, ebiten.KeyArrowRight) {
		in.X++
	}
	if down(ebiten.KeyW, ebiten.KeyArrowUp) {
		in.Y--
	}
	if down(ebiten.KeyS, ebiten.KeyArrowDown) {
		in.Y++
	}
	in.Dash = down(ebiten.KeySpace)
	return in
}

func (k *Controls) gamepads() Intent {
	var in Intent
	k.pads = ebiten.AppendGamepadIDs(k.pads[:0])
	for _, id := range k.pads {
		if !ebiten.IsStandardGamepadLayoutAvailable(id) {
			continue
		}
		x := ebiten.StandardGamepadAxisValue(id, ebiten.StandardGamepadAxisLeftStickHorizontal)
		y := ebiten.StandardGamepadAxisValue(id, ebiten.StandardGamepadAxisLeftStickVertical)
		x, y = Stick(x, y, 1, 0.2)
		btn := func(b ebiten.StandardGamepadButton) float64 {
			if ebiten.IsStandardGamepadButtonPressed(id, b) {
				return 1
			}
			return 0
		}
		x += btn(ebiten.StandardGamepadButtonLeftRight) - btn(ebiten.StandardGamepadButtonLeftLeft)
		y += btn(ebiten.StandardGamepadButtonLeftBottom) - btn(ebiten.StandardGamepadButtonLeftTop)
		dash := btn(ebiten.StandardGamepadButtonRightBottom)+btn(ebiten.StandardGamepadButtonRightRight)+
			btn(ebiten.StandardGamepadButtonFrontBottomRight) > 0
		in = in.Add(Intent{X: x, Y: y, Dash: dash})
	}
	return in
}

func (k *Controls) touch(ctx *ui.Context) Intent {
	held := func(id ebiten.TouchID) bool { return slices.Contains(k.touches, id) }
	k.touches = ebiten.AppendTouchIDs(k.touches[:0])

	// Fingers that lifted.
	if k.stickOn && !held(k.stickID) {
		k.stickOn = false
	}
	k.dashTouches = slices.DeleteFunc(k.dashTouches, func(id ebiten.TouchID) bool { return !held(id) })

	// Fingers that went down this tick: the dash button (or the right half), else the stick.
	k.just = inpututil.AppendJustPressedTouchIDs(k.just[:0])
	for _, id := range k.just {
		x, y := ebiten.TouchPosition(id)
		fx, fy := float64(x), float64(y)
		onButton := math.Hypot(fx-k.DashX, fy-k.DashY) < k.DashR*1.5
		switch {
		case onButton || fx > float64(ctx.W)/2:
			k.dashTouches = append(k.dashTouches, id)
		case !k.stickOn:
			k.stickOn, k.stickID = true, id
			k.ox, k.oy, k.fx, k.fy = fx, fy, fx, fy
		}
	}

	var in Intent
	if k.stickOn {
		x, y := ebiten.TouchPosition(k.stickID)
		k.fx, k.fy = float64(x), float64(y)
		r := ctx.Px(StickRadius)
		k.ox, k.oy = DragOrigin(k.ox, k.oy, k.fx, k.fy, r)
		in.X, in.Y = Stick(k.fx-k.ox, k.fy-k.oy, r, stickDead)
	}
	k.DashHeld = len(k.dashTouches) > 0
	in.Dash = k.DashHeld
	return in
}
