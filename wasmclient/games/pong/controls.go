package pong

import (
	"image"
	"math"
	"slices"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"
	"github.com/tickwire/tickwire/shared/games/pong"
	"github.com/tickwire/tickwire/wasmclient/ui"
)

// Intent is what the player wants this tick: a paddle movement, whether they say ready, and which
// emote to show (-1 for none).
type Intent struct {
	Move  int8
	Ready bool
	Emote int
}

// Controls reads the keyboard (W/S or the arrows, Space to be ready, 1–4 to emote), gamepads (the
// left stick or the pad, A to be ready) and the touch screen (the paddle follows a finger; a tap
// says ready; a tap on an emote button emotes).
type Controls struct {
	pads    []ebiten.GamepadID
	touches []ebiten.TouchID
}

// Update reads this tick's input. l places the field and the emote buttons on the screen; ownY is
// where the player's paddle is drawn (field pixels), for following a finger. A tap on an emote
// button is taken out of ctx.Taps: it emotes and says nothing else.
func (k *Controls) Update(ctx *ui.Context, l Layout, ownY float64) Intent {
	in := Intent{Emote: -1}
	down := func(keys ...ebiten.Key) bool { return slices.ContainsFunc(keys, ebiten.IsKeyPressed) }
	axis := 0.0
	if down(ebiten.KeyW, ebiten.KeyArrowUp) {
		axis--
	}
	if down(ebiten.KeyS, ebiten.KeyArrowDown) {
		axis++
	}
	ctx.Taps = slices.DeleteFunc(ctx.Taps, func(p image.Point) bool {
		if e := l.EmoteAt(p); e >= 0 {
			in.Emote = e
			return true
		}
		return false
	})
	in.Ready = inpututil.IsKeyJustPressed(ebiten.KeySpace) || inpututil.IsKeyJustPressed(ebiten.KeyEnter) || len(ctx.Taps) > 0
	for i, key := range []ebiten.Key{ebiten.Key1, ebiten.Key2, ebiten.Key3, ebiten.Key4} {
		if inpututil.IsKeyJustPressed(key) {
			in.Emote = i
		}
	}
	k.pads = ebiten.AppendGamepadIDs(k.pads[:0])
	for _, id := range k.pads {
		if !ebiten.IsStandardGamepadLayoutAvailable(id) {
			continue
		}
		if y := ebiten.StandardGamepadAxisValue(id, ebiten.StandardGamepadAxisLeftStickVertical); math.Abs(y) > 0.2 {
			axis += y
		}
		if ebiten.IsStandardGamepadButtonPressed(id, ebiten.StandardGamepadButtonLeftTop) {
			axis--
		}
		if ebiten.IsStandardGamepadButtonPressed(id, ebiten.StandardGamepadButtonLeftBottom) {
			axis++
		}
		if inpututil.IsStandardGamepadButtonJustPressed(id, ebiten.StandardGamepadButtonRightBottom) {
			in.Ready = true
		}
	}
	in.Move = Axis(axis)
	// A finger held on the screen, but not on an emote button: the own paddle follows it (across
	// the screen when the field is turned).
	k.touches = ebiten.AppendTouchIDs(k.touches[:0])
	for _, id := range k.touches {
		x, y := ebiten.TouchPosition(id)
		if l.EmoteAt(image.Pt(x, y)) >= 0 {
			continue
		}
		_, fieldY := l.Fit.Field(float64(x), float64(y))
		in.Move = FollowMove(fieldY, ownY)
		break
	}
	return in
}

// Axis turns a direction in [-1, 1] (more is clamped) into a move.
func Axis(v float64) int8 {
	if math.IsNaN(v) {
		return 0
	}
	return int8(math.Round(max(-1, min(1, v)) * 127))
}

// FollowMove returns the move that brings a paddle at y toward target (field pixels): full speed
// when far, slower when close, nothing within a few pixels, so that the paddle settles under the
// finger instead of shaking.
func FollowMove(target, y float64) int8 {
	const dead, full = 3, 3 * float64(pong.PaddleSpeed) / pong.One
	d := target - y
	if math.Abs(d) <= dead {
		return 0
	}
	return Axis(d / full)
}
