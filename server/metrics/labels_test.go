package metrics

import (
	"testing"

	"github.com/tickwire/tickwire/shared/wire"
)

// TestEveryCloseCodeHasALabel: a close code the server sends is counted under its own name, never
// lumped in with "other".
func TestEveryCloseCodeHasALabel(t *testing.T) {
	t.Parallel()
	codes := []wire.CloseCode{wire.CloseNormal, wire.CloseGoingAway, wire.ClosePolicy, wire.CloseTooBig, wire.CloseServerError}
	for code := wire.CloseBadVersion; code <= wire.CloseBadReservation; code++ {
		codes = append(codes, code)
	}
	seen := map[string]wire.CloseCode{}
	for _, code := range codes {
		label := closeReason(code)
		if label == "other" {
			t.Errorf("close code %d has no label of its own", code)
		}
		if prev, dup := seen[label]; dup {
			t.Errorf("close codes %d and %d share the label %q", prev, code, label)
		}
		seen[label] = code
	}
}
