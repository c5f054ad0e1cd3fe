//go:build !js

package arena

// touchDevice reports whether the client runs on a touch screen that is the main pointer: never,
// outside a browser.
func touchDevice() bool { return false }
