package main

import (
	"encoding/binary"
	"math"
)

// SampleRate is the rate of every generated sound, in samples per second. Ebiten resamples on
// decoding when the game's audio context runs at another rate.
const SampleRate = 44100

// Pickup is a short rising blip: a sine sweeping up an octave, with a soft second harmonic, a
// 3 ms attack and a fast exponential decay.
func Pickup() []float64 {
	const dur = 0.12
	out := make([]float64, int(dur*SampleRate))
	phase := 0.0
	for i := range out {
		t := float64(i) / SampleRate
		f := 880 * math.Pow(2, t/0.09) // an octave up in 90 ms
		phase += 2 * math.Pi * f / SampleRate
		env := attack(t, 0.003) * math.Exp(-t/0.035)
		out[i] = 0.55 * env * (math.Sin(phase) + 0.25*math.Sin(2*phase))
	}
	return fadeOut(out, 0.01)
}

// Golden is a two-note chime (C6 then G6) for an orb worth more than one point.
func Golden() []float64 {
	const dur = 0.26
	out := make([]float64, int(dur*SampleRate))
	notes := []struct{ start, freq float64 }{{0, 1046.5}, {0.07, 1568}}
	for _, n := range notes {
		phase := 0.0
		for i := int(n.start * SampleRate); i < len(out); i++ {
			t := float64(i)/SampleRate - n.start
			phase += 2 * math.Pi * n.freq / SampleRate
			env := attack(t, 0.004) * math.Exp(-t/0.06)
			// A bell-ish tone: the fundamental plus an inharmonic partial that dies faster.
			out[i] += 0.4 * env * (math.Sin(phase) + 0.3*math.Exp(-t/0.02)*math.Sin(2.76*phase))
		}
	}
	return fadeOut(out, 0.02)
}

// Dash is a whoosh: noise through a low-pass filter whose cutoff sweeps down, swelling for 40 ms and
// then fading, over a low sine that drops in pitch.
func Dash() []float64 {
	const dur = 0.34
	out := make([]float64, int(dur*SampleRate))
	rng := uint64(0x9e3779b97f4a7c15) // fixed seed: the file must not change between runs
	lp1, lp2, phase := 0.0, 0.0, 0.0
	for i := range out {
		t := float64(i) / SampleRate
		rng ^= rng << 13
		rng ^= rng >> 7
		rng ^= rng << 17
		noise := float64(rng>>11)/float64(1<<53)*2 - 1
		cutoff := 3500*math.Exp(-t/0.09) + 300
		a := 1 - math.Exp(-2*math.Pi*cutoff/SampleRate)
		lp1 += a * (noise - lp1)
		lp2 += a * (lp1 - lp2)
		f := 220 * math.Exp(-t/0.12)
		phase += 2 * math.Pi * f / SampleRate
		env := attack(t, 0.04) * math.Exp(-math.Max(t-0.04, 0)/0.09)
		out[i] = env * (1.6*lp2 + 0.25*math.Sin(phase))
	}
	return fadeOut(out, 0.02)
}

// attack ramps from 0 to 1 over d seconds.
func attack(t, d float64) float64 { return math.Min(t/d, 1) }

// fadeOut ramps the last d seconds of s down to silence, so that no sound ends with a click.
func fadeOut(s []float64, d float64) []float64 {
	n := min(int(d*SampleRate), len(s))
	for i := range n {
		s[len(s)-1-i] *= float64(i) / float64(n)
	}
	return s
}

// WAV encodes samples in [-1, 1] (clipped beyond) as a 16-bit mono PCM WAV file at [SampleRate].
func WAV(samples []float64) []byte {
	data := len(samples) * 2
	b := make([]byte, 0, 44+data)
	b = append(b, "RIFF"...)
	b = binary.LittleEndian.AppendUint32(b, uint32(36+data))
	b = append(b, "WAVEfmt "...)
	b = binary.LittleEndian.AppendUint32(b, 16)           // fmt chunk size
	b = binary.LittleEndian.AppendUint16(b, 1)            // PCM
	b = binary.LittleEndian.AppendUint16(b, 1)            // mono
	b = binary.LittleEndian.AppendUint32(b, SampleRate)   // sample rate
	b = binary.LittleEndian.AppendUint32(b, SampleRate*2) // bytes per second
	b = binary.LittleEndian.AppendUint16(b, 2)            // bytes per frame
	b = binary.LittleEndian.AppendUint16(b, 16)           // bits per sample
	b = append(b, "data"...)
	b = binary.LittleEndian.AppendUint32(b, uint32(data))
	for _, s := range samples {
		v := int16(math.Round(math.Max(-1, math.Min(1, s)) * math.MaxInt16))
		b = binary.LittleEndian.AppendUint16(b, uint16(v))
	}
	return b
}
