package main

import (
	"fmt"
	"strings"
)

// getAnswer is an HTTP GET's answer with its body read, at most the limit asked for plus one byte
// (so that a caller can tell a body over its limit).
type getAnswer struct {
	status int
	text   string // the status line's text ("Not Found"); may be empty (HTTP/2 has none)
	body   []byte
}

// statusLine is the status as net/http's Response.Status spells it ("404 Not Found").
func (a getAnswer) statusLine() string {
	return strings.TrimSpace(fmt.Sprintf("%d %s", a.status, a.text))
}
