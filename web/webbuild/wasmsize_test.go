package webbuild

import (
	"bytes"
	"encoding/binary"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// wasmSec is a section: id, size, contents.
func wasmSec(id byte, body ...[]byte) []byte {
	b := bytes.Join(body, nil)
	return append(binary.AppendUvarint([]byte{id}, uint64(len(b))), b...)
}

func wasmName(s string) []byte { return append(binary.AppendUvarint(nil, uint64(len(s))), s...) }

func uv(n int) []byte { return binary.AppendUvarint(nil, uint64(n)) }

// testModule has one imported function (index 0) and three defined ones (1 to 3) of 3, 5 and
// 130 bytes of body, named in a name section.
func testModule(t *testing.T) []byte {
	t.Helper()
	imports := wasmSec(2, uv(1), wasmName("go"), wasmName("debug"), []byte{0}, uv(0))
	code := wasmSec(10, uv(3),
		uv(3), []byte{0, 0, 0x0b},
		uv(5), []byte{0, 1, 2, 3, 0x0b},
		uv(130), bytes.Repeat([]byte{1}, 130))
	names := wasmSec(0, wasmName("name"), wasmSec(1, uv(3),
		uv(1), wasmName("github.com_a_b_pkg.F"),
		uv(2), wasmName("type_.eq.github.com_a_b.T"),
		uv(3), wasmName("memeqbody")))
	data := wasmSec(11, []byte("data bytes"))
	return bytes.Join([][]byte{[]byte("\x00asm\x01\x00\x00\x00"), imports, code, data, names}, nil)
}

func TestParseWasm(t *testing.T) {
	t.Parallel()
	m, err := parseWasm(testModule(t))
	if err != nil {
		t.Fatal(err)
	}
	wantFuncs := []wasmFunc{{"github.com_a_b_pkg.F", 4}, {"type_.eq.github.com_a_b.T", 6}, {"memeqbody", 132}}
	if !reflect.DeepEqual(m.funcs, wantFuncs) {
		t.Errorf("funcs %v, want %v", m.funcs, wantFuncs)
	}
	var names []string
	for _, s := range m.sections {
		names = append(names, s.name)
	}
	if want := []string{"import", "code", "data", "custom:name"}; !reflect.DeepEqual(names, want) {
		t.Errorf("sections %v, want %v", names, want)
	}
	rows := codeByPackage(m.funcs, []string{"github.com/a/b", "github.com/a/b/pkg", "runtime"})
	wantRows := []SizeRow{{"(assembly and other)", 132}, {"github.com/a/b", 6}, {"github.com/a/b/pkg", 4}}
	if !reflect.DeepEqual(rows, wantRows) {
		t.Errorf("by package %v, want %v", rows, wantRows)
	}
	if got, want := byModule(append(rows, SizeRow{"fmt", 7})), []SizeRow{{"(assembly and other)", 132}, {"github.com/a/b", 10}, {"std", 7}}; !reflect.DeepEqual(got, want) {
		t.Errorf("by module %v, want %v", got, want)
	}
}

func TestStripWasmNames(t *testing.T) {
	t.Parallel()
	b := testModule(t)
	stripped, err := stripWasmNames(b)
	if err != nil {
		t.Fatal(err)
	}
	m, err := parseWasm(stripped)
	if err != nil {
		t.Fatal(err)
	}
	if last := m.sections[len(m.sections)-1].name; last != "data" || len(m.funcs) != 3 || m.funcs[0].name != "" {
		t.Errorf("stripped: last section %s, funcs %v; want data last and three unnamed funcs", last, m.funcs)
	}
	if !bytes.HasPrefix(b, stripped) {
		t.Error("stripping changed more than the name section")
	}
}

func TestParseWasmRefusesBrokenModules(t *testing.T) {
	t.Parallel()
	good := testModule(t)
	for name, b := range map[string][]byte{
		"not wasm":          []byte("\x7fELF\x02\x01\x01\x00"),
		"cut in a section":  good[:len(good)-3],
		"cut in the header": good[:5],
	} {
		if _, err := parseWasm(b); err == nil {
			t.Errorf("%s: parsed", name)
		} else if name == "cut in a section" && !errors.Is(err, errWasmTruncated) {
			t.Errorf("%s: %v, want %v", name, err, errWasmTruncated)
		}
	}
}

func TestWriteWasmSize(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	if err := writeWasmSize(&out, testModule(t), []string{"github.com/a/b/pkg"}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"brotli", "code by module", "github.com/a/b/pkg", "(assembly and other)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}
