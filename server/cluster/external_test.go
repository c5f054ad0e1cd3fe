package cluster

import (
	"context"
	"net"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// natsProcess is a separate nats-server process, the go.mod tool, on a loopback port.
type natsProcess struct {
	t    *testing.T
	bin  string
	port int
	dir  string
	cmd  *exec.Cmd
}

// goBinary is the go command that runs this test.
func goBinary() string {
	if p, err := exec.LookPath(filepath.Join(runtime.GOROOT(), "bin", "go")); err == nil {
		return p
	}
	return "go"
}

// startNATSProcess builds (or finds in the build cache) the nats-server tool pinned in go.mod and
// starts it with JetStream on a free 127.0.0.1 port and a temporary store. It runs the binary that
// `go tool -n` names rather than `go tool nats-server` itself, so that killing the process kills the
// server and not a go command waiting on it.
func startNATSProcess(t *testing.T) *natsProcess {
	t.Helper()
	out, err := exec.Command(goBinary(), "tool", "-n", "nats-server").Output()
	if err != nil {
		t.Fatalf("go tool -n nats-server: %v", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	p := &natsProcess{t: t, bin: strings.TrimSpace(string(out)), port: port, dir: t.TempDir()}
	p.start()
	t.Cleanup(p.stop)
	return p
}

func (p *natsProcess) url() string { return "nats://127.0.0.1:" + strconv.Itoa(p.port) }

func (p *natsProcess) start() {
	p.t.Helper()
	p.cmd = exec.Command(p.bin, "-a", "127.0.0.1", "-p", strconv.Itoa(p.port), "-js", "-sd", p.dir)
	if err := p.cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(p.port), 100*time.Millisecond)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("nats-server not listening on %d within 10s", p.port)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop kills the server as a crash would (SIGKILL) and waits for it.
func (p *natsProcess) stop() {
	if p.cmd == nil {
		return
	}
	p.cmd.Process.Kill()
	p.cmd.Wait()
	p.cmd = nil
}

func TestDirectoryRecoversAfterNATSRestart(t *testing.T) {
	t.Parallel()
	p := startNATSProcess(t)
	quick := func(c *Config) { c.MaxReconnectWait = 500 * time.Millisecond }
	a := startNode(t, "a", p.url(), newSeats(1), quick)
	b := startNode(t, "b", p.url(), newSeats(1, "b1"), quick)
	ctx := context.Background()
	r := RoomInfo{Game: "pong", Name: "b1", Seats: 4, Auto: true}
	if err := b.Claim(ctx, r); err != nil {
		t.Fatal(err)
	}
	eventually(t, 3*time.Second, "a sees b's room", func() bool { _, ok := a.Owner("pong", "b1"); return ok })

	// restart kills the server, runs change while it is down, starts it again on the same port
	// (fresh: with a new store), and waits until every node has reconnected and the directory, in
	// the bucket and in every view, is whole again.
	restart := func(fresh bool, change func()) {
		t.Helper()
		before := map[string]uint64{"a": a.Status().Reconnects, "b": b.Status().Reconnects}
		p.stop()
		eventually(t, 3*time.Second, "the nodes notice NATS is gone", func() bool { return !a.Status().Connected && !b.Status().Connected })
		change()
		time.Sleep(300 * time.Millisecond)
		if fresh {
			p.dir = t.TempDir()
		}
		p.start()
		restarted := time.Now()
		for _, n := range []*Node{a, b} {
			eventually(t, 10*time.Second, n.ID()+" reconnects and sees both nodes and b's room as it is now", func() bool {
				got, ok := n.Owner("pong", "b1")
				st := n.Status()
				return st.Connected && st.Reconnects > before[n.ID()] && ids(n.Nodes()) == "a b " && ok && got.Players == r.Players
			})
		}
		eventually(t, 5*time.Second, "b's room entry in the bucket", func() bool {
			e, err := a.rooms.Get(ctx, "pong.b1")
			return err == nil && strings.Contains(string(e.Value()), `"players":`+strconv.Itoa(r.Players))
		})
		t.Logf("fresh store %v: directory whole again %v after NATS restarted", fresh, time.Since(restarted).Round(10*time.Millisecond))
	}
	// The same store: JetStream's file store keeps the buckets; b writes the change it made meanwhile.
	restart(false, func() {
		r.Players = 3
		if err := b.UpdateRoom(r); err != nil {
			t.Fatal(err)
		}
	})
	// A NATS server that comes back without its state: the nodes create the buckets again,
	// re-register, and b writes its room again.
	restart(true, func() {
		r.Players = 4
		if err := b.UpdateRoom(r); err != nil {
			t.Fatal(err)
		}
	})

	// Everything works as before: a claim, a reservation, a dead node's expiry.
	if err := a.Claim(ctx, RoomInfo{Game: "pong", Name: "a1", Seats: 2}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Reserve(ctx, "b", SeatRequest{Game: "pong", Room: "b1", Name: "Ada"}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 3*time.Second, "b sees a's new room", func() bool { _, ok := b.Owner("pong", "a1"); return ok })
	b.Close()
	eventually(t, 5*time.Second, "a drops b", func() bool { _, ok := a.Owner("pong", "b1"); return !ok && ids(a.Nodes()) == "a " })
}
