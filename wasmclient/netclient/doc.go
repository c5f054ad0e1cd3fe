// Package netclient is the game client's network side, free of Ebiten: it dials the server,
// says hello, keeps the newest state the server sent, measures the round trip, and sends the player's
// input once per server tick. The same code runs natively (tests, bots, the desktop build) and in the
// browser, where coder/websocket uses the browser's WebSocket.
//
// Start with [Dial]. The game loop calls [Client.View] each frame and [Client.SetInput] with the
// player's intent; neither ever blocks on the network.
package netclient
