package webbuild

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/andybalholm/brotli"
)

// A WebAssembly module as WasmSize reads it: its sections' sizes and its functions' code sizes,
// named by the module's "name" section. Go's linker writes that section unless -s is given, and
// it is the only post-link record of which function is which: `go tool nm` cannot read a
// wasm file, and a package's object file still holds the code the linker drops as unreachable.
type wasmModule struct {
	sections []wasmSection
	funcs    []wasmFunc // the defined functions, in the code section's order
}

type wasmSection struct {
	name string // "code", "data", ... or "custom:NAME"
	size int    // of the whole section: id, size field and contents
}

type wasmFunc struct {
	name string // as the linker wrote it ("" when the module has no name section)
	size int    // of the body in the code section, its size field included
}

var wasmSectionNames = []string{"custom", "type", "import", "function", "table", "memory", "global",
	"export", "start", "element", "code", "data", "datacount"}

// errWasmTruncated is what a module cut short (or lying about a size) reads as.
var errWasmTruncated = errors.New("wasm: truncated module")

// wasmReader reads the LEB128 numbers and length-prefixed fields of a module.
type wasmReader struct {
	b   []byte
	err error
}

func (r *wasmReader) uleb() int {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 || v > 1<<32 {
		r.err = errWasmTruncated
		return 0
	}
	r.b = r.b[n:]
	return int(v)
}

func (r *wasmReader) bytes(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.b) {
		r.err = errWasmTruncated
		return nil
	}
	b := r.b[:n]
	r.b = r.b[n:]
	return b
}

func (r *wasmReader) byte() byte {
	b := r.bytes(1)
	if b == nil {
		return 0
	}
	return b[0]
}

// parseWasm reads the sections of a module, the code section's function sizes and the name
// section's function names.
func parseWasm(b []byte) (*wasmModule, error) {
	if len(b) < 8 || !bytes.Equal(b[:4], []byte("\x00asm")) {
		return nil, errors.New("wasm: not a WebAssembly module (no \\0asm header)")
	}
	r := &wasmReader{b: b[8:]}
	m := &wasmModule{}
	imported := 0 // functions imported: the name section counts them first
	names := map[int]string{}
	for len(r.b) > 0 && r.err == nil {
		start := len(r.b)
		id := r.byte()
		body := &wasmReader{b: r.bytes(r.uleb())}
		size := start - len(r.b)
		name := fmt.Sprintf("section %d", id)
		if int(id) < len(wasmSectionNames) {
			name = wasmSectionNames[id]
		}
		switch id {
		case 0:
			custom := string(body.bytes(body.uleb()))
			name = "custom:" + custom
			if custom == "name" {
				readWasmNames(body, names)
			}
		case 2:
			for n := body.uleb(); n > 0 && body.err == nil; n-- {
				body.bytes(body.uleb()) // module
				body.bytes(body.uleb()) // field
				switch kind := body.byte(); kind {
				case 0: // function: type index
					body.uleb()
					imported++
				case 1: // table: reftype, limits
					body.byte()
					readWasmLimits(body)
				case 2: // memory: limits
					readWasmLimits(body)
				case 3: // global: valtype, mutability
					body.bytes(2)
				default:
					body.err = fmt.Errorf("wasm: import of unknown kind %d", kind)
				}
			}
		case 10:
			for n := body.uleb(); n > 0 && body.err == nil; n-- {
				before := len(body.b)
				body.bytes(body.uleb())
				m.funcs = append(m.funcs, wasmFunc{size: before - len(body.b)})
			}
		}
		if body.err != nil {
			return nil, fmt.Errorf("%s section: %w", name, body.err)
		}
		m.sections = append(m.sections, wasmSection{name: name, size: size})
	}
	if r.err != nil {
		return nil, r.err
	}
	for i := range m.funcs {
		m.funcs[i].name = names[imported+i]
	}
	return m, nil
}

func readWasmLimits(r *wasmReader) {
	if r.byte()&1 != 0 {
		r.uleb()
	}
	r.uleb()
}

// readWasmNames reads the function names (subsection 1) of a name section into names, by
// function index.
func readWasmNames(r *wasmReader, names map[int]string) {
	for len(r.b) > 0 && r.err == nil {
		id := r.byte()
		sub := &wasmReader{b: r.bytes(r.uleb())}
		if id != 1 {
			continue
		}
		for n := sub.uleb(); n > 0 && sub.err == nil; n-- {
			idx := sub.uleb()
			names[idx] = string(sub.bytes(sub.uleb()))
		}
		if sub.err != nil {
			r.err = sub.err
		}
	}
}

// strip returns the module without its custom "name" section: the bytes that a build with
// -ldflags=-s ships.
func stripWasmNames(b []byte) ([]byte, error) {
	if len(b) < 8 {
		return nil, errWasmTruncated
	}
	out := append([]byte(nil), b[:8]...)
	r := &wasmReader{b: b[8:]}
	for len(r.b) > 0 && r.err == nil {
		start := r.b
		id := r.byte()
		body := r.bytes(r.uleb())
		whole := start[:len(start)-len(r.b)]
		if id == 0 {
			br := &wasmReader{b: body}
			if string(br.bytes(br.uleb())) == "name" {
				continue
			}
		}
		out = append(out, whole...)
	}
	return out, r.err
}

// wasmNameMangle is how Go's wasm linker spells a symbol in the name section
// (cmd/link/internal/wasm: every character other than a word character or '.' becomes '_').
var wasmNameMangle = regexp.MustCompile(`[^\w.]`)

// A SizeRow is a package's (or a module's, or a section's) share of the module, in bytes.
type SizeRow struct {
	Name  string
	Bytes int
}

// codeByPackage adds up the functions' code by the package that defines them, given the import
// paths linked into the module (`go list -deps`). A function's package is the longest import path
// whose mangled spelling, followed by '.', begins its name; the type equality functions
// ("type:.eq.P.T") count for P. Functions of no listed package (the runtime's assembly, such as
// memeqbody) are "(assembly and other)".
func codeByPackage(funcs []wasmFunc, pkgs []string) []SizeRow {
	byMangled := map[string]string{}
	for _, p := range pkgs {
		byMangled[wasmNameMangle.ReplaceAllString(p, "_")] = p
	}
	total := map[string]int{}
	for _, f := range funcs {
		name := strings.TrimPrefix(f.name, "type_.eq.")
		pkg := "(assembly and other)"
		for i := len(name); i > 0; i = strings.LastIndexByte(name[:i], '.') {
			if p, ok := byMangled[name[:i]]; ok && i < len(name) {
				pkg = p
				break
			}
		}
		total[pkg] += f.size
	}
	return sortedRows(total)
}

// byModule folds package rows into their modules: the standard library is "std", a module path
// is its first three elements (github.com/owner/repo), which is right for every module tickwire
// uses.
func byModule(rows []SizeRow) []SizeRow {
	total := map[string]int{}
	for _, r := range rows {
		mod := "std"
		if first, _, _ := strings.Cut(r.Name, "/"); strings.Contains(first, ".") {
			parts := strings.SplitN(r.Name, "/", 4)
			mod = strings.Join(parts[:min(3, len(parts))], "/")
		} else if strings.HasPrefix(r.Name, "(") {
			mod = r.Name
		}
		total[mod] += r.Bytes
	}
	return sortedRows(total)
}

func sortedRows(total map[string]int) []SizeRow {
	rows := make([]SizeRow, 0, len(total))
	for k, v := range total {
		rows = append(rows, SizeRow{k, v})
	}
	slices.SortFunc(rows, func(a, b SizeRow) int {
		return cmp.Or(cmp.Compare(b.Bytes, a.Bytes), cmp.Compare(a.Name, b.Name))
	})
	return rows
}

// BrotliSize returns the size of b compressed as Precompress compresses it (brotli at
// DefaultBrotliQuality, or BrotliQualityEnv's).
func BrotliSize(b []byte) (int, error) {
	quality, err := brotliQuality(os.Getenv(BrotliQualityEnv))
	if err != nil {
		return 0, err
	}
	var n countWriter
	w := brotli.NewWriterOptions(&n, brotli.WriterOptions{Quality: quality, LGWin: brotliLGWin})
	if _, err := w.Write(b); err != nil {
		return 0, err
	}
	if err := w.Close(); err != nil {
		return 0, err
	}
	return int(n), nil
}

type countWriter int64

func (c *countWriter) Write(p []byte) (int, error) {
	*c += countWriter(len(p))
	return len(p), nil
}

// WasmSizeTop is how many packages WasmSize lists.
const WasmSizeTop = 40

// WasmSize builds the WebAssembly client as BuildWasm does but keeping the function names, and
// writes to w where its bytes go: the module's size raw and after brotli (as served), its
// sections, and the code section by module and by package (the WasmSizeTop largest). The code is
// what a package costs after the linker dropped what nothing reaches; the data section (strings,
// type descriptors, the function tables the runtime needs) is not split by package, and grows
// with the code.
func WasmSize(ctx context.Context, w io.Writer) error {
	root, err := ModuleRoot()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "tickwire-wasmsize-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, WasmName)
	env := setEnv(setEnv(os.Environ(), "GOOS", "js"), "GOARCH", "wasm")
	if err := run(goCommand(ctx, root, env, "build", "-trimpath", "-ldflags=-w", "-o", out, WasmPkg)); err != nil {
		return err
	}
	list := exec.CommandContext(ctx, GoCmd, "list", "-deps", "-f", "{{.ImportPath}}", WasmPkg)
	list.Dir, list.Env, list.Stderr = root, env, Stderr
	pkgs, err := list.Output()
	if err != nil {
		return fmt.Errorf("go list -deps %s: %w", WasmPkg, err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		return err
	}
	return writeWasmSize(w, b, strings.Fields(string(pkgs)))
}

func writeWasmSize(w io.Writer, b []byte, pkgs []string) error {
	m, err := parseWasm(b)
	if err != nil {
		return err
	}
	shipped, err := stripWasmNames(b)
	if err != nil {
		return err
	}
	br, err := BrotliSize(shipped)
	if err != nil {
		return err
	}
	var sections []SizeRow
	for _, s := range m.sections {
		if s.name != "custom:name" {
			sections = append(sections, SizeRow{s.name, s.size})
		}
	}
	code := codeByPackage(m.funcs, pkgs)
	codeTotal := 0
	for _, r := range code {
		codeTotal += r.Bytes
	}
	fmt.Fprintf(w, "%s: %s raw, %s brotli (%d and %d bytes; without the name section, as shipped)\n\n",
		WasmName, FormatMB(int64(len(shipped))), FormatMB(int64(br)), len(shipped), br)
	writeRows(w, "section", sortedRows(rowMap(sections)), len(shipped), 0)
	fmt.Fprintf(w, "\ncode by module (%s of code)\n", FormatMB(int64(codeTotal)))
	writeRows(w, "module", byModule(code), codeTotal, 0)
	fmt.Fprintf(w, "\ncode by package, the %d largest\n", WasmSizeTop)
	writeRows(w, "package", code, codeTotal, WasmSizeTop)
	return nil
}

func rowMap(rows []SizeRow) map[string]int {
	m := map[string]int{}
	for _, r := range rows {
		m[r.Name] += r.Bytes
	}
	return m
}

// writeRows writes rows as "bytes  share  name" lines; top > 0 keeps that many.
func writeRows(w io.Writer, what string, rows []SizeRow, total, top int) {
	fmt.Fprintf(w, "%10s %6s  %s\n", "bytes", "share", what)
	for i, r := range rows {
		if top > 0 && i == top {
			break
		}
		fmt.Fprintf(w, "%10d %5.1f%%  %s\n", r.Bytes, 100*float64(r.Bytes)/float64(max(total, 1)), r.Name)
	}
}
