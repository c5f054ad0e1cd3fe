package ui

import (
	"bytes"
	"io"
	"sync"

	"github.com/hajimehoshi/ebiten/v2/audio"
	"github.com/hajimehoshi/ebiten/v2/audio/wav"
)

// SampleRate is the audio context's rate.
const SampleRate = 44100

// Sounds plays short effects, at a master volume, or not at all while muted. A browser may hold
// audio back until the player interacts with the page; until then effects are skipped, not
// queued, so that no burst of stale sounds plays later.
//
// A client started muted opens no audio device until it is unmuted (the in-game menu's Sound):
// effects loaded before then are decoded when they first play. A nil *Sounds is muted.
type Sounds struct {
	mu     sync.Mutex
	ctx    *audio.Context // nil until first unmuted
	muted  bool
	volume float64 // 0 to 1, applied to every effect's own volume
}

// NewSounds returns the client's sound player; with mute it plays nothing and opens no audio
// device until SetMuted(false). The volume starts at 1.
func NewSounds(mute bool) *Sounds {
	s := &Sounds{volume: 1}
	s.SetMuted(mute)
	return s
}

// SetMuted turns sound off or on; on, it opens the audio device if it is not yet open.
func (s *Sounds) SetMuted(mute bool) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.muted = mute
	if !mute && s.ctx == nil {
		s.ctx = audio.CurrentContext()
		if s.ctx == nil {
			s.ctx = audio.NewContext(SampleRate)
		}
	}
}

// Muted reports whether sound is off.
func (s *Sounds) Muted() bool {
	if s == nil {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.muted
}

// SetVolume sets the master volume, clamped to 0 to 1.
func (s *Sounds) SetVolume(v float64) {
	if s == nil {
		return
	}
	s.mu.Lock()
	s.volume = min(max(v, 0), 1)
	s.mu.Unlock()
}

// Volume returns the master volume, 0 to 1.
func (s *Sounds) Volume() float64 {
	if s == nil {
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.volume
}

// playing returns the audio context to play on at volume v scaled by the master volume, or nil
// while muted or before the browser allows audio.
func (s *Sounds) playing(v float64) (*audio.Context, float64) {
	if s == nil {
		return nil, 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.muted || s.ctx == nil || !s.ctx.IsReady() {
		return nil, 0
	}
	return s.ctx, v * s.volume
}

// Sound is one effect.
type Sound struct {
	s    *Sounds
	wav  []byte // as loaded; decoded at the first play
	once sync.Once
	pcm  []byte // 32-bit float stereo at SampleRate; nil when it does not decode
}

// Load returns the effect of a WAV file. A file that does not decode gives a sound that plays
// nothing: a broken effect is not worth stopping the game for.
func (s *Sounds) Load(wavData []byte) *Sound {
	return &Sound{s: s, wav: wavData}
}

// decode decodes the WAV file, once.
func (snd *Sound) decode() []byte {
	snd.once.Do(func() {
		st, err := wav.DecodeF32(bytes.NewReader(snd.wav))
		if err != nil {
			return
		}
		if pcm, err := io.ReadAll(st); err == nil {
			snd.pcm = pcm
		}
	})
	return snd.pcm
}

// Play starts the sound at volume (0 to 1, times the master volume) if audio is available.
func (snd *Sound) Play(volume float64) {
	ctx, v := snd.s.playing(volume)
	if ctx == nil || v <= 0 {
		return
	}
	pcm := snd.decode()
	if len(pcm) == 0 {
		return
	}
	p := ctx.NewPlayerF32FromBytes(pcm)
	p.SetVolume(v)
	p.Play()
}
