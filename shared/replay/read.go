package replay

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/zstd"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/vmihailenco/msgpack/v5"
)

// Recording is a replay file read whole.
type Recording struct {
	Header Header
	// Keyframes are sorted by tick; the first is the state the ticks start from.
	Keyframes []Keyframe
	// Ticks follow each other from Keyframes[0].Tick+1 to End.Tick, one per tick.
	Ticks []Tick
	End   End
	// Players is everyone who played, in the order they first appear (the first keyframe's
	// players, then the arrivals), each with its first name.
	Players []Arrival
}

// ErrFormat is wrapped by the error of reading a file of another format.
var ErrFormat = errors.New("replay: unsupported format")

// Read reads a replay file: one zstd frame of at most [MaxDecompressed] bytes decompressed, whose
// records each pass wire.Validate and decode in full (records' trailing fields, which a newer
// writer may append, are skipped). It refuses a file of another [Format], a record of an unknown
// kind, ticks out of order, and a file without its header, first keyframe or end.
func Read(data []byte) (*Recording, error) {
	raw, err := decompress(data)
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	rec, err := parse(raw)
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	return rec, nil
}

// maxDecompressed is MaxDecompressed, lowered by the fuzz target (export_test.go), whose inputs
// would otherwise spend their time decompressing 64 MiB.
var maxDecompressed = MaxDecompressed

// decompress returns the zstd frame's content, refusing more than maxDecompressed bytes.
func decompress(data []byte) ([]byte, error) {
	zr, err := zstd.NewReader(bytes.NewReader(data), zstd.WithDecoderConcurrency(1),
		zstd.WithDecoderMaxMemory(uint64(maxDecompressed)), zstd.WithDecoderLowmem(true))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	raw, err := io.ReadAll(io.LimitReader(zr, int64(maxDecompressed)+1))
	if err != nil {
		return nil, fmt.Errorf("decompress: %w", err)
	}
	if len(raw) > maxDecompressed {
		return nil, fmt.Errorf("decompresses to more than %d bytes", maxDecompressed)
	}
	return raw, nil
}

var kindNames = map[wire.Op]string{kindHeader: "header", kindKeyframe: "keyframe", kindTick: "tick", kindEnd: "end",
	kindPresence: "presence"}

// parse reads the decompressed records.
func parse(b []byte) (*Recording, error) {
	r := &Recording{}
	seen := map[uint32]bool{} // players already in r.Players
	var last uint32           // the last tick read
	budget := MaxEntries      // entries left for the rest of the file (MaxEntries)
	var pending *presence     // a presence record, waiting for its tick's record
	for i, off := 0, 0; off < len(b); i++ {
		n, err := wire.ValidatePrefix(b[off:])
		if err != nil {
			return nil, fmt.Errorf("record %d at byte %d: %w", i, off, err)
		}
		fr, err := wire.Decode(b[off : off+n])
		if err != nil {
			return nil, fmt.Errorf("record %d at byte %d: %w", i, off, err)
		}
		name, known := kindNames[fr.Op]
		if !known {
			return nil, fmt.Errorf("record %d at byte %d: unknown record kind %d (a newer writer's? this reader reads format %d)", i, off, uint8(fr.Op), Format)
		}
		where := func(err error) error {
			return fmt.Errorf("record %d (%s) at byte %d: %w", i, name, off, err)
		}
		off += n
		switch {
		case i == 0 && fr.Op != kindHeader:
			return nil, where(errors.New("a file starts with its header"))
		case i == 1 && fr.Op != kindKeyframe:
			return nil, where(errors.New("a file's second record is its first keyframe"))
		case i > 0 && fr.Op == kindHeader:
			return nil, where(errors.New("a second header"))
		case pending != nil && fr.Op != kindTick:
			return nil, where(fmt.Errorf("the presence record of tick %d is not followed by its tick", pending.tick))
		}
		switch fr.Op {
		case kindHeader:
			if err := decodeBody(fr.Body, r.Header.decode); err != nil {
				return nil, where(err)
			}
			if r.Header.Format != Format {
				return nil, fmt.Errorf("%w: the file is format %d, this reader reads format %d", ErrFormat, r.Header.Format, Format)
			}
		case kindKeyframe:
			var k Keyframe
			if err := decodeBody(fr.Body, func(d *msgpack.Decoder) error { return k.decode(d, &budget) }); err != nil {
				return nil, where(err)
			}
			if n := len(r.Keyframes); n > 0 && r.Keyframes[n-1].Tick == k.Tick {
				return nil, where(fmt.Errorf("a second keyframe of tick %d", k.Tick))
			}
			if i == 1 {
				last = k.Tick
				for _, p := range k.Players {
					r.addPlayer(seen, p)
				}
			} else if k.Tick != last {
				return nil, where(fmt.Errorf("keyframe of tick %d after tick %d", k.Tick, last))
			}
			r.Keyframes = append(r.Keyframes, k)
		case kindPresence:
			p := &presence{}
			if err := decodeBody(fr.Body, func(d *msgpack.Decoder) error { return p.decode(d, &budget) }); err != nil {
				return nil, where(err)
			}
			if p.tick != last+1 {
				return nil, where(fmt.Errorf("presence of tick %d after tick %d", p.tick, last))
			}
			pending = p
		case kindTick:
			var t Tick
			if budget--; budget < 0 {
				return nil, where(fmt.Errorf("the file holds more than %d entries in all", MaxEntries))
			}
			if err := decodeBody(fr.Body, func(d *msgpack.Decoder) error { return t.decode(d, &budget) }); err != nil {
				return nil, where(err)
			}
			if t.Tick != last+1 {
				return nil, where(fmt.Errorf("tick %d after tick %d", t.Tick, last))
			}
			if err := t.validate(); err != nil {
				return nil, where(err)
			}
			if pending != nil {
				t.Presence, pending = pending.changes, nil
			}
			for _, a := range t.Arrivals {
				if !a.Leaving {
					r.addPlayer(seen, a)
				}
			}
			last = t.Tick
			r.Ticks = append(r.Ticks, t)
		case kindEnd:
			if err := decodeBody(fr.Body, r.End.decode); err != nil {
				return nil, where(err)
			}
			if r.End.Tick != last {
				return nil, where(fmt.Errorf("end at tick %d after tick %d", r.End.Tick, last))
			}
			if off != len(b) {
				return nil, where(fmt.Errorf("%d bytes after the end", len(b)-off))
			}
			return r, nil
		}
	}
	switch {
	case len(b) == 0:
		return nil, errors.New("empty file")
	case len(r.Keyframes) == 0:
		return nil, errors.New("no keyframe")
	}
	return nil, fmt.Errorf("no end record after tick %d (the file is cut short)", last)
}

// validate checks the tick's embedded bytes, which the record's validation saw only as binaries:
// each input and message body must be one value wire.Validate accepts, for a decoder to read.
func (t *Tick) validate() error {
	for _, in := range t.Inputs {
		if err := wire.Validate(in.Input); err != nil {
			return fmt.Errorf("player %d's input: %w", in.Player, err)
		}
	}
	for _, m := range t.Messages {
		if err := wire.Validate(m.Body); err != nil {
			return fmt.Errorf("player %d's message %s: %w", m.Player, m.Op, err)
		}
	}
	return nil
}

func (r *Recording) addPlayer(seen map[uint32]bool, a Arrival) {
	if !seen[uint32(a.Player)] {
		seen[uint32(a.Player)] = true
		r.Players = append(r.Players, Arrival{Player: a.Player, Name: a.Name})
	}
}

// decodeBody decodes a validated record body with fn, which must read all of it.
func decodeBody(body []byte, fn func(d *msgpack.Decoder) error) error {
	return wire.DecodeBody(body, fn)
}

// First returns the tick of the first keyframe: the state the recording starts from.
func (r *Recording) First() uint32 { return r.Keyframes[0].Tick }

// Last returns the last tick recorded.
func (r *Recording) Last() uint32 { return r.End.Tick }
