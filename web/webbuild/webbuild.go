// Package webbuild builds the browser distribution of tickwire: the
// WebAssembly client, its precompressed variants, the static web files and
// the server binary. It is used by the repository's magefile.go and is an
// ordinary package so that its logic can be unit tested.
//
// Layout produced by [Build]:
//
//	dist/
//	  tickwire-server        server binary (tickwire-server.exe on Windows)
//	  www/
//	    index.html lobby.js loader.js style.css   copied from web/
//	    wasm_exec.js                     from $(go env GOROOT)/lib/wasm
//	    tickwire.wasm                    GOOS=js GOARCH=wasm ./wasmclient
//	    *.br *.gz                        every file above, precompressed
//
// All go commands run in the module root, which is found by walking up from
// the working directory to the nearest go.mod (see [ModuleRoot]). Relative
// output paths given to the functions of this package are relative to the
// working directory, not to the module root.
package webbuild

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// Names of the files Build produces.
const (
	WasmName     = "tickwire.wasm"
	WasmExecName = "wasm_exec.js"
	WWWDirName   = "www"
	serverName   = "tickwire-server"

	// WasmPkg and ServerPkg are the packages built, relative to the module
	// root.
	WasmPkg   = "./wasmclient"
	ServerPkg = "./server/cmd/tickwire"
)

// WebFiles are the committed page sources in <module root>/web that CopyWeb
// copies.
var WebFiles = []string{"index.html", "lobby.js", "loader.js", "style.css"}

// GoCmd is the go command used for builds, tests and go env. The magefile
// sets it to mg.GoCmd() so MAGEFILE_GOCMD is honoured.
var GoCmd = "go"

// Stdout and Stderr receive progress lines and the output of the commands
// this package runs.
var (
	Stdout io.Writer = os.Stdout
	Stderr io.Writer = os.Stderr
)

// WWWDir returns the directory of the static files inside dist.
func WWWDir(dist string) string { return filepath.Join(dist, WWWDirName) }

// ServerBinary returns the path of the server binary inside dist.
func ServerBinary(dist string) string {
	return filepath.Join(dist, serverName+exeSuffix(runtime.GOOS))
}

func exeSuffix(goos string) string {
	if goos == "windows" {
		return ".exe"
	}
	return ""
}

// ModuleRoot returns the directory of the nearest go.mod at or above the
// working directory.
func ModuleRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	return findModuleRoot(wd)
}

func findModuleRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := dir; ; {
		fi, err := os.Stat(filepath.Join(d, "go.mod"))
		if err == nil && fi.Mode().IsRegular() {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("webbuild: no go.mod found in %s or any parent directory", dir)
		}
		d = parent
	}
}

// BuildWasm builds the WebAssembly client (GOOS=js GOARCH=wasm, -trimpath,
// stripped) to out.
func BuildWasm(ctx context.Context, out string) error {
	root, err := ModuleRoot()
	if err != nil {
		return err
	}
	cmd, err := wasmBuildCmd(ctx, root, out, os.Environ())
	if err != nil {
		return err
	}
	return run(cmd)
}

func wasmBuildCmd(ctx context.Context, root, out string, environ []string) (*exec.Cmd, error) {
	abs, err := filepath.Abs(out)
	if err != nil {
		return nil, err
	}
	env := setEnv(environ, "GOOS", "js")
	env = setEnv(env, "GOARCH", "wasm")
	return goCommand(ctx, root, env,
		"build", "-trimpath", "-ldflags=-s -w", "-o", abs, WasmPkg), nil
}

// BuildServer builds the server command for the host platform to out.
func BuildServer(ctx context.Context, out string) error {
	root, err := ModuleRoot()
	if err != nil {
		return err
	}
	cmd, err := serverBuildCmd(ctx, root, out, os.Environ())
	if err != nil {
		return err
	}
	return run(cmd)
}

func serverBuildCmd(ctx context.Context, root, out string, environ []string) (*exec.Cmd, error) {
	abs, err := filepath.Abs(out)
	if err != nil {
		return nil, err
	}
	return goCommand(ctx, root, environ, "build", "-o", abs, ServerPkg), nil
}

// CopyWasmExec copies wasm_exec.js of the Go toolchain that builds the
// client (as reported by `go env GOROOT`) into dir. The JavaScript glue must
// match the toolchain that compiled tickwire.wasm.
func CopyWasmExec(dir string) error {
	goroot, err := goEnv(context.Background(), "GOROOT")
	if err != nil {
		return err
	}
	src := wasmExecPath(goroot)
	if src == "" {
		return fmt.Errorf("webbuild: %s not found in GOROOT %s (lib/wasm or misc/wasm)", WasmExecName, goroot)
	}
	return copyFile(filepath.Join(dir, WasmExecName), src)
}

// wasmExecPath returns the location of wasm_exec.js in goroot: lib/wasm
// since Go 1.24, misc/wasm before. It returns "" if neither exists.
func wasmExecPath(goroot string) string {
	for _, p := range []string{
		filepath.Join(goroot, "lib", "wasm", WasmExecName),
		filepath.Join(goroot, "misc", "wasm", WasmExecName),
	} {
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p
		}
	}
	return ""
}

// CopyWeb copies the page sources (WebFiles from <module root>/web) into
// dir, creating dir if needed.
func CopyWeb(dir string) error {
	root, err := ModuleRoot()
	if err != nil {
		return err
	}
	for _, name := range WebFiles {
		if err := copyFile(filepath.Join(dir, name), filepath.Join(root, "web", name)); err != nil {
			return err
		}
	}
	return nil
}

// Build produces the complete distribution in dist (see the package
// documentation for the layout), printing short progress lines to Stdout.
func Build(ctx context.Context, dist string) error {
	www := WWWDir(dist)
	if err := os.MkdirAll(www, 0o755); err != nil {
		return err
	}
	wasm := filepath.Join(www, WasmName)
	steps := []struct {
		msg string
		fn  func() error
	}{
		{"copy " + strings.Join(WebFiles, ", "), func() error { return CopyWeb(www) }},
		{"copy " + WasmExecName, func() error { return CopyWasmExec(www) }},
		{"build " + WasmName + " (GOOS=js GOARCH=wasm " + WasmPkg + ")", func() error { return BuildWasm(ctx, wasm) }},
		{"compress " + WasmName, func() error { return Precompress(wasm) }},
		// The page's small files too: 54 KB as they are, 15 KB in brotli.
		{"compress the page's files", func() error { return precompressAll(www, append([]string{WasmExecName}, WebFiles...)) }},
		{"build " + ServerBinary(dist) + " (" + ServerPkg + ")", func() error { return BuildServer(ctx, ServerBinary(dist)) }},
	}
	for _, s := range steps {
		if err := ctx.Err(); err != nil {
			return err
		}
		start := time.Now()
		fmt.Fprintf(Stdout, "webbuild: %s\n", s.msg)
		if err := s.fn(); err != nil {
			return fmt.Errorf("webbuild: %s: %w", s.msg, err)
		}
		if d := time.Since(start); d > time.Second {
			fmt.Fprintf(Stdout, "webbuild:   done in %s\n", d.Round(100*time.Millisecond))
		}
	}
	fmt.Fprintf(Stdout, "webbuild: %s\n", sizeSummary(wasm))
	return nil
}

// precompressAll precompresses the named files of dir.
func precompressAll(dir string, names []string) error {
	for _, name := range names {
		if err := Precompress(filepath.Join(dir, name)); err != nil {
			return err
		}
	}
	return nil
}

// sizeSummary describes the sizes of a file and its compressed variants,
// e.g. "tickwire.wasm 19.2 MB, .br 3.8 MB, .gz 4.6 MB".
func sizeSummary(path string) string {
	var parts []string
	for i, suffix := range []string{"", BrotliSuffix, GzipSuffix} {
		fi, err := os.Stat(path + suffix)
		if err != nil {
			continue
		}
		name := suffix
		if i == 0 {
			name = filepath.Base(path)
		}
		parts = append(parts, fmt.Sprintf("%s %s", name, FormatMB(fi.Size())))
	}
	return strings.Join(parts, ", ")
}

// FormatMB formats a byte count in decimal megabytes with one decimal, the
// same way the browser loader does ("19.2 MB").
func FormatMB(n int64) string {
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}

// goCommand prepares `go args...` in dir with the given environment,
// streaming its output to Stdout/Stderr.
func goCommand(ctx context.Context, dir string, env []string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, GoCmd, args...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdout = Stdout
	cmd.Stderr = Stderr
	return cmd
}

// run runs cmd, describing it in the error.
func run(cmd *exec.Cmd) error {
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w", strings.Join(cmd.Args, " "), err)
	}
	return nil
}

// goEnv returns the value of `go env key`.
func goEnv(ctx context.Context, key string) (string, error) {
	var out, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, GoCmd, "env", key)
	cmd.Stdout = &out
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go env %s: %w: %s", key, err, strings.TrimSpace(stderr.String()))
	}
	v := strings.TrimSpace(out.String())
	if v == "" {
		return "", fmt.Errorf("go env %s: empty", key)
	}
	return v, nil
}

// setEnv returns a copy of environ with key set to value, replacing any
// previous entries for key.
func setEnv(environ []string, key, value string) []string {
	out := make([]string, 0, len(environ)+1)
	for _, kv := range environ {
		k, _, _ := strings.Cut(kv, "=")
		if envKeyEqual(k, key) {
			continue
		}
		out = append(out, kv)
	}
	return append(out, key+"="+value)
}

func envKeyEqual(a, b string) bool {
	if runtime.GOOS == "windows" {
		return strings.EqualFold(a, b)
	}
	return a == b
}

// copyFile copies src to dst (mode 0644) through a temporary file, so dst is
// never left half-written.
func copyFile(dst, src string) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return writeAtomic(dst, func(w io.Writer) error {
		_, err := io.Copy(w, in)
		return err
	})
}

// writeAtomic writes dst via fill into a temporary file in the same
// directory and renames it into place.
func writeAtomic(dst string, fill func(io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := fill(tmp); err != nil {
		return err
	}
	if err := tmp.Chmod(0o644); err != nil && !errors.Is(err, errors.ErrUnsupported) && runtime.GOOS != "windows" {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), dst)
}
