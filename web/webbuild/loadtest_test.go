package webbuild

import (
	"path/filepath"
	"runtime"
	"slices"
	"testing"
)

func TestLoadtestArgs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, env string
		want      []string
	}{
		{"none: the built server", "", []string{"-server", "dist/srv"}},
		{"flags follow", " -bots 5000  -rooms 500\t-json ", []string{"-server", "dist/srv", "-bots", "5000", "-rooms", "500", "-json"}},
		{"a running server", "-url ws://127.0.0.1:9000/ws -bots 10", []string{"-url", "ws://127.0.0.1:9000/ws", "-bots", "10"}},
		{"a running server, = form", "--url=ws://127.0.0.1:9000/ws", []string{"--url=ws://127.0.0.1:9000/ws"}},
		{"another binary", "-server /tmp/other", []string{"-server", "/tmp/other"}},
		{"a value that only looks like a name", "-server-log url", []string{"-server", "dist/srv", "-server-log", "url"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := LoadtestArgs("dist/srv", tt.env); !slices.Equal(got, tt.want) {
				t.Errorf("LoadtestArgs(%q) = %q, want %q", tt.env, got, tt.want)
			}
		})
	}
	if got, want := LoadtestBinary("dist"), filepath.Join("dist", "tickwire-loadtest"+exeSuffix(runtime.GOOS)); got != want {
		t.Errorf("LoadtestBinary = %q, want %q", got, want)
	}
}

func TestPerfSweep(t *testing.T) {
	t.Parallel()
	runs := PerfSweep()
	want := []struct{ file, bots, rooms, same string }{
		{"perroom-001.json", "200", "200", ""},
		{"perroom-010.json", "200", "20", ""},
		{"perroom-050.json", "200", "4", ""},
		{"perroom-100.json", "200", "2", ""},
		{"rooms-010.json", "100", "10", ""},
		{"rooms-020.json", "200", "20", "perroom-010.json"},
		{"rooms-040.json", "400", "40", ""},
		{"rooms-080.json", "800", "80", ""},
	}
	if len(runs) != len(want) {
		t.Fatalf("%d runs, want %d: %+v", len(runs), len(want), runs)
	}
	for i, w := range want {
		r := runs[i]
		flag := func(name string) string {
			if j := slices.Index(r.Args, name); j >= 0 && j+1 < len(r.Args) {
				return r.Args[j+1]
			}
			return ""
		}
		if r.File != w.file || flag("-bots") != w.bots || flag("-rooms") != w.rooms || r.Same != w.same ||
			flag("-lean") != "true" || !slices.Contains(r.Args, "-json") || flag("-duration") != PerfHold {
			t.Errorf("run %d: %+v, want %s with %s bots in %s rooms, lean, JSON, same as %q", i, r, w.file, w.bots, w.rooms, w.same)
		}
	}
}
