package ui

import (
	"bytes"
	"io"

	"github.com/hajimehoshi/ebiten/v2/audio"
	"github.com/hajimehoshi/ebiten/v2/audio/wav"
)

// SampleRate is the audio context's rate.
const SampleRate = 44100

// Sounds plays short effects. A browser may hold audio back until the player interacts with the
// page; until then effects are skipped, not queued, so that no burst of stale sounds plays later.
type Sounds struct {
	ctx *audio.Context // nil when muted
}

// NewSounds returns the client's sound player; with mute it plays nothing and opens no audio device.
func NewSounds(mute bool) *Sounds {
	if mute {
		return &Sounds{}
	}
	return &Sounds{ctx: audio.NewContext(SampleRate)}
}

// Sound is one decoded effect.
type Sound struct {
	s   *Sounds
	pcm []byte // 32-bit float stereo at SampleRate
}

// Load decodes a WAV file. A file that does not decode gives a sound that plays nothing: a broken
// effect is not worth stopping the game for.
func (s *Sounds) Load(wavData []byte) *Sound {
	snd := &Sound{s: s}
	if s.ctx == nil {
		return snd
	}
	st, err := wav.DecodeF32(bytes.NewReader(wavData))
	if err != nil {
		return snd
	}
	if snd.pcm, err = io.ReadAll(st); err != nil {
		snd.pcm = nil
	}
	return snd
}

// Play starts the sound at volume (0 to 1) if audio is available.
func (snd *Sound) Play(volume float64) {
	ctx := snd.s.ctx
	if ctx == nil || len(snd.pcm) == 0 || !ctx.IsReady() {
		return
	}
	p := ctx.NewPlayerF32FromBytes(snd.pcm)
	p.SetVolume(volume)
	p.Play()
}
