//go:build !js

package websocket

import "github.com/coder/websocket"

// The API netclient uses, from coder/websocket.
type (
	Conn        = websocket.Conn
	CloseError  = websocket.CloseError
	StatusCode  = websocket.StatusCode
	MessageType = websocket.MessageType
	DialOptions = websocket.DialOptions
)

const (
	StatusNormalClosure   = websocket.StatusNormalClosure
	StatusGoingAway       = websocket.StatusGoingAway
	StatusAbnormalClosure = websocket.StatusAbnormalClosure
	StatusPolicyViolation = websocket.StatusPolicyViolation
	StatusMessageTooBig   = websocket.StatusMessageTooBig
	StatusInternalError   = websocket.StatusInternalError
	MessageText           = websocket.MessageText
	MessageBinary         = websocket.MessageBinary
)

// Dial is coder/websocket's Dial.
var Dial = websocket.Dial
