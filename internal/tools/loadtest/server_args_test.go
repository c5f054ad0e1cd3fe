package loadtest

import (
	"strings"
	"testing"
)

func TestServerOptionsBecomeFlags(t *testing.T) {
	t.Parallel()
	got := strings.Join(ServerOptions{TickRate: 30, MaxRooms: 1010, MaxConnsPerIP: 516}.args(), " ")
	for _, want := range []string{"-addr 127.0.0.1:0", "-tick-rate 30", "-max-rooms 1010", "-max-conns-per-ip 516"} {
		if !strings.Contains(got, want) {
			t.Errorf("server args %q lack %q", got, want)
		}
	}
	if strings.Contains(got, "-snapshot-rate") {
		t.Errorf("an unset option became a flag: %q", got)
	}
}
