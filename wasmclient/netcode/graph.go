package netcode

import "time"

// Series is one line of the net graph: a measure's recent history, oldest first.
type Series struct {
	Name   string    // what it measures, for the label: "ping"
	Unit   string    // the unit of Values, for the label: "ms"
	Values []float64 // at most the graph's length, oldest first; the last is the newest
	// Warn is the value above which the measure is bad (drawn in a warning colour); 0 for none.
	Warn float64
}

// Last returns the newest value, or 0.
func (s *Series) Last() float64 {
	if len(s.Values) == 0 {
		return 0
	}
	return s.Values[len(s.Values)-1]
}

// Graph keeps the recent history of a few named measures, sampled at a steady rate, for the net
// graph. Set updates a measure's current value at any time; Sample records every current value
// once a period has passed. It is not safe for concurrent use.
type Graph struct {
	every  time.Duration
	length int
	next   time.Time
	series []Series
	cur    []float64
}

// NewGraph returns a graph that samples every period and keeps length samples of each series
// in defs (whose Values are ignored).
func NewGraph(every time.Duration, length int, defs ...Series) *Graph {
	g := &Graph{every: every, length: length, cur: make([]float64, len(defs))}
	for _, d := range defs {
		d.Values = make([]float64, 0, length)
		g.series = append(g.series, d)
	}
	return g
}

// Set sets the current value of the series named name; unknown names are ignored.
func (g *Graph) Set(name string, v float64) {
	for i := range g.series {
		if g.series[i].Name == name {
			g.cur[i] = v
			return
		}
	}
}

// Sample records the current values if a period has passed since the last sample, and reports
// whether it did. After a long gap (a hidden tab) it records once, not once per missed period.
func (g *Graph) Sample(now time.Time) bool {
	if now.Before(g.next) {
		return false
	}
	if g.next.IsZero() || now.Sub(g.next) > g.every {
		g.next = now
	}
	g.next = g.next.Add(g.every)
	for i := range g.series {
		s := &g.series[i]
		if len(s.Values) == g.length {
			copy(s.Values, s.Values[1:])
			s.Values = s.Values[:g.length-1]
		}
		s.Values = append(s.Values, g.cur[i])
	}
	return true
}

// Series appends a copy of every series to dst and returns it.
func (g *Graph) Series(dst []Series) []Series {
	for _, s := range g.series {
		s.Values = append([]float64(nil), s.Values...)
		dst = append(dst, s)
	}
	return dst
}
