package netclient

import (
	"testing"

	"github.com/tickwire/tickwire/shared/wire"
)

// TestSeatGone: the client gives its seat up only on a final refusal of its resume (4015), and
// keeps its token on a passing one (4017) or any other close. The code alone decides.
func TestSeatGone(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		code int
		gone bool
	}{
		{int(wire.CloseResumeFailed), true},
		{int(wire.CloseResumeLater), false},
		{int(wire.CloseGoingAway), false},
		{int(wire.CloseNoPong), false},
		{1006, false},
		{0, false},
	} {
		if got := seatGone(tt.code); got != tt.gone {
			t.Errorf("seatGone(%d) = %v, want %v", tt.code, got, tt.gone)
		}
	}
	if !retryable(int(wire.CloseResumeLater)) {
		t.Error("a passing refusal (4017) is not retried")
	}
}
