//go:build js

package main

import "syscall/js"

// exposeView registers window.tickwireView(), a read-only test hook returning view() (JSON). It
// stays registered for the page's life. view must not block: the browser calls it on its event loop.
func exposeView(view func() string) {
	js.Global().Set("tickwireView", js.FuncOf(func(js.Value, []js.Value) any { return view() }))
}
