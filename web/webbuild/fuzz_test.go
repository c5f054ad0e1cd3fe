package webbuild

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// newFuzzModule writes a throwaway module with fuzz targets:
//
//	fz/a: FuzzOK (never fails), FuzzBoom (fails on its seed), TestPlain
//	fz/b: no tests
func newFuzzModule(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	mustWrite(t, filepath.Join(root, "go.mod"), "module fz\n\ngo 1.24\n")
	mustMkdir(t, filepath.Join(root, "a"))
	mustMkdir(t, filepath.Join(root, "b"))
	mustWrite(t, filepath.Join(root, "a", "a.go"), "package a\n")
	mustWrite(t, filepath.Join(root, "a", "a_test.go"), `package a

import "testing"

func TestPlain(t *testing.T) {}

func FuzzOK(f *testing.F) {
	f.Add([]byte("x"))
	f.Fuzz(func(t *testing.T, b []byte) {})
}

func FuzzBoom(f *testing.F) {
	f.Add([]byte("boom"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if string(b) == "boom" {
			t.Fatal("boom")
		}
	})
}
`)
	mustWrite(t, filepath.Join(root, "b", "b.go"), "package b\n")
	return root
}

// TestFuzzIntegration runs the real go command on a throwaway module.
func TestFuzzIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test; skipped in -short mode")
	}
	t.Parallel()
	root := newFuzzModule(t)
	ctx := context.Background()

	targets, err := fuzzTargets(ctx, root, []string{"./..."})
	if err != nil {
		t.Fatal(err)
	}
	want := []FuzzTarget{{"fz/a", "FuzzOK"}, {"fz/a", "FuzzBoom"}}
	if !reflect.DeepEqual(targets, want) {
		t.Fatalf("fuzzTargets = %v, want %v", targets, want)
	}

	tests := []struct {
		target  string
		wantErr bool
	}{
		{"FuzzOK", false},
		{"FuzzBoom", true},
		// ^FuzzO$ must not match FuzzOK: the name is anchored.
		{"FuzzO", false},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			var out bytes.Buffer
			cmd := fuzzCmd(ctx, root, "fz/a", tt.target, "500ms", os.Environ())
			cmd.Stdout, cmd.Stderr = &out, &out
			err := run(cmd)
			if (err != nil) != tt.wantErr {
				t.Fatalf("fuzz %s: error = %v, wantErr %v\n%s", tt.target, err, tt.wantErr, out.String())
			}
			if tt.target == "FuzzO" && !bytes.Contains(out.Bytes(), []byte("no fuzz tests to fuzz")) {
				t.Errorf("fuzz %s: expected no target to match\n%s", tt.target, out.String())
			}
		})
	}
}

func TestFuzzTargetsBuildFailure(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test; skipped in -short mode")
	}
	t.Parallel()
	root := newFuzzModule(t)
	mustWrite(t, filepath.Join(root, "b", "b.go"), "package b\nfunc (\n")
	if got, err := fuzzTargets(context.Background(), root, []string{"./..."}); err == nil {
		t.Fatalf("fuzzTargets on a broken package = %v, want error", got)
	}
}
