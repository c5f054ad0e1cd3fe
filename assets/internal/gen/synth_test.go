package main

import (
	"bytes"
	"encoding/binary"
	"math"
	"testing"
)

func TestSounds(t *testing.T) {
	t.Parallel()
	sounds := map[string]func() []float64{"pickup": Pickup, "golden": Golden, "dash": Dash}
	for name, gen := range sounds {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := gen()
			if d := float64(len(s)) / SampleRate; d < 0.05 || d > 0.5 {
				t.Errorf("lasts %.2f s, want a short effect", d)
			}
			peak := 0.0
			for _, v := range s {
				peak = math.Max(peak, math.Abs(v))
			}
			if peak < 0.2 || peak > 1 {
				t.Errorf("peak %.2f, want audible and unclipped", peak)
			}
			if last := s[len(s)-1]; last != 0 {
				t.Errorf("ends at %v, want silence (no click)", last)
			}
			if !bytes.Equal(WAV(gen()), WAV(s)) {
				t.Error("two runs differ")
			}
		})
	}
}

func TestWAV(t *testing.T) {
	t.Parallel()
	b := WAV([]float64{0, 1, -1, 2, 0.5})
	want := []struct {
		off  int
		text string
	}{{0, "RIFF"}, {8, "WAVEfmt "}, {36, "data"}}
	for _, w := range want {
		if got := string(b[w.off : w.off+len(w.text)]); got != w.text {
			t.Errorf("at %d: %q, want %q", w.off, got, w.text)
		}
	}
	le := binary.LittleEndian
	if got := le.Uint32(b[4:]); got != uint32(len(b)-8) {
		t.Errorf("RIFF size %d, want %d", got, len(b)-8)
	}
	if got := le.Uint32(b[40:]); got != 10 {
		t.Errorf("data size %d, want 10", got)
	}
	samples := []int16{0, 32767, -32767, 32767, 16384}
	for i, w := range samples {
		if got := int16(le.Uint16(b[44+2*i:])); got != w {
			t.Errorf("sample %d = %d, want %d", i, got, w)
		}
	}
}
