package netsim

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tickwire/tickwire/shared/sim"
)

// Profile describes the network between one client and the server.
type Profile struct {
	// RTT is the round trip added: half of it delays each direction.
	RTT time.Duration
	// Jitter spreads each message's one-way delay uniformly over RTT/2 ± Jitter/2 (never below 0).
	Jitter time.Duration
	// Loss is the fraction of messages lost, from 0 to 1. WebSocket runs over TCP, which loses
	// nothing but late: a lost snapshot (server to client) is dropped, as if the server had skipped
	// it, and a lost input or other reliable message is delayed by one more RTT, as a TCP
	// retransmission is, holding back the messages behind it.
	Loss float64
}

// Bad is the profile the netcode is measured under: 150 ms RTT, 30 ms jitter, 5% loss.
var Bad = Profile{RTT: 150 * time.Millisecond, Jitter: 30 * time.Millisecond, Loss: 0.05}

// Enabled reports whether p changes anything.
func (p Profile) Enabled() bool { return p.RTT > 0 || p.Jitter > 0 || p.Loss > 0 }

// String returns p in the form Parse reads.
func (p Profile) String() string {
	if !p.Enabled() {
		return "off"
	}
	return fmt.Sprintf("rtt=%s,jitter=%s,loss=%s%%", p.RTT, p.Jitter, strconv.FormatFloat(p.Loss*100, 'f', -1, 64))
}

// Parse reads a profile: "off" (or empty), "bad" (see [Bad]), or comma-separated settings such as
// "rtt=150ms,jitter=30ms,loss=5%" (loss also as a fraction: "loss=0.05"). Unset settings are 0.
func Parse(s string) (Profile, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	switch s {
	case "", "off", "none", "0":
		return Profile{}, nil
	case "bad":
		return Bad, nil
	}
	var p Profile
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if !ok {
			return Profile{}, fmt.Errorf("netsim: %q is not name=value (try rtt=150ms,jitter=30ms,loss=5%%)", kv)
		}
		v = strings.TrimSpace(v)
		switch strings.TrimSpace(k) {
		case "rtt", "latency", "jitter":
			d, err := time.ParseDuration(v)
			if err != nil || d < 0 || d > 10*time.Second {
				return Profile{}, fmt.Errorf("netsim: %s=%q is not a duration from 0 to 10s", k, v)
			}
			if k == "jitter" {
				p.Jitter = d
			} else {
				p.RTT = d
			}
		case "loss":
			pct := strings.HasSuffix(v, "%")
			f, err := strconv.ParseFloat(strings.TrimSuffix(v, "%"), 64)
			if pct {
				f /= 100
			}
			if err != nil || f < 0 || f > 0.5 {
				return Profile{}, fmt.Errorf("netsim: loss=%q is not a fraction from 0 to 0.5 (or 0%% to 50%%)", v)
			}
			p.Loss = f
		default:
			return Profile{}, fmt.Errorf("netsim: unknown setting %q (rtt, jitter, loss)", k)
		}
	}
	return p, nil
}

// Line is one direction of one connection. It is not safe for concurrent use.
type Line struct {
	p    Profile
	rng  sim.Rand
	last time.Time // when the previous message arrives
}

// NewLine returns a direction of a connection with profile p; seed makes its randomness repeatable.
func NewLine(p Profile, seed uint64) *Line { return &Line{p: p, rng: sim.NewRand(seed)} }

// Schedule says when a message sent at now arrives, or that it is dropped. Only a droppable
// message (a snapshot, which the next one supersedes) is ever dropped; a lost reliable one arrives
// an RTT late instead. No message arrives before the one scheduled before it.
func (l *Line) Schedule(now time.Time, droppable bool) (at time.Time, dropped bool) {
	d := l.p.RTT / 2
	if l.p.Jitter > 0 {
		d += time.Duration(l.rng.Uint64()%uint64(l.p.Jitter+1)) - l.p.Jitter/2
	}
	if l.p.Loss > 0 && float64(l.rng.Uint64()>>11)/(1<<53) < l.p.Loss {
		if droppable {
			return time.Time{}, true
		}
		d += l.p.RTT
	}
	at = now.Add(max(d, 0))
	if at.Before(l.last) {
		at = l.last
	}
	l.last = at
	return at, false
}
