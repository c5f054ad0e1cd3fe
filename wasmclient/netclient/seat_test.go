package netclient

import (
	"testing"

	"github.com/tickwire/tickwire/shared/wire"
)

// TestSeatGone: the client gives its seat up only on a final refusal of its resume, and tries its
// token again on a passing one. The reasons are the server's (server/room/resume.go).
func TestSeatGone(t *testing.T) {
	t.Parallel()
	resume := int(wire.CloseResumeFailed)
	for _, tt := range []struct {
		code   int
		reason string
		gone   bool
	}{
		{resume, "cannot resume: the seat is gone (the grace period ran out); join again", true},
		{resume, "cannot resume: the token is not this seat's current one", true},
		{resume, `cannot resume: room "x" is gone; join again`, true},
		{resume, "cannot resume: malformed token", true},
		{resume, "cannot resume: the seat is in use by another connection; try again", false},
		{resume, "cannot resume: the room is busy; try again", false},
		{resume, "cannot resume: the room did not answer; try again", false},
		{resume, "cannot resume: the seat is in use by another connection", false}, // servers before "try again"
		{int(wire.CloseGoingAway), "server restarting", false},
		{0, "", false},
	} {
		if got := seatGone(tt.code, tt.reason); got != tt.gone {
			t.Errorf("seatGone(%d, %q) = %v, want %v", tt.code, tt.reason, got, tt.gone)
		}
	}
}
