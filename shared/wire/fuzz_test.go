package wire_test

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"github.com/tickwire/tickwire/shared/wire"
	"github.com/vmihailenco/msgpack/v5"
)

// The seed corpora under testdata/fuzz hold the same kinds of inputs as the f.Add seeds below, plus
// the hostile ones from validate_test.go; crashers found by fuzzing are kept there.

// testInput is an input type for exercising wire's generic input frames without importing a game.
type testInput struct {
	X int64
	S string
}

type testCodec struct{}

func (testCodec) EncodeInput(e *msgpack.Encoder, in *testInput) error {
	if err := e.EncodeArrayLen(2); err != nil {
		return err
	}
	if err := e.EncodeInt(in.X); err != nil {
		return err
	}
	return e.EncodeString(in.S)
}

func (testCodec) DecodeInput(d *msgpack.Decoder, in *testInput) error {
	f := wire.ReadFields(d)
	in.X = f.Int("x", -1000, 1000)
	in.S = f.String("s", 8)
	return f.Done()
}

// seedFrames returns the golden frames, the frames of the compatibility and malformed-body tests,
// an input frame and the hostile values.
func seedFrames(tb testing.TB) [][]byte {
	var seeds [][]byte
	for _, g := range goldenCases {
		seeds = append(seeds, unhex(tb, g.hex))
	}
	in, err := wire.EncodeInput(nil, testCodec{}, wire.InputHeader{Seq: 1, Tick: 300, Ack: 299, Rewind: 384}, &testInput{X: -5, S: "hi"})
	if err != nil {
		tb.Fatal(err)
	}
	seeds = append(seeds, in, unhex(tb, "92 03 94 01 02 03 92 d1fc18 a0"), unhex(tb, "92 ccc8 a2 6869"))
	for _, g := range goldenBatches {
		seeds = append(seeds, unhex(tb, g.hex))
	}
	seeds = append(seeds, unhex(tb, "92 0b 94 01 02 03 92 90 91 92 cd0fa0 a0"), unhex(tb, "92 0b 94 ceffffffff 02 03 92 90 90"))
	for _, h := range hostileValues {
		seeds = append(seeds, unhex(tb, h.hex))
	}
	return seeds
}

// addBodies adds the body of every seed frame with the given op, and a few bodies that are wrong for
// every message.
func addBodies(f *testing.F, op wire.Op) {
	for _, s := range seedFrames(f) {
		if fr, err := wire.Decode(s); err == nil && fr.Op == op {
			f.Add(fr.Body)
		}
	}
	for _, h := range []string{"", "90", "c0", "80", "91 c0", "91 a1 78", "91 ff", "dd ffffffff", "91 cf ffffffffffffffff"} {
		f.Add(unhex(f, h))
	}
}

// checkErr fails unless err is nil or wraps ErrMalformed.
func checkErr(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil && !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("%s: error does not wrap ErrMalformed: %v", what, err)
	}
}

// roundTrip checks that m, which was decoded from a frame, encodes to a frame that decodes to an
// equal message, and that encoding that message gives the same bytes again.
func roundTrip(t *testing.T, m wire.Message) {
	t.Helper()
	enc, err := wire.Encode(nil, m)
	if err != nil {
		t.Fatalf("re-encoding %+v: %v", m, err)
	}
	fr, err := wire.Decode(enc)
	if err != nil {
		t.Fatalf("re-encoded frame % x does not decode: %v", enc, err)
	}
	m2 := newMessage(m.Op())
	if err := fr.Decode(m2); err != nil {
		t.Fatalf("re-encoded frame % x does not decode: %v", enc, err)
	}
	if !reflect.DeepEqual(m, m2) {
		t.Fatalf("round trip changed the message:\n was %+v\n now %+v", m, m2)
	}
	if enc2, err := wire.Encode(nil, m2); err != nil || !bytes.Equal(enc, enc2) {
		t.Fatalf("encoding is not stable: % x, then % x (%v)", enc, enc2, err)
	}
}

func FuzzValidate(f *testing.F) {
	for _, s := range seedFrames(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		err := wire.Validate(b)
		checkErr(t, "Validate", err)
		if err != nil {
			return
		}
		// What Validate accepts, msgpack can walk: exactly one value, nothing left over.
		r := bytes.NewReader(b)
		if err := msgpack.NewDecoder(r).Skip(); err != nil {
			t.Fatalf("Validate accepted % x, but msgpack cannot skip it: %v", b, err)
		}
		if r.Len() != 0 {
			t.Fatalf("Validate accepted % x, but msgpack's value ends %d bytes early", b, r.Len())
		}
		if wire.Validate(append(b[:len(b):len(b)], 0)) == nil {
			t.Fatalf("Validate accepted % x with a trailing byte", b)
		}
	})
}

func FuzzDecodeFrame(f *testing.F) {
	for _, s := range seedFrames(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, frame []byte) {
		fr, err := wire.Decode(frame)
		checkErr(t, "Decode", err)
		if err != nil {
			return
		}
		if wire.Validate(frame) != nil {
			t.Fatalf("Decode accepted % x, which does not validate", frame)
		}
		if len(fr.Body) == 0 || !bytes.HasSuffix(frame, fr.Body) {
			t.Fatalf("Decode(% x): body % x is not the frame's tail", frame, fr.Body)
		}
		if fr.Op == wire.OpInput {
			var h wire.InputHeader
			var in testInput
			err := wire.DecodeInput(fr.Body, testCodec{}, &h, &in)
			checkErr(t, "DecodeInput", err)
			if err == nil {
				inputRoundTrip(t, h, in)
			}
			return
		}
		if fr.Op == wire.OpInputs {
			var b wire.InputBatch[testInput]
			err := wire.DecodeInputs(fr.Body, testCodec{}, &b)
			checkErr(t, "DecodeInputs", err)
			if err == nil {
				inputsRoundTrip(t, &b)
			}
			return
		}
		m := newMessage(fr.Op)
		if m == nil {
			return // a reserved or game op: its body is someone else's
		}
		err = fr.Decode(m)
		checkErr(t, "Frame.Decode", err)
		if err == nil {
			roundTrip(t, m)
		}
	})
}

func inputRoundTrip(t *testing.T, h wire.InputHeader, in testInput) {
	t.Helper()
	enc, err := wire.EncodeInput(nil, testCodec{}, h, &in)
	if err != nil {
		t.Fatalf("re-encoding %+v %+v: %v", h, in, err)
	}
	fr, err := wire.Decode(enc)
	if err != nil || fr.Op != wire.OpInput {
		t.Fatalf("re-encoded input % x: %+v, %v", enc, fr, err)
	}
	var h2 wire.InputHeader
	var in2 testInput
	if err := wire.DecodeInput(fr.Body, testCodec{}, &h2, &in2); err != nil {
		t.Fatalf("re-encoded input % x does not decode: %v", enc, err)
	}
	if h2 != h || in2 != in {
		t.Fatalf("round trip changed the input: %+v %+v, now %+v %+v", h, in, h2, in2)
	}
}

func inputsRoundTrip(t *testing.T, b *wire.InputBatch[testInput]) {
	t.Helper()
	enc, err := wire.EncodeInputs(nil, testCodec{}, b)
	if err != nil {
		t.Fatalf("re-encoding %+v: %v", b, err)
	}
	fr, err := wire.Decode(enc)
	if err != nil || fr.Op != wire.OpInputs {
		t.Fatalf("re-encoded inputs % x: %+v, %v", enc, fr, err)
	}
	var b2 wire.InputBatch[testInput]
	if err := wire.DecodeInputs(fr.Body, testCodec{}, &b2); err != nil {
		t.Fatalf("re-encoded inputs % x do not decode: %v", enc, err)
	}
	if !reflect.DeepEqual(*b, b2) {
		t.Fatalf("round trip changed the inputs: %+v, now %+v", *b, b2)
	}
	if len(b2.Entries) == 0 || len(b2.Entries) > wire.MaxInputsPerMessage {
		t.Fatalf("decoded a batch of %d inputs", len(b2.Entries))
	}
}

// FuzzInputs fuzzes the body of an inputs frame, behind Decode's validation as the server reads it.
func FuzzInputs(f *testing.F) {
	addBodies(f, wire.OpInputs)
	dec := wire.NewInputDecoder[testInput](testCodec{})
	f.Fuzz(func(t *testing.T, body []byte) {
		fr, err := wire.Decode(append([]byte{0x92, byte(wire.OpInputs)}, body...))
		checkErr(t, "Decode", err)
		if err != nil {
			return
		}
		var b wire.InputBatch[testInput]
		err = wire.DecodeInputs(fr.Body, testCodec{}, &b)
		checkErr(t, "DecodeInputs", err)
		// The connection's own decoder, reused from input to input, must agree.
		var b2 wire.InputBatch[testInput]
		if err2 := dec.DecodeBatch(fr.Body, &b2); (err == nil) != (err2 == nil) || (err == nil && !reflect.DeepEqual(b, b2)) {
			t.Fatalf("DecodeInputs: %+v, %v; InputDecoder.DecodeBatch: %+v, %v", b, err, b2, err2)
		}
		if err == nil {
			inputsRoundTrip(t, &b)
		}
	})
}

// fuzzMessage fuzzes the body of one message type: the body is framed with the type's op, then
// decoded through Decode and Frame.Decode.
func fuzzMessage[M any, PM interface {
	*M
	wire.Message
}](f *testing.F) {
	op := PM(new(M)).Op()
	addBodies(f, op)
	f.Fuzz(func(t *testing.T, body []byte) {
		frame := append([]byte{0x92, byte(op)}, body...)
		fr, err := wire.Decode(frame)
		checkErr(t, "Decode", err)
		if err != nil {
			return
		}
		m := PM(new(M))
		err = fr.Decode(m)
		checkErr(t, "Frame.Decode", err)
		// DecodeBody straight on the body must agree.
		m2 := PM(new(M))
		if err2 := wire.DecodeBody(body, m2.DecodeBody); (err == nil) != (err2 == nil) {
			t.Fatalf("Frame.Decode: %v, but DecodeBody: %v", err, err2)
		}
		if err == nil {
			roundTrip(t, m)
		}
	})
}

func FuzzHello(f *testing.F)    { fuzzMessage[wire.Hello](f) }
func FuzzWelcome(f *testing.F)  { fuzzMessage[wire.Welcome](f) }
func FuzzSnapshot(f *testing.F) { fuzzMessage[wire.Snapshot](f) }
func FuzzRoster(f *testing.F)   { fuzzMessage[wire.Roster](f) }
func FuzzBye(f *testing.F)      { fuzzMessage[wire.Bye](f) }
func FuzzPing(f *testing.F)     { fuzzMessage[wire.Ping](f) }
func FuzzPong(f *testing.F)     { fuzzMessage[wire.Pong](f) }
func FuzzRedirect(f *testing.F) { fuzzMessage[wire.Redirect](f) }
