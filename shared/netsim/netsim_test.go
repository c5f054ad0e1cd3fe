package netsim

import (
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Profile
		err  bool
	}{
		{"", Profile{}, false},
		{"off", Profile{}, false},
		{"bad", Bad, false},
		{"rtt=150ms,jitter=30ms,loss=5%", Bad, false},
		{" RTT=150ms , jitter=30ms, loss=0.05 ", Bad, false},
		{"rtt=80ms", Profile{RTT: 80 * time.Millisecond}, false},
		{"rtt=fast", Profile{}, true},
		{"rtt=-1s", Profile{}, true},
		{"loss=90%", Profile{}, true},
		{"speed=1", Profile{}, true},
		{"rtt", Profile{}, true},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("Parse(%q) = %+v, %v; want %+v, error %v", tt.in, got, err, tt.want, tt.err)
		}
		if err == nil {
			if back, err := Parse(got.String()); err != nil || back != got {
				t.Errorf("Parse(%q.String() = %q) = %+v, %v", tt.in, got.String(), back, err)
			}
		}
	}
}

// TestLineKeepsOrderAndBounds sends a message every 10 ms through the bad profile and checks that
// none overtakes another, that delays stay within the jitter around RTT/2 (plus an RTT for a
// retransmitted one), and that droppable messages are lost at about the profile's rate.
func TestLineKeepsOrderAndBounds(t *testing.T) {
	t.Parallel()
	for _, droppable := range []bool{true, false} {
		l := NewLine(Bad, 7)
		t0 := time.Unix(1000, 0)
		var last time.Time
		dropped, late := 0, 0
		const n = 20000
		for i := range n {
			now := t0.Add(time.Duration(i) * 10 * time.Millisecond)
			at, lost := l.Schedule(now, droppable)
			if lost {
				dropped++
				continue
			}
			if at.Before(last) {
				t.Fatalf("message %d arrives at %v, before the previous one at %v", i, at, last)
			}
			last = at
			d := at.Sub(now)
			lo, hi := Bad.RTT/2-Bad.Jitter/2, Bad.RTT/2+Bad.Jitter/2+Bad.RTT
			if d < lo || d > hi {
				t.Fatalf("message %d delayed %v, outside [%v, %v]", i, d, lo, hi)
			}
			if d > Bad.RTT/2+Bad.Jitter/2 {
				late++
			}
		}
		if droppable && (dropped < n*4/100 || dropped > n*6/100) {
			t.Errorf("dropped %d of %d snapshots, want about 5%%", dropped, n)
		}
		if !droppable && (dropped != 0 || late < n*4/100) {
			t.Errorf("reliable: %d dropped, %d held back, want 0 and at least 4%%", dropped, late)
		}
	}
}

func TestOffChangesNothing(t *testing.T) {
	t.Parallel()
	l := NewLine(Profile{}, 1)
	now := time.Unix(5, 0)
	if at, lost := l.Schedule(now, true); lost || !at.Equal(now) {
		t.Errorf("off: Schedule = %v, %v; want now, kept", at, lost)
	}
}
