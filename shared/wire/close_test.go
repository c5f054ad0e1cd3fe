package wire_test

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tickwire/tickwire/shared/wire"
)

func TestClosefFitsTheReasonInACloseFrame(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, reason string
		want         int // bytes kept
	}{
		{"short", "room full", 9},
		{"exactly the limit", strings.Repeat("a", wire.MaxReasonBytes), wire.MaxReasonBytes},
		{"one over", strings.Repeat("a", wire.MaxReasonBytes+1), wire.MaxReasonBytes},
		// 122 ASCII bytes then a 2-byte rune that would end at byte 124: cut before the rune.
		{"not inside a rune", strings.Repeat("a", wire.MaxReasonBytes-1) + "é", wire.MaxReasonBytes - 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ce := wire.Closef(wire.CloseMalformed, "%s", tt.reason)
			if len(ce.Reason) != tt.want || !utf8.ValidString(ce.Reason) || !strings.HasPrefix(tt.reason, ce.Reason) {
				t.Errorf("reason of %d bytes kept %d (%q), want %d", len(tt.reason), len(ce.Reason), ce.Reason, tt.want)
			}
		})
	}
}

func TestAsCloseErrorFindsTheDecisionInAChain(t *testing.T) {
	t.Parallel()
	err := fmt.Errorf("serving: %w", wire.Closef(wire.CloseResumeLater, "the room is busy"))
	ce, ok := wire.AsCloseError(err)
	if !ok || ce.Code != wire.CloseResumeLater || ce.Reason != "the room is busy" {
		t.Errorf("AsCloseError = %v, %v; want 4017 and its reason", ce, ok)
	}
	if _, ok := wire.AsCloseError(fmt.Errorf("plain")); ok {
		t.Error("a plain error is not a close decision")
	}
}
