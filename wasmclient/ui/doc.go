// Package ui is the game client's screen furniture, shared by every game: a [Manager] that runs one
// [Scene] at a time, the [Theme] (fonts, colours, text sizes that follow the display's scale),
// drawing helpers (panels, buttons, text), pointer taps, sound effects, and small Ebiten-free helpers
// (random names, the name field, word wrap).
//
// Coordinates are device pixels: the client lays the screen out at the display's full resolution,
// and [Context.Scale] says how many device pixels make one CSS pixel, so sizes are written in CSS
// pixels times Scale.
package ui
