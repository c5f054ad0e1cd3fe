// Package websocket is the part of github.com/coder/websocket's client API that netclient uses,
// under the same names: in native builds it is coder/websocket itself (type aliases), in the
// browser a small wrapper of the page's WebSocket.
//
// Why not coder/websocket in the browser too: its js build imports net/http for the types in its
// signatures, and importing net/http at all links its client, crypto/tls and the FIPS
// self-test tables into the module (the packages' initialisers reach them): about 1 MB of the
// wasm's code, a fifth of a megabyte of the page's brotli download, for nothing the browser uses.
// Start with Dial.
package websocket
