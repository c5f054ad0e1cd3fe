package app

import "github.com/tickwire/tickwire/wasmclient/netclient"

// TextReporter is implemented by a game's client half that reports the texts its last Draw drew
// and where (netclient.DebugText, in CSS pixels). DebugJSON then lists them (DebugView.Texts), so
// that a browser test can check that nothing is cut off at a screen size. DrawnTexts is called
// from any goroutine.
type TextReporter interface {
	DrawnTexts() []netclient.DebugText
}
