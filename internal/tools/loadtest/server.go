package loadtest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// ServerOptions says how to start a server for a load run. Zero fields take the server's defaults.
type ServerOptions struct {
	// Binary is the tickwire server binary (go build ./server/cmd/tickwire).
	Binary string
	// TickRate, SnapshotRate, MaxPlayers (seats per room) and MaxRooms become the server's flags.
	TickRate, SnapshotRate, MaxPlayers, MaxRooms int
	// MaxConnsPerIP becomes -max-conns-per-ip: every bot reaches a loopback server from one address,
	// so it must allow them all (the server's default is 32).
	MaxConnsPerIP int
	// Args are more flags for the server.
	Args []string
	// Log receives the server's log. Nil discards it.
	Log io.Writer
	// StartTimeout is how long the server has to say where it listens. Defaults to 10 s.
	StartTimeout time.Duration
}

// Server is a server process started by [StartServer], listening on loopback.
type Server struct {
	// URL is the WebSocket endpoint; AdminURL the admin listener (metrics and pprof).
	URL, AdminURL string
	// PID is the process id, whose /proc entry a [ServerProbe] reads.
	PID int

	cmd    *exec.Cmd
	exited chan struct{}
	err    error // from Wait, once exited is closed
}

// args returns the server's command-line flags.
func (o ServerOptions) args() []string {
	args := []string{"-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0", "-www", ""}
	for _, f := range []struct {
		name string
		v    int
	}{{"-tick-rate", o.TickRate}, {"-snapshot-rate", o.SnapshotRate}, {"-max-players", o.MaxPlayers}, {"-max-rooms", o.MaxRooms},
		{"-max-conns-per-ip", o.MaxConnsPerIP}} {
		if f.v > 0 {
			args = append(args, f.name, strconv.Itoa(f.v))
		}
	}
	return append(args, o.Args...)
}

// StartServer runs the server binary on loopback ports of its choosing, with its admin listener on,
// and waits until it says where it listens.
func StartServer(ctx context.Context, o ServerOptions) (*Server, error) {
	if o.StartTimeout <= 0 {
		o.StartTimeout = 10 * time.Second
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	cmd := exec.Command(o.Binary, o.args()...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start the server: %w", err)
	}
	s := &Server{PID: cmd.Process.Pid, cmd: cmd, exited: make(chan struct{})}

	// Read the log for the two addresses, then keep passing it on.
	addrs := make(chan [2]string, 1)
	var tail tailBuffer
	go func() {
		lines := bufio.NewScanner(stderr)
		lines.Buffer(make([]byte, 64<<10), 1<<20)
		var game, admin string
		for lines.Scan() {
			line := lines.Text()
			fmt.Fprintln(o.Log, line)
			tail.add(line)
			if game == "" || admin == "" {
				if a, ok := logAddr(line, "msg=listening addr="); ok {
					game = a
				}
				if a, ok := logAddr(line, `msg="admin listening" addr=`); ok {
					admin = a
				}
				if game != "" && admin != "" {
					addrs <- [2]string{game, admin}
				}
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
	}()
	go func() {
		s.err = cmd.Wait()
		close(s.exited)
	}()

	timer := time.NewTimer(o.StartTimeout)
	defer timer.Stop()
	select {
	case a := <-addrs:
		s.URL, s.AdminURL = "ws://"+a[0]+"/ws", "http://"+a[1]
		return s, nil
	case <-s.exited:
		return nil, fmt.Errorf("the server exited at start (%v):\n%s", s.err, tail.String())
	case <-timer.C:
		err = fmt.Errorf("the server did not say where it listens within %s:\n%s", o.StartTimeout, tail.String())
	case <-ctx.Done():
		err = ctx.Err()
	}
	_ = cmd.Process.Kill()
	<-s.exited
	return nil, err
}

func logAddr(line, marker string) (string, bool) {
	_, rest, ok := strings.Cut(line, marker)
	if !ok {
		return "", false
	}
	addr, _, _ := strings.Cut(rest, " ")
	return addr, addr != ""
}

// Probe returns a probe of the server's metrics and process.
func (s *Server) Probe() *ServerProbe { return &ServerProbe{AdminURL: s.AdminURL, PID: s.PID} }

// Stop asks the server to shut down (SIGTERM) and waits for it, killing it after 15 s.
func (s *Server) Stop() error {
	select {
	case <-s.exited:
		return s.exitErr()
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
		return s.exitErr()
	case <-time.After(15 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
		return errors.New("the server did not stop within 15 s of SIGTERM; killed it")
	}
}

func (s *Server) exitErr() error {
	if s.err != nil {
		return fmt.Errorf("the server exited: %w", s.err)
	}
	return nil
}

// tailBuffer keeps the last lines of a log, to explain a failed start.
type tailBuffer struct {
	mu    sync.Mutex
	lines []string
}

func (t *tailBuffer) add(line string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.lines = append(t.lines, line)
	if len(t.lines) > 20 {
		t.lines = t.lines[1:]
	}
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.Join(t.lines, "\n")
}
