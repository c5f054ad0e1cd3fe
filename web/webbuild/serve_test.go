//go:build unix

package webbuild

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// helperEnv selects a helper-process behaviour in TestMain.
const helperEnv = "WEBBUILD_TEST_HELPER"

func TestMain(m *testing.M) {
	switch os.Getenv(helperEnv) {
	case "":
		os.Exit(m.Run())
	case "trap": // report the first SIGINT/SIGTERM and exit 0
		c := make(chan os.Signal, 1)
		signal.Notify(c, os.Interrupt, syscall.SIGTERM)
		fmt.Println("ready")
		fmt.Println("got", <-c)
		os.Exit(0)
	case "ignore": // ignore SIGINT/SIGTERM; only SIGKILL helps
		signal.Ignore(os.Interrupt, syscall.SIGTERM)
		fmt.Println("ready")
		time.Sleep(time.Minute)
		os.Exit(0)
	case "default": // die from the signal
		fmt.Println("ready")
		time.Sleep(time.Minute)
		os.Exit(0)
	case "exit3": // fail on its own
		fmt.Println("ready")
		os.Exit(3)
	}
	os.Exit(2)
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestForwardSignals(t *testing.T) {
	t.Parallel()
	const grace = 300 * time.Millisecond
	tests := []struct {
		name       string
		helper     string
		signal     os.Signal // sent through the channel; nil = cancel ctx
		wantOutput string
		wantErr    bool
		minTime    time.Duration
	}{
		{name: "SIGTERM forwarded", helper: "trap", signal: syscall.SIGTERM, wantOutput: "got terminated"},
		{name: "SIGINT forwarded", helper: "trap", signal: os.Interrupt, wantOutput: "got interrupt"},
		{name: "cancel sends SIGINT", helper: "trap", wantOutput: "got interrupt"},
		{name: "death by forwarded signal is no error", helper: "default", signal: syscall.SIGTERM},
		{name: "killed after grace", helper: "ignore", minTime: grace},
		{name: "own failure is an error", helper: "exit3", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			out := &syncBuffer{}
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), helperEnv+"="+tt.helper)
			cmd.Stdout, cmd.Stderr = out, out
			sigs := make(chan os.Signal, 1)
			errc := make(chan error, 1)
			go func() { errc <- forwardSignals(ctx, cmd, sigs, grace) }()

			deadline := time.Now().Add(20 * time.Second)
			for !strings.Contains(out.String(), "ready") {
				if time.Now().After(deadline) {
					t.Fatalf("helper did not start; output %q", out.String())
				}
				time.Sleep(10 * time.Millisecond)
			}
			start := time.Now()
			if tt.helper != "exit3" {
				if tt.signal != nil {
					sigs <- tt.signal
				} else {
					cancel()
				}
			}
			select {
			case err := <-errc:
				if (err != nil) != tt.wantErr {
					t.Errorf("forwardSignals error = %v, wantErr %v (output %q)", err, tt.wantErr, out.String())
				}
			case <-time.After(20 * time.Second):
				t.Fatal("forwardSignals did not return")
			}
			if d := time.Since(start); d < tt.minTime {
				t.Errorf("returned after %v, want at least %v", d, tt.minTime)
			}
			if !strings.Contains(out.String(), tt.wantOutput) {
				t.Errorf("output %q does not contain %q", out.String(), tt.wantOutput)
			}
		})
	}
}
