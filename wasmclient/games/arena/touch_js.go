//go:build js

package arena

import "syscall/js"

// touchDevice reports whether the page runs on a touch screen that is the main pointer (a phone or
// a tablet): the touch controls and their help show from the start, before the first touch.
func touchDevice() bool {
	mm := js.Global().Get("matchMedia")
	if mm.Type() != js.TypeFunction {
		return false
	}
	return js.Global().Call("matchMedia", "(pointer: coarse)").Get("matches").Truthy()
}
