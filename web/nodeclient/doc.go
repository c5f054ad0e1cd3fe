// Package nodeclient holds a tickwire client written in JavaScript for Node.js (client.mjs), from
// docs/PROTOCOL.md alone, with the npm packages ws and @msgpack/msgpack pinned in package.json and
// package-lock.json. Its Go test runs the real server on a loopback port and the client against
// it: the client joins the arena, plays for a few seconds and checks that the server moved its
// player, that every entity fits the arena's schema table and id ranges as the document gives
// them, and, after a second hello sent on purpose, that the server's close (4009) follows a bye
// with the same code and reason. The single-node server never redirects, so redirect_test.go
// checks against fake nodes that the client follows a cluster's redirect as the document says
// (with the reservation, ws:// and wss:// only, a few in a row at most). The tests install the
// packages with npm ci into a temporary folder; they skip (with a message) where Node.js is absent,
// unless TICKWIRE_E2E=1 makes it mandatory.
package nodeclient
