// Package assets holds the files the game client embeds: the Go fonts and the sound effects.
//
// The sounds are synthesised by ./internal/gen (go generate ./assets), which also copies the fonts
// from golang.org/x/image; the generated files are committed so that a build needs no generator.
package assets

import _ "embed"

//go:generate go run ./internal/gen

// Fonts: Go Regular and Go Bold (TrueType), under the BSD license in fonts/LICENSE.
var (
	//go:embed fonts/Go-Regular.ttf
	GoRegularTTF []byte
	//go:embed fonts/Go-Bold.ttf
	GoBoldTTF []byte
)

// Sound effects: 16-bit mono PCM WAV files at 44.1 kHz.
var (
	// PickupWAV is a short rising blip for collecting an orb.
	//go:embed sounds/pickup.wav
	PickupWAV []byte
	// GoldenWAV is a two-note chime for collecting a golden orb.
	//go:embed sounds/golden.wav
	GoldenWAV []byte
	// DashWAV is a whoosh for a dash.
	//go:embed sounds/dash.wav
	DashWAV []byte
)
