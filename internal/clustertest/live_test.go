package clustertest

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/tickwire/tickwire/shared/wire"
)

const tokenKey = "clustertest-key-0123456789abcdef0123"

func goBinary() string {
	if p, err := exec.LookPath(filepath.Join(runtime.GOROOT(), "bin", "go")); err == nil {
		return p
	}
	return "go"
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// natsServer is the nats-server process the go.mod pins, with JetStream, on a loopback port. It
// runs the binary `go tool -n` names, so that stopping it stops the server and not a go command.
type natsServer struct {
	bin, port, dir string
	cmd            *exec.Cmd
}

func (n *natsServer) url() string { return "nats://127.0.0.1:" + n.port }

// startNATS starts a NATS server on a free loopback port, with its store in a fresh folder.
func startNATS(t *testing.T) *natsServer {
	t.Helper()
	out, err := exec.Command(goBinary(), "tool", "-n", "nats-server").Output()
	if err != nil {
		t.Fatalf("go tool -n nats-server: %v", err)
	}
	n := &natsServer{bin: strings.TrimSpace(string(out)), port: strconv.Itoa(freePort(t)), dir: t.TempDir()}
	t.Cleanup(n.stop)
	n.start(t)
	return n
}

// start runs the server (again) on its port with its store, and waits until it listens.
func (n *natsServer) start(t *testing.T) {
	t.Helper()
	n.cmd = exec.Command(n.bin, "-a", "127.0.0.1", "-p", n.port, "-js", "-sd", n.dir)
	if err := n.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if c, err := net.DialTimeout("tcp", "127.0.0.1:"+n.port, 100*time.Millisecond); err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("nats-server not listening within 10 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop kills the server, if it runs, and waits for it to exit.
func (n *natsServer) stop() {
	if n.cmd != nil {
		_ = n.cmd.Process.Kill()
		_ = n.cmd.Wait()
		n.cmd = nil
	}
}

var built struct {
	once     sync.Once
	bin, dir string
	err      error
}

// TestMain removes the server binary the tests built.
func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// buildServer builds ./server/cmd/tickwire, once for all the tests of a run.
func buildServer(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		if built.dir, built.err = os.MkdirTemp("", "clustertest"); built.err != nil {
			return
		}
		built.bin = filepath.Join(built.dir, "tickwire-server")
		cmd := exec.Command(goBinary(), "build", "-o", built.bin, "./server/cmd/tickwire")
		cmd.Dir = "../.."
		if out, err := cmd.CombinedOutput(); err != nil {
			built.err = fmt.Errorf("build: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.bin
}

// server is one tickwire-server process.
type server struct {
	id, addr string
	admin    string // the admin listener's host:port, when started with -admin-addr
	cmd      *exec.Cmd
	exited   chan struct{} // closed when the process has exited, with err set
	err      error
	log      *logTail
}

func (s *server) ws() string { return "ws://" + s.addr + "/ws" }

func (s *server) hasExited() bool {
	select {
	case <-s.exited:
		return true
	default:
		return false
	}
}

// logTail keeps the newest lines of a server's log, for a failing test to show.
type logTail struct {
	mu    sync.Mutex
	lines []string
}

const logTailLines = 200

func (l *logTail) add(line string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.lines) == logTailLines {
		l.lines = append(l.lines[:0], l.lines[1:]...)
	}
	l.lines = append(l.lines, line)
}

// grep returns the lines kept that contain every one of words.
func (l *logTail) grep(words ...string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
next:
	for _, line := range l.lines {
		for _, w := range words {
			if !strings.Contains(line, w) {
				continue next
			}
		}
		out = append(out, line)
	}
	return out
}

// tick returns the tick the newest kept line with every one of words names (its "tick=" field),
// or -1.
func (l *logTail) tick(words ...string) int {
	lines := l.grep(words...)
	for i := len(lines) - 1; i >= 0; i-- {
		if _, rest, ok := strings.Cut(lines[i], " tick="); ok {
			f, _, _ := strings.Cut(rest, " ")
			if n, err := strconv.Atoi(f); err == nil {
				return n
			}
		}
	}
	return -1
}

// startServer starts node id on a loopback port, joined to the NATS server at natsURL, with extra
// flags after the usual ones (a later flag wins). When the test fails, the newest lines of its log
// are shown.
func startServer(t *testing.T, bin, id, natsURL string, extra ...string) *server {
	t.Helper()
	args := append([]string{"-addr", "127.0.0.1:0", "-www", t.TempDir(), "-node-id", id, "-nats", natsURL,
		"-token-key", tokenKey, "-drain-timeout", "2s", "-shutdown-timeout", "5s"}, extra...)
	cmd := exec.Command(bin, args...)
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{id: id, cmd: cmd, exited: make(chan struct{}), log: &logTail{}}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-s.exited
		if t.Failed() {
			s.log.mu.Lock()
			t.Logf("the last %d lines of node %s's log (pid %d):\n%s", len(s.log.lines), id, cmd.Process.Pid, strings.Join(s.log.lines, "\n"))
			s.log.mu.Unlock()
		}
	})
	lines := bufio.NewScanner(stderr)
	lines.Buffer(nil, 1<<20)
	for s.addr == "" && lines.Scan() {
		s.log.add(lines.Text())
		if _, rest, ok := strings.Cut(lines.Text(), "msg=\"admin listening\" addr="); ok {
			s.admin, _, _ = strings.Cut(rest, " ")
		}
		if _, rest, ok := strings.Cut(lines.Text(), "msg=listening addr="); ok {
			s.addr, _, _ = strings.Cut(rest, " ")
		}
	}
	go func() {
		for lines.Scan() { // keep draining the log
			s.log.add(lines.Text())
		}
		s.err = cmd.Wait()
		close(s.exited)
	}()
	if s.addr == "" {
		t.Fatalf("server %s never said where it listens", id)
	}
	return s
}

func getJSON(t *testing.T, url string, v any) error {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(v)
}

type roomList struct {
	Rooms []struct {
		Game, Name, Node string
		Players          int
	} `json:"rooms"`
}

type clusterList struct {
	Nodes []struct {
		ID, State      string
		Players, Rooms int
	} `json:"nodes"`
}

func waitUntil(t *testing.T, what string, within time.Duration, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > within {
			t.Fatalf("not within %v: %s", within, what)
		}
		time.Sleep(25 * time.Millisecond)
	}
	return time.Since(start)
}

// join sends a hello to url and follows redirects (at most three), returning the open connection
// after the welcome and the URL it plays on.
func join(ctx context.Context, url string, h wire.Hello) (*websocket.Conn, string, error) {
	h.Version = wire.ProtocolVersion
	for range 4 {
		ws, _, err := websocket.Dial(ctx, url, nil)
		if err != nil {
			return nil, "", err
		}
		ws.SetReadLimit(1 << 20)
		b, _ := wire.Encode(nil, &h)
		if err := ws.Write(ctx, websocket.MessageBinary, b); err != nil {
			return nil, "", err
		}
		var redirect *wire.Redirect
		for {
			_, data, err := ws.Read(ctx)
			if err != nil {
				if websocket.CloseStatus(err) == websocket.StatusCode(wire.CloseRedirect) && redirect != nil {
					break
				}
				return nil, "", err
			}
			f, err := wire.Decode(data)
			if err != nil {
				return nil, "", err
			}
			if f.Op == wire.OpWelcome {
				go func() { // keep reading, as a client does, so that a close from the server completes
					for {
						if _, _, err := ws.Read(context.Background()); err != nil {
							return
						}
					}
				}()
				return ws, url, nil
			}
			if f.Op == wire.OpRedirect {
				redirect = new(wire.Redirect)
				if err := f.Decode(redirect); err != nil {
					return nil, "", err
				}
			}
		}
		url, h.Reservation = redirect.URL, redirect.Token
	}
	return nil, "", errors.New("more than three redirects")
}

// TestThreeProcesses runs a real NATS server and three tickwire servers: rooms land on all three;
// every node lists the same rooms; SIGTERM drains a node (no new room lands there, its room plays
// on, then it exits); kill -9 of another removes it and its rooms from every list within 5 s. The
// nodes run with -handoff=false, as a node whose rooms have nowhere to go drains (handoff_test.go
// has SIGTERM move them), and -checkpoint-interval 0, so that the killed node's room is gone with
// it (crash_test.go has it restored).
func TestThreeProcesses(t *testing.T) {
	bin := buildServer(t)
	natsURL := startNATS(t).url()
	servers := map[string]*server{}
	var order []*server
	for _, id := range []string{"a", "b", "c"} {
		s := startServer(t, bin, id, natsURL, "-handoff=false", "-checkpoint-interval", "0")
		servers[id] = s
		order = append(order, s)
	}
	a, b, c := order[0], order[1], order[2]
	nodes := func(s *server) clusterList {
		var l clusterList
		_ = getJSON(t, "http://"+s.addr+"/api/cluster", &l)
		return l
	}
	waitUntil(t, "every node to see three", 10*time.Second, func() bool {
		return len(nodes(a).Nodes) == 3 && len(nodes(b).Nodes) == 3 && len(nodes(c).Nodes) == 3
	})

	// Three rooms asked of a, one after another (the load reaching every view between them), land
	// one on each node: a new room goes to the least-loaded node.
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	where := map[string]string{} // room -> node
	for i, room := range []string{"r1", "r2", "r3"} {
		ws, url, err := join(ctx, a.ws(), wire.Hello{Room: room, Name: "p"})
		if err != nil {
			t.Fatalf("%s: %v", room, err)
		}
		defer ws.CloseNow()
		for id, s := range servers {
			if s.ws() == url {
				where[room] = id
			}
		}
		waitUntil(t, "the load to reach a's view", 5*time.Second, func() bool {
			players := 0
			for _, n := range nodes(a).Nodes {
				players += n.Players
			}
			return players == i+1
		})
	}
	if len(where) != 3 || where["r1"] == where["r2"] || where["r2"] == where["r3"] || where["r1"] == where["r3"] {
		t.Fatalf("rooms by node %v, want one on each", where)
	}
	lists := func() []roomList {
		var out []roomList
		for _, s := range order {
			var l roomList
			if !s.hasExited() {
				_ = getJSON(t, "http://"+s.addr+"/api/rooms", &l)
			}
			out = append(out, l)
		}
		return out
	}
	waitUntil(t, "every node to list the same three rooms", 5*time.Second, func() bool {
		l := lists()
		return len(l[0].Rooms) == 3 && reflect.DeepEqual(l[0], l[1]) && reflect.DeepEqual(l[1], l[2])
	})

	// SIGTERM b: it drains. New rooms asked of b go elsewhere while its room plays on.
	sent := time.Now()
	if err := b.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "a to see b draining", 3*time.Second, func() bool {
		for _, n := range nodes(a).Nodes {
			if n.ID == "b" && n.State == "draining" {
				return true
			}
		}
		return false
	})
	for _, room := range []string{"n1", "n2"} {
		ws, url, err := join(ctx, b.ws(), wire.Hello{Room: room, Name: "p"})
		if err != nil {
			t.Fatalf("%s through draining b: %v", room, err)
		}
		if url == b.ws() {
			t.Errorf("%s was opened on the draining node", room)
		}
		ws.CloseNow()
	}
	if b.hasExited() {
		t.Fatalf("b exited (%v) before its drain timeout with a room playing", b.err)
	}
	select {
	case <-b.exited:
		if b.err != nil {
			t.Errorf("b exited with %v, want a clean exit", b.err)
		}
		t.Logf("b exited %v after SIGTERM (drain timeout 2 s)", time.Since(sent).Round(time.Millisecond))
	case <-time.After(10 * time.Second):
		t.Fatal("b did not exit within 10 s of SIGTERM")
	}

	// kill -9 c: it and its room leave every list within 5 s (its entry's TTL is 3 s).
	if err := c.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	gone := waitUntil(t, "c and its room to leave a's lists", 5*time.Second, func() bool {
		var l roomList
		if getJSON(t, "http://"+a.addr+"/api/rooms", &l) != nil {
			return false
		}
		for _, r := range l.Rooms {
			if r.Node == "c" {
				return false
			}
		}
		for _, n := range nodes(a).Nodes {
			if n.ID == "c" {
				return false
			}
		}
		return true
	})
	t.Logf("kill -9: c's rooms left the lobby after %v", gone.Round(time.Millisecond))
}
