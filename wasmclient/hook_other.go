//go:build !js

package main

// exposeView does nothing natively: there is no page to expose the view to.
func exposeView(func() string) {}
