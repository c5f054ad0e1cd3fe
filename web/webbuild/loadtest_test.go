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
