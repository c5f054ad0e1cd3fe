// Package e2e holds the browser end-to-end tests: the real server (hosting the arena and pong) on a
// loopback port, the real page (lobby, loader, wasm, Ebiten) in headless Chromium driven with
// chromedp. Two players and a spectator in the arena, two players and a spectator in pong, and the
// lobby's list and buttons. On a two-node cluster (cluster_test.go, handoff_test.go): pages served
// by either node play in one room, and pages follow their room (arena and pong) to the other node
// when its node is stopped as SIGTERM stops it, keeping player, score and play. The tests read what
// each page's client received from the server through the page's read-only hook
// window.tickwireView(), and the lobby from its DOM.
//
// They need a built page: TICKWIRE_DIST names the folder `go tool mage build` writes (mage test sets
// it); without it the tests build one into a temporary folder. Without Chromium they skip with a
// message saying how to install it, unless TICKWIRE_E2E=1, where they must run.
package e2e
