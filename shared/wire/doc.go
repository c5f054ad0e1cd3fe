// Package wire is tickwire's message schema: the frame envelope, the operation codes the toolkit
// reserves, the toolkit's own messages, the close codes, and a codec that is safe against hostile
// input.
//
// Start with [Encode] and [Decode]. Every WebSocket binary message is one frame: a msgpack array of
// two elements, the operation code and the message body:
//
//	92 <op> <body>
//
// Ops 0–63 belong to the toolkit ([OpHello], [OpWelcome], [OpInput], [OpSnapshot], …); a game
// declares its own from [FirstGameOp] upward and owns their bodies. Bodies are positional msgpack
// arrays. A decoder reads the fields it knows, in order, and skips any it does not, so a field may be
// appended to a message without breaking older peers; see docs/PROTOCOL.md for the versioning rules.
//
// Hostile input: [Decode] first walks the whole frame with [Validate], which refuses a frame whose
// declared lengths exceed the bytes that follow, that nests deeper than [MaxDepth], or that uses
// msgpack types the protocol never sends. Only then do the hand-written decoders run, so no decoder
// can allocate more than a small multiple of the frame's size (see [Validate]).
package wire
