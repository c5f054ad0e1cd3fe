package netcode

import (
	"fmt"
	"testing"
	"time"
)

// TestSessionClockJumpsKeepSentInputs: a route that holds the snapshots back for a second or so
// (a stalled connection, a starved reader), then lets a few through before the rest, makes the
// input clock jump back (it may run at most a second past the newest snapshot) and then forward
// again (a few snapshots raise that limit) while the ticks it sent before the first jump are still
// ahead of every snapshot. Those ticks are the server's to step with what was sent for them (it
// keeps the first input for a tick): the session must neither send them again nor predict them with
// anything else, or an uncontested player is corrected.
func TestSessionClockJumpsKeepSentInputs(t *testing.T) {
	t.Parallel()
	for release := 1000 * time.Millisecond; release <= 1400*time.Millisecond; release += 25 * time.Millisecond {
		t.Run(fmt.Sprint(release), func(t *testing.T) { runHeldRoute(t, release) })
	}
}

func runHeldRoute(t *testing.T, release time.Duration) {
	const (
		fps       = 60
		holdFrom  = 3 * time.Second
		end       = 8 * time.Second
		pingEvery = 30
		first     = 10 // snapshots let through at release; the rest follow at twice the pace
	)
	w := newWorld(t, profile{name: "held route", tickRate: 30, snapRate: 30, rtt: 100 * time.Millisecond}, 1)
	s := w.session
	frame := time.Second / fps
	var (
		holdTick uint32    // the first snapshot held back
		lastAt   time.Time // the newest snapshot's arrival: they never overtake one another (TCP)
		queued   int       // snapshots in w.toClient already given their held arrival
		sent     = map[uint32]Outgoing[walkerInput]{}
		resyncs  int
	)
	for f := 0; ; f++ {
		now := t0.Add(time.Duration(f) * frame)
		if now.Sub(t0) > end {
			break
		}
		w.serve(now)
		// Hold back the snapshots the server sent from holdFrom on.
		for i := queued; i < len(w.toClient); i++ {
			m := &w.toClient[i]
			if m.ents == nil {
				continue
			}
			stepped := t0.Add(time.Duration(m.tick) * w.period)
			if stepped.Sub(t0) >= holdFrom {
				if holdTick == 0 {
					holdTick = m.tick
				}
				at := t0.Add(holdFrom + release)
				if k := m.tick - holdTick; k >= first {
					at = at.Add(time.Duration(k-first+1) * w.period / 2)
				}
				m.at = maxTime(m.at, at)
			}
			m.at = maxTime(m.at, lastAt)
			lastAt = m.at
		}
		queued = len(w.toClient)
		// Deliver in arrival order: pongs are not held, so sort what is due.
		due := w.toClient[:0:0]
		rest := w.toClient[:0:0]
		for _, m := range w.toClient {
			if m.at.After(now) {
				rest = append(rest, m)
			} else {
				due = append(due, m)
			}
		}
		w.toClient = due
		w.deliver(now)
		w.toClient = rest
		queued = len(rest)
		if f%pingEvery == 0 {
			w.ping(now)
		}
		in := heldAt(f)
		outs, err := s.Advance(now, in)
		if err != nil {
			t.Fatal(err)
		}
		st := s.Stats()
		for _, o := range outs {
			if prev, ok := sent[o.Tick]; ok {
				t.Fatalf("%v: tick %d sent again (%v after %v; seq %d after %d), input clock %.2f, resyncs %d",
					now.Sub(t0), o.Tick, o.Input, prev.Input, o.Seq, prev.Seq, st.InputTick, st.Resyncs)
			}
			sent[o.Tick] = o
			at, _ := w.up.send(now, false)
			w.toServer = append(w.toServer, message{at: at, in: []Outgoing[walkerInput]{o}})
		}
		if st.Resyncs != resyncs {
			t.Logf("%v: resync %d: input clock %.2f, newest snapshot %d, predicted %d..%d",
				now.Sub(t0), st.Resyncs, st.InputTick, s.interp.Newest(), s.pred.Base(), s.pred.Last())
			resyncs = st.Resyncs
		}
		// Every predicted tick the session sent an input for is predicted with that input: the
		// one the server steps.
		if s.pred.Started() {
			for tk := s.pred.Base() + 1; int32(tk-s.pred.Last()) <= 0; tk++ {
				o, ok := sent[tk]
				if !ok {
					continue
				}
				if got, _ := s.pred.Input(tk); got != o.Judged {
					t.Fatalf("%v: tick %d predicted with %v, sent %v (seq %d); input clock %.2f, newest snapshot %d, resyncs %d",
						now.Sub(t0), tk, got, o.Judged, o.Seq, st.InputTick, s.interp.Newest(), st.Resyncs)
				}
			}
		}
	}
	st := s.Stats()
	if holdTick == 0 || st.Resyncs < 2 {
		t.Fatalf("no snapshot held (%d) or no clock jump (resyncs %d): the scenario did not happen", holdTick, st.Resyncs)
	}
	if w.late == 0 && st.Corrections != 0 {
		t.Errorf("%d corrections (the last %v from tick %d) with every input applied at its tick", st.Corrections, st.LastCorrect, st.CorrectedFrom)
	}
	t.Logf("resyncs %d, corrections %d, late %d, applied %d", st.Resyncs, st.Corrections, w.late, w.applied)
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
