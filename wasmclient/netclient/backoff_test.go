package netclient

import (
	"testing"
	"time"
)

// TestBackoffStaysCapped: however long the outage (a client that reconnects for ever), each wait
// is within the cap, 4 to 8 s, never growing past it.
func TestBackoffStaysCapped(t *testing.T) {
	t.Parallel()
	for _, n := range []int{6, 7, 12, 100, 1 << 20} {
		for range 50 {
			if d := backoff(n); d < 4*time.Second || d > 8*time.Second {
				t.Fatalf("backoff(%d) = %s, want 4 s to 8 s", n, d)
			}
		}
	}
}
