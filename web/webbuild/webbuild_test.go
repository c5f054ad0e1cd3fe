package webbuild

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
)

func TestFindModuleRoot(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	mustWrite(t, filepath.Join(root, "go.mod"), "module example.com/x\n")
	mustMkdir(t, filepath.Join(root, "a", "b", "c"))
	// A directory called go.mod is not a module file.
	mustMkdir(t, filepath.Join(root, "a", "b", "go.mod"))
	inner := filepath.Join(root, "a", "inner")
	mustMkdir(t, inner)
	mustWrite(t, filepath.Join(inner, "go.mod"), "module example.com/inner\n")

	tests := []struct {
		name  string
		start string
		want  string
	}{
		{"at root", root, root},
		{"nested", filepath.Join(root, "a", "b", "c"), root},
		{"go.mod directory ignored", filepath.Join(root, "a", "b"), root},
		{"nearest wins", inner, inner},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := findModuleRoot(tt.start)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("findModuleRoot(%q) = %q, want %q", tt.start, got, tt.want)
			}
		})
	}
}

func TestFindModuleRootMissing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if _, err := findModuleRoot(filepath.Dir(dir)); err == nil {
		t.Skip("a go.mod exists above the temporary directory")
	}
	if got, err := findModuleRoot(dir); err == nil {
		t.Fatalf("findModuleRoot(%q) = %q, want error", dir, got)
	}
}

func TestModuleRoot(t *testing.T) {
	t.Parallel()
	root, err := ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	// The tests run in web/webbuild of this module.
	if _, err := os.Stat(filepath.Join(root, "web", "webbuild", "webbuild.go")); err != nil {
		t.Fatalf("ModuleRoot() = %q, which does not contain this package: %v", root, err)
	}
}

func TestBuildCommands(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	root := filepath.FromSlash("/src/tickwire")
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	environ := []string{"HOME=/home/x", "GOOS=linux", "GOARCH=amd64", "GOFLAGS=-mod=mod"}

	wasm, err := wasmBuildCmd(ctx, root, "out/tickwire.wasm", environ)
	if err != nil {
		t.Fatal(err)
	}
	server, err := serverBuildCmd(ctx, root, "out/tickwire-server", environ)
	if err != nil {
		t.Fatal(err)
	}
	fuzz := fuzzCmd(ctx, root, "github.com/tickwire/tickwire/shared/wire", "FuzzDecode", "50000x", environ)

	tests := []struct {
		name     string
		cmd      *exec.Cmd
		wantArgs []string
		wantEnv  map[string]string // exactly one entry each
	}{
		{
			name: "wasm",
			cmd:  wasm,
			wantArgs: []string{"build", "-trimpath", "-ldflags=-s -w", "-o",
				filepath.Join(wd, "out", "tickwire.wasm"), "./wasmclient"},
			wantEnv: map[string]string{"GOOS": "js", "GOARCH": "wasm", "HOME": "/home/x", "GOFLAGS": "-mod=mod"},
		},
		{
			name:     "server",
			cmd:      server,
			wantArgs: []string{"build", "-o", filepath.Join(wd, "out", "tickwire-server"), "./server/cmd/tickwire"},
			wantEnv:  map[string]string{"GOOS": "linux", "GOARCH": "amd64", "HOME": "/home/x"},
		},
		{
			name: "fuzz",
			cmd:  fuzz,
			wantArgs: []string{"test", "-run=^$", "-fuzz=^FuzzDecode$", "-fuzztime=50000x",
				"github.com/tickwire/tickwire/shared/wire"},
			wantEnv: map[string]string{"GOMEMLIMIT": "512MiB", "GOOS": "linux", "HOME": "/home/x"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.cmd.Args[1:]; !reflect.DeepEqual(got, tt.wantArgs) {
				t.Errorf("args = %q, want %q", got, tt.wantArgs)
			}
			if tt.cmd.Dir != root {
				t.Errorf("Dir = %q, want module root %q", tt.cmd.Dir, root)
			}
			for k, want := range tt.wantEnv {
				var got []string
				for _, kv := range tt.cmd.Env {
					if v, ok := strings.CutPrefix(kv, k+"="); ok {
						got = append(got, v)
					}
				}
				if len(got) != 1 || got[0] != want {
					t.Errorf("env %s = %q, want exactly [%q]", k, got, want)
				}
			}
		})
	}
}

func TestSetEnv(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		environ []string
		key     string
		value   string
		want    []string
	}{
		{"add", []string{"A=1"}, "B", "2", []string{"A=1", "B=2"}},
		{"replace", []string{"A=1", "B=0"}, "B", "2", []string{"A=1", "B=2"}},
		{"replace duplicates", []string{"B=0", "A=1", "B=9"}, "B", "2", []string{"A=1", "B=2"}},
		{"prefix is not a match", []string{"BB=0"}, "B", "2", []string{"BB=0", "B=2"}},
		{"empty", nil, "B", "", []string{"B="}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := slices.Clone(tt.environ)
			if got := setEnv(in, tt.key, tt.value); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("setEnv(%q, %q, %q) = %q, want %q", tt.environ, tt.key, tt.value, got, tt.want)
			}
			if !reflect.DeepEqual(in, tt.environ) {
				t.Errorf("setEnv modified its input: %q", in)
			}
		})
	}
}

func TestParseFuzzList(t *testing.T) {
	t.Parallel()
	const wire = "github.com/tickwire/tickwire/shared/wire"
	const sim = "github.com/tickwire/tickwire/shared/sim"
	tests := []struct {
		name    string
		out     string
		want    []FuzzTarget
		wantErr bool
	}{
		{name: "empty", out: "", want: nil},
		{
			name: "one package",
			out:  "FuzzDecode\nFuzzValidate\nok  \t" + wire + "\t0.004s\n",
			want: []FuzzTarget{{wire, "FuzzDecode"}, {wire, "FuzzValidate"}},
		},
		{
			name: "several packages",
			out: "FuzzDecode\nok  \t" + wire + "\t0.004s\n" +
				"?   \tgithub.com/tickwire/tickwire/shared/games/arena\t[no test files]\n" +
				"ok  \t" + sim + "\t0.002s\n" +
				"FuzzFixed\r\nok  \t" + sim + "/fixed\t(cached)\r\n",
			want: []FuzzTarget{{wire, "FuzzDecode"}, {sim + "/fixed", "FuzzFixed"}},
		},
		{
			name: "noise from TestMain ignored",
			out:  "hello from TestMain\nFuzzy\nFuzzDecode\nok  \t" + wire + "\t0.004s\n",
			want: []FuzzTarget{{wire, "FuzzDecode"}},
		},
		{name: "build failure", out: "FAIL\t" + wire + " [build failed]\nFAIL\n", wantErr: true},
		{name: "names without summary", out: "FuzzDecode\n", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseFuzzList(tt.out)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseFuzzList error = %v, wantErr %v", err, tt.wantErr)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseFuzzList = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestIsFuzzName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		want bool
	}{
		{"Fuzz", true},
		{"FuzzDecode", true},
		{"Fuzz_decode", true},
		{"Fuzz2", true},
		{"FuzzÄpfel", true},
		{"Fuzzy", false},
		{"fuzzDecode", false},
		{"TestDecode", false},
		{"FuzzDecode (cached)", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := isFuzzName(tt.name); got != tt.want {
				t.Errorf("isFuzzName(%q) = %v, want %v", tt.name, got, tt.want)
			}
		})
	}
}

func TestServeURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		addr string
		want string
	}{
		{"", "http://localhost:8080"},
		{":8080", "http://localhost:8080"},
		{":9000", "http://localhost:9000"},
		{" :9000 ", "http://localhost:9000"},
		{"0.0.0.0:9000", "http://localhost:9000"},
		{"[::]:9000", "http://localhost:9000"},
		{"127.0.0.1:9000", "http://127.0.0.1:9000"},
		{"[::1]:9000", "http://[::1]:9000"},
		{"game.example:80", "http://game.example:80"},
		{"9000", "http://localhost:9000"},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			t.Parallel()
			if got := ServeURL(tt.addr); got != tt.want {
				t.Errorf("ServeURL(%q) = %q, want %q", tt.addr, got, tt.want)
			}
		})
	}
}

func TestBrotliQuality(t *testing.T) {
	t.Parallel()
	tests := []struct {
		env     string
		want    int
		wantErr bool
	}{
		{"", DefaultBrotliQuality, false},
		{"11", 11, false},
		{" 0 ", 0, false},
		{"12", 0, true},
		{"-1", 0, true},
		{"max", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.env, func(t *testing.T) {
			t.Parallel()
			got, err := brotliQuality(tt.env)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("brotliQuality(%q) = %d, %v; want %d, error %v", tt.env, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestFormatMB(t *testing.T) {
	t.Parallel()
	tests := []struct {
		n    int64
		want string
	}{
		{0, "0.0 MB"},
		{49_999, "0.0 MB"},
		{50_000, "0.1 MB"},
		{19_227_022, "19.2 MB"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			t.Parallel()
			if got := FormatMB(tt.n); got != tt.want {
				t.Errorf("FormatMB(%d) = %q, want %q", tt.n, got, tt.want)
			}
		})
	}
}

func TestServerBinary(t *testing.T) {
	t.Parallel()
	tests := []struct {
		goos string
		want string
	}{
		{"linux", ""},
		{"darwin", ""},
		{"windows", ".exe"},
	}
	for _, tt := range tests {
		t.Run(tt.goos, func(t *testing.T) {
			t.Parallel()
			if got := exeSuffix(tt.goos); got != tt.want {
				t.Errorf("exeSuffix(%q) = %q, want %q", tt.goos, got, tt.want)
			}
		})
	}
	if got, want := ServerBinary("dist"), filepath.Join("dist", "tickwire-server"+exeSuffix(runtime.GOOS)); got != want {
		t.Errorf("ServerBinary = %q, want %q", got, want)
	}
}

// sampleData is large enough that compression is measurable but fast.
func sampleData() []byte {
	var b bytes.Buffer
	for i := range 20000 {
		b.WriteString("tickwire entity ")
		b.WriteByte(byte(i))
		b.WriteByte(byte(i >> 8))
	}
	return b.Bytes()
}

func readBrotli(t *testing.T, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(brotli.NewReader(f))
	if err != nil {
		t.Fatalf("brotli %s: %v", path, err)
	}
	return b
}

func readGzip(t *testing.T, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("gzip %s: %v", path, err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("gzip %s: %v", path, err)
	}
	return b
}

func TestPrecompress(t *testing.T) {
	t.Parallel()
	data := sampleData()
	old := time.Now().Add(-time.Hour)

	tests := []struct {
		name string
		// setup prepares dir/app.wasm (and possibly stale variants).
		setup        func(t *testing.T, src string)
		wantBrTouch  bool // whether .br must be (re)written
		wantGzTouch  bool
		wantBrSource []byte
	}{
		{
			name:        "fresh",
			setup:       func(t *testing.T, src string) { mustWrite(t, src, string(data)) },
			wantBrTouch: true, wantGzTouch: true,
		},
		{
			name: "up to date variants are kept",
			setup: func(t *testing.T, src string) {
				mustWrite(t, src, string(data))
				mustWrite(t, src+".br", "keep")
				mustWrite(t, src+".gz", "keep")
				chtimes(t, src, old)
				chtimes(t, src+".br", old.Add(time.Minute))
				chtimes(t, src+".gz", old.Add(time.Minute))
			},
		},
		{
			name: "stale variants are rewritten",
			setup: func(t *testing.T, src string) {
				mustWrite(t, src, string(data))
				mustWrite(t, src+".br", "stale")
				mustWrite(t, src+".gz", "stale")
				chtimes(t, src+".br", old)
				chtimes(t, src+".gz", old)
			},
			wantBrTouch: true, wantGzTouch: true,
		},
		{
			name: "only the stale one",
			setup: func(t *testing.T, src string) {
				mustWrite(t, src, string(data))
				mustWrite(t, src+".br", "stale")
				mustWrite(t, src+".gz", "keep")
				chtimes(t, src, old)
				chtimes(t, src+".br", old.Add(-time.Minute))
				chtimes(t, src+".gz", old.Add(time.Minute))
			},
			wantBrTouch: true,
		},
		{
			name: "equal times are stale",
			setup: func(t *testing.T, src string) {
				mustWrite(t, src, string(data))
				mustWrite(t, src+".br", "stale")
				mustWrite(t, src+".gz", "stale")
				chtimes(t, src, old)
				chtimes(t, src+".br", old)
				chtimes(t, src+".gz", old)
			},
			wantBrTouch: true, wantGzTouch: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			src := filepath.Join(dir, "app.wasm")
			tt.setup(t, src)
			if err := Precompress(src); err != nil {
				t.Fatal(err)
			}
			check := func(suffix string, touch bool, read func(*testing.T, string) []byte) {
				t.Helper()
				raw, err := os.ReadFile(src + suffix)
				if err != nil {
					t.Fatal(err)
				}
				if !touch {
					if string(raw) != "keep" {
						t.Errorf("%s was rewritten although up to date", suffix)
					}
					return
				}
				if got := read(t, src+suffix); !bytes.Equal(got, data) {
					t.Errorf("%s decodes to %d bytes, want the original %d", suffix, len(got), len(data))
				}
				if len(raw) >= len(data) {
					t.Errorf("%s is %d bytes, not smaller than the original %d", suffix, len(raw), len(data))
				}
				if !upToDate(src+suffix, mustStat(t, src)) {
					t.Errorf("%s is not newer than the source after Precompress", suffix)
				}
			}
			check(BrotliSuffix, tt.wantBrTouch, readBrotli)
			check(GzipSuffix, tt.wantGzTouch, readGzip)
			// No temporary files are left behind.
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				if strings.HasSuffix(e.Name(), ".tmp") {
					t.Errorf("temporary file left: %s", e.Name())
				}
			}
		})
	}
}

func TestPrecompressErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		name string
		path string
	}{
		{"missing", filepath.Join(dir, "missing.wasm")},
		{"directory", dir},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := Precompress(tt.path); err == nil {
				t.Errorf("Precompress(%q) succeeded, want error", tt.path)
			}
		})
	}
}

func TestCopyWeb(t *testing.T) {
	t.Parallel()
	root, err := ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "www")
	if err := CopyWeb(dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range WebFiles {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			want, err := os.ReadFile(filepath.Join(root, "web", name))
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("copied %s differs from the source", name)
			}
		})
	}
}

func TestCopyWasmExec(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := CopyWasmExec(dir); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, WasmExecName))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(got, []byte("globalThis.Go")) || !bytes.Contains(got, []byte("importObject")) {
		t.Errorf("%s does not look like Go's wasm_exec.js", WasmExecName)
	}
}

func TestWasmExecPath(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		files []string // created below the fake GOROOT
		want  string   // relative to it; "" = not found
	}{
		{"lib/wasm", []string{"lib/wasm/wasm_exec.js"}, "lib/wasm/wasm_exec.js"},
		{"old misc/wasm", []string{"misc/wasm/wasm_exec.js"}, "misc/wasm/wasm_exec.js"},
		{"lib/wasm preferred", []string{"misc/wasm/wasm_exec.js", "lib/wasm/wasm_exec.js"}, "lib/wasm/wasm_exec.js"},
		{"missing", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			goroot := t.TempDir()
			for _, f := range tt.files {
				p := filepath.Join(goroot, filepath.FromSlash(f))
				mustMkdir(t, filepath.Dir(p))
				mustWrite(t, p, "class Go {}")
			}
			want := ""
			if tt.want != "" {
				want = filepath.Join(goroot, filepath.FromSlash(tt.want))
			}
			if got := wasmExecPath(goroot); got != want {
				t.Errorf("wasmExecPath = %q, want %q", got, want)
			}
		})
	}
}

func mustWrite(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func mustMkdir(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(path, 0o755); err != nil {
		t.Fatal(err)
	}
}

func mustStat(t *testing.T, path string) os.FileInfo {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi
}

func chtimes(t *testing.T, path string, mod time.Time) {
	t.Helper()
	if err := os.Chtimes(path, mod, mod); err != nil {
		t.Fatal(err)
	}
}
