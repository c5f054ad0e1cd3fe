//go:build !js

package main

// exposeView does nothing natively: there is no page to expose the view to.
func exposeView(func() string) {}

// exposeOpen does nothing natively: no page drops files on the client.
func exposeOpen(func([]byte)) {}

// toLobby and openFile are nil natively: there is no lobby page and no file picker.
var (
	toLobby  func()
	openFile func()
)

func refuseGame(error) {}
