package wire

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

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
	CloseResumeFailed     CloseCode = 4015 // the seat is gone for good (unknown or expired token, a goodbye): join afresh
	CloseInputAhead       CloseCode = 4016 // an input for a tick too far ahead of the server's
	CloseResumeLater      CloseCode = 4017 // the seat is there but cannot be resumed this instant (still held by a connection the server has not yet seen drop, or the room was busy): keep the token, try again after a backoff
	CloseRedirect         CloseCode = 4018 // the hello is played on another node: a redirect frame came first; reconnect there with the same hello and its token
	CloseBadReservation   CloseCode = 4019 // the hello's reservation is forged, expired, already used or for another node: join afresh without it
)

// CloseError is a decision to close a connection: the code, and the reason a person can read.
// Wherever a refusal or a protocol error is decided (the lobby, a room, the gateway), it is returned
// as a *CloseError, and the gateway only writes it: a bye with the code and reason, then the close
// frame with the same. Clients act on the code alone, never on the reason's wording.
type CloseError struct {
	Code CloseCode
	// Reason is at most MaxReasonBytes long, which is what a close frame holds ([Closef] cuts it).
	Reason string
	// Redirect, with Code CloseRedirect, says where the client is to play: the gateway sends it as a
	// redirect frame before the bye. Nil otherwise.
	Redirect *Redirect
}

// RedirectTo returns the decision to send a client to another node: a redirect frame with url and
// token, then a bye and a close with CloseRedirect and reason (for people only).
func RedirectTo(url, token, reason string) *CloseError {
	return &CloseError{Code: CloseRedirect, Reason: FitReason(reason), Redirect: &Redirect{URL: url, Token: token}}
}

// Closef returns a *CloseError with code and the reason formatted from format and args, cut to
// MaxReasonBytes at a character boundary.
func Closef(code CloseCode, format string, args ...any) *CloseError {
	return &CloseError{Code: code, Reason: FitReason(fmt.Sprintf(format, args...))}
}

// FitReason returns reason cut to at most MaxReasonBytes, never inside a UTF-8 sequence.
func FitReason(reason string) string {
	if len(reason) <= MaxReasonBytes {
		return reason
	}
	n := MaxReasonBytes
	for n > 0 && !utf8.RuneStart(reason[n]) {
		n--
	}
	return reason[:n]
}

func (e *CloseError) Error() string { return fmt.Sprintf("%d: %s", e.Code, e.Reason) }

// AsCloseError returns the *CloseError in err's chain, if there is one.
func AsCloseError(err error) (*CloseError, bool) {
	var ce *CloseError
	ok := errors.As(err, &ce)
	return ce, ok
}
