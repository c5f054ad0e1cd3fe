package webbuild

import (
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// DefaultAddr is the listen address the server uses when TICKWIRE_ADDR is
// not set.
const DefaultAddr = ":8080"

// ServeURL returns the URL to open in a browser for a server listening on
// addr (a TICKWIRE_ADDR value): ":9000" and "0.0.0.0:9000" become
// http://localhost:9000; "" means DefaultAddr; a bare port "9000" is
// accepted too.
func ServeURL(addr string) string {
	addr = strings.TrimSpace(addr)
	if addr == "" {
		addr = DefaultAddr
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		if isPort(addr) {
			return "http://localhost:" + addr
		}
		return "http://" + addr
	}
	switch host {
	case "", "0.0.0.0", "::", "[::]":
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

func isPort(s string) bool {
	if s == "" || len(s) > 5 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// StopGrace is how long RunForwardingSignals waits for the child to exit
// after asking it to stop before killing it. It is shorter than the 5
// seconds mage waits for a target after Ctrl-C, so the child never outlives
// mage.
const StopGrace = 4 * time.Second

// RunForwardingSignals starts cmd and waits for it, forwarding SIGINT and
// SIGTERM received by this process to the child. When ctx is cancelled (mage
// cancels it on Ctrl-C) the child gets SIGINT, unless a signal was already
// forwarded. If the child has not exited StopGrace after the first stop
// request it is killed.
//
// On Unix the child runs in its own process group so that Ctrl-C in the
// terminal reaches it exactly once, through this function, rather than
// twice. An exit caused by a stop request (exit status 0 or death by the
// forwarded signal) is not an error.
func RunForwardingSignals(ctx context.Context, cmd *exec.Cmd) error {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	return forwardSignals(ctx, cmd, sigs, StopGrace)
}

func forwardSignals(ctx context.Context, cmd *exec.Cmd, sigs <-chan os.Signal, grace time.Duration) error {
	setProcessGroup(cmd)
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	var (
		stopping bool
		kill     <-chan time.Time
		ctxDone  = ctx.Done()
	)
	stop := func(sig os.Signal) {
		if err := cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
			// Signals are unsupported (Windows): kill instead.
			cmd.Process.Kill()
		}
		if !stopping {
			stopping = true
			kill = time.After(grace)
		}
	}
	for {
		select {
		case err := <-done:
			if stopping && stoppedBySignal(err) {
				return nil
			}
			return err
		case sig := <-sigs:
			stop(sig)
		case <-ctxDone:
			ctxDone = nil
			if !stopping {
				stop(os.Interrupt)
			}
		case <-kill:
			kill = nil
			cmd.Process.Kill()
		}
	}
}

// stoppedBySignal reports whether err (from exec.Cmd.Wait) means the process
// exited successfully or was terminated by a signal.
func stoppedBySignal(err error) bool {
	if err == nil {
		return true
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return false
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled()
}
