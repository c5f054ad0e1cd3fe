package wire

// CloseCode is a WebSocket close status. The standard ones tickwire uses are listed beside the
// application codes it defines in the 4000–4999 range; every close carries a reason a person can read.
type CloseCode uint16

// Standard WebSocket close codes used by tickwire.
const (
	CloseNormal      CloseCode = 1000 // the peer is done
	CloseGoingAway   CloseCode = 1001 // the server is shutting down or restarting
	ClosePolicy      CloseCode = 1008 // a limit was broken (for example an input flood)
	CloseTooBig      CloseCode = 1009 // a frame exceeded the read limit
	CloseServerError CloseCode = 1011 // the server failed (for example a game panicked)
)

// tickwire's application close codes.
const (
	CloseBadVersion       CloseCode = 4000 // the hello's protocol version is not the server's
	CloseMalformed        CloseCode = 4001 // a frame was not valid msgpack or not the message its op says
	CloseUnknownOp        CloseCode = 4002 // an op the server does not handle
	CloseHandshakeTimeout CloseCode = 4003 // no hello arrived in time
	CloseBadName          CloseCode = 4004 // the player name is empty, too long or has bad characters
	CloseRoomFull         CloseCode = 4005 // the named room has no free seat
	CloseUnknownGame      CloseCode = 4006 // the hello names a game the server does not host
	CloseBadRoom          CloseCode = 4007 // the room name is too long or has bad characters
	CloseServerFull       CloseCode = 4008 // the server cannot open another room
	CloseUnexpected       CloseCode = 4009 // a valid message that is not allowed at this point
	CloseSlowClient       CloseCode = 4010 // the client did not keep up with its messages
	CloseTextFrame        CloseCode = 4011 // a text frame: tickwire speaks binary frames only
	CloseSpectator        CloseCode = 4012 // a spectator sent an input or a game message
	CloseNoRoom           CloseCode = 4013 // a spectator asked to watch a room that is not open
	CloseNoPong           CloseCode = 4014 // the client did not answer the server's ping in time
	CloseResumeFailed     CloseCode = 4015 // the resume token is unknown, expired, or its seat is in use
	CloseInputAhead       CloseCode = 4016 // an input for a tick too far ahead of the server's
)
