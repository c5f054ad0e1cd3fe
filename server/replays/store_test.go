package replays

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	natsserver "github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

var t0 = time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC)

// meta returns the metadata of a replay of room started i minutes after t0.
func meta(room string, i int) Meta {
	started := t0.Add(time.Duration(i) * time.Minute)
	return Meta{ID: NewID("pong", room, started), Game: "pong", Room: room, Players: []string{"ann", "bob"},
		Started: started, FirstTick: 10, LastTick: 70, Ticks: 60, TickRate: 60, Seconds: 1, Bytes: 3, Node: "n-1", Reason: "closed"}
}

func TestNewIDIsShortSafeAndUnique(t *testing.T) {
	t.Parallel()
	cases := []struct{ game, room, prefix string }{
		{"pong", "duel", "pong-duel-"},
		{"arena", "Two Words/..", "arena-two-words----"},
		{"arena", "", "arena-x-"},
		{"arena", "日本", "arena----"},
		{"arena", strings.Repeat("long", 20), "arena-longlonglonglonglong-"},
	}
	seen := map[string]bool{}
	for _, c := range cases {
		for range 50 {
			id := NewID(c.game, c.room, t0)
			if err := CheckID(id); err != nil {
				t.Errorf("NewID(%q, %q) = %q, which CheckID refuses: %v", c.game, c.room, id, err)
			}
			if !strings.HasPrefix(id, c.prefix) {
				t.Errorf("NewID(%q, %q) = %q, want it to start %q", c.game, c.room, id, c.prefix)
			}
			if seen[id] {
				t.Errorf("NewID made %q twice", id)
			}
			seen[id] = true
		}
	}
}

func TestCheckIDRefusesWhatCannotBeAFileOrAPath(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"", "../etc/passwd", "a/b", "a.b", "A-B", "a b", "a\x00", strings.Repeat("a", 81), "a%2e"} {
		if err := CheckID(id); !errors.Is(err, ErrNotFound) {
			t.Errorf("CheckID(%q) = %v, want an error matching ErrNotFound", id, err)
		}
	}
}

// testStore runs the contract every Store keeps: save, list newest first, open, keep the newest,
// refuse what it cannot keep.
func testStore(t *testing.T, st Store) {
	t.Helper()
	var saved []Meta
	for i := range 5 {
		m := meta(fmt.Sprintf("r%d", i), i)
		data := []byte(fmt.Sprintf("replay %d", i))
		m.Bytes = len(data)
		if err := st.Save(m, data); err != nil {
			t.Fatal(err)
		}
		saved = append(saved, m)
	}
	list, err := st.List(0)
	if err != nil {
		t.Fatal(err)
	}
	// The store keeps 3: the newest three, newest first.
	if len(list) != 3 || list[0].ID != saved[4].ID || list[1].ID != saved[3].ID || list[2].ID != saved[2].ID {
		t.Fatalf("list %v, want the three newest of %v", ids(list), ids(saved))
	}
	if !list[0].Started.Equal(saved[4].Started) || list[0].Room != "r4" || len(list[0].Players) != 2 || list[0].Ticks != 60 {
		t.Errorf("listed %+v, want %+v", list[0], saved[4])
	}
	if two, _ := st.List(2); len(two) != 2 || two[0].ID != saved[4].ID {
		t.Errorf("List(2) = %v", ids(two))
	}
	data, m, err := st.Open(saved[3].ID)
	if err != nil || string(data) != "replay 3" || m.Room != "r3" {
		t.Errorf("Open = %q, %+v, %v; want replay 3", data, m, err)
	}
	for _, id := range []string{saved[0].ID, "nothing-here", "../x"} {
		if _, _, err := st.Open(id); !errors.Is(err, ErrNotFound) {
			t.Errorf("Open(%q) = %v, want an error matching ErrNotFound", id, err)
		}
	}
	bad := meta("bad", 9)
	bad.ID = "Bad/ID"
	if err := st.Save(bad, []byte{1}); err == nil {
		t.Error("saved a replay with a bad id")
	}
	if err := st.Save(meta("empty", 9), nil); err == nil {
		t.Error("saved an empty replay")
	}
}

func ids(ms []Meta) []string {
	var s []string
	for _, m := range ms {
		s = append(s, m.ID)
	}
	return s
}

func TestDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	d, err := OpenDir(dir, 3)
	if err != nil {
		t.Fatal(err)
	}
	testStore(t, d)
	// Six files: three replays, each a .twr and a .json.
	entries, _ := os.ReadDir(dir)
	if len(entries) != 6 {
		t.Errorf("%d files in the directory, want 6", len(entries))
	}
	// Opened again, it lists what is there, ignores an unfinished save and removes its leftovers.
	orphan := meta("orphan", 20)
	_ = os.WriteFile(filepath.Join(dir, orphan.ID+".twr"), []byte("x"), 0o644)
	_ = os.WriteFile(filepath.Join(dir, "x.json.tmp"), []byte("x"), 0o644)
	d2, err := OpenDir(dir, 3)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := d.List(0)
	b, _ := d2.List(0)
	if fmt.Sprint(ids(a)) != fmt.Sprint(ids(b)) {
		t.Errorf("reopened: %v, want %v", ids(b), ids(a))
	}
	if _, err := os.Stat(filepath.Join(dir, "x.json.tmp")); !errors.Is(err, os.ErrNotExist) {
		t.Error("a leftover temporary file was not removed")
	}
	// An unreadable metadata file (a crash mid-write) is set aside, not a reason to refuse to start.
	broken := meta("broken", 25)
	_ = os.WriteFile(filepath.Join(dir, broken.ID+".json"), nil, 0o644)
	d2b, err := OpenDir(dir, 3)
	if err != nil {
		t.Fatalf("an empty metadata file stops OpenDir: %v", err)
	}
	if len(d2b.Skipped()) != 1 {
		t.Errorf("skipped %v, want the broken file", d2b.Skipped())
	}
	if _, err := os.Stat(filepath.Join(dir, broken.ID+".json.bad")); err != nil {
		t.Errorf("the broken metadata was not set aside: %v", err)
	}
	if l, _ := d2b.List(0); fmt.Sprint(ids(l)) != fmt.Sprint(ids(a)) {
		t.Errorf("with a broken file beside them: %v, want %v", ids(l), ids(a))
	}
	// A smaller limit trims at once.
	d3, err := OpenDir(dir, 1)
	if err != nil {
		t.Fatal(err)
	}
	if l, _ := d3.List(0); len(l) != 1 || l[0].ID != a[0].ID {
		t.Errorf("kept %v, want only %s", ids(l), a[0].ID)
	}
}

// startNATS runs a NATS server with JetStream in this process and returns a JetStream client of it.
func startNATS(t *testing.T) jetstream.JetStream {
	t.Helper()
	srv, err := natsserver.NewServer(&natsserver.Options{JetStream: true, StoreDir: t.TempDir(), DontListen: true, NoSigs: true, NoLog: true})
	if err != nil {
		t.Fatal(err)
	}
	srv.Start()
	t.Cleanup(func() { srv.Shutdown(); srv.WaitForShutdown() })
	if !srv.ReadyForConnections(5 * time.Second) {
		t.Fatal("NATS not ready")
	}
	nc, err := nats.Connect("", nats.InProcessServer(srv))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

func TestObjectStore(t *testing.T) {
	t.Parallel()
	js := startNATS(t)
	bucket, err := js.CreateObjectStore(t.Context(), jetstream.ObjectStoreConfig{Bucket: "test_replays"})
	if err != nil {
		t.Fatal(err)
	}
	st := NewObjectStore(bucket, 3, 0)
	if l, err := st.List(0); err != nil || len(l) != 0 {
		t.Fatalf("empty bucket lists %v, %v", l, err)
	}
	testStore(t, st)
	// An object that is not a replay is neither listed nor served.
	if _, err := bucket.PutBytes(t.Context(), "stranger", []byte("x")); err != nil {
		t.Fatal(err)
	}
	other := NewObjectStore(bucket, 3, 0) // another node: no cache
	if l, _ := other.List(0); len(l) != 3 {
		t.Errorf("another node lists %v, want the 3 replays", ids(l))
	}
	if _, _, err := other.Open("stranger"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Open(stranger) = %v, want ErrNotFound", err)
	}
	// A larger file goes in chunks and comes back whole.
	big := bytes.Repeat([]byte("0123456789abcdef"), 20000)
	m := meta("big", 30)
	if err := other.Save(m, big); err != nil {
		t.Fatal(err)
	}
	if data, _, err := st.Open(m.ID); err != nil || !bytes.Equal(data, big) {
		t.Errorf("big replay: %d bytes back, %v", len(data), err)
	}
}

// slowStore blocks every Save until release is closed.
type slowStore struct {
	Dir
	release chan struct{}
	mu      sync.Mutex
	saved   []string
}

func (s *slowStore) Save(m Meta, _ []byte) error {
	<-s.release
	s.mu.Lock()
	s.saved = append(s.saved, m.ID)
	s.mu.Unlock()
	return nil
}

func TestSaverNeverBlocksAndDropsWhenFull(t *testing.T) {
	t.Parallel()
	st := &slowStore{release: make(chan struct{})}
	var logs bytes.Buffer
	var logMu sync.Mutex
	sv := NewSaver(st, 2, slog.New(slog.NewTextHandler(&lockedWriter{w: &logs, mu: &logMu}, nil)))
	queued := 0
	start := time.Now()
	for i := range 10 {
		if sv.Save(meta("r", i), []byte{1}) {
			queued++
		}
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("10 saves took %v with the store stuck: Save blocked", d)
	}
	// One in the saver's hands, two queued: the rest dropped.
	if queued < 2 || queued > 3 {
		t.Errorf("%d queued with a queue of 2, want 2 or 3", queued)
	}
	close(st.release)
	sv.Close()
	if len(st.saved) != queued {
		t.Errorf("%d saved after Close, want the %d queued", len(st.saved), queued)
	}
	if sv.Save(meta("late", 20), []byte{1}) {
		t.Error("a save after Close was queued")
	}
	logMu.Lock()
	defer logMu.Unlock()
	if n := strings.Count(logs.String(), "replay dropped"); n != 10-queued+1 {
		t.Errorf("%d drops logged, want %d:\n%s", n, 10-queued+1, logs.String())
	}
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// TestObjectStoreFullByBytesMakesRoom: a bucket at its MaxBytes refuses new objects (the object
// store discards new, not old); saving then drops the oldest replays to make room, so recording
// does not stop for good when the bucket fills before keep is reached.
func TestObjectStoreFullByBytesMakesRoom(t *testing.T) {
	t.Parallel()
	js := startNATS(t)
	bucket, err := js.CreateObjectStore(t.Context(), jetstream.ObjectStoreConfig{Bucket: "small_replays", MaxBytes: 64 << 10})
	if err != nil {
		t.Fatal(err)
	}
	st := NewObjectStore(bucket, 100, 0)
	file := bytes.Repeat([]byte{7}, 10<<10)
	for i := range 12 { // 120 KB into a 64 KB bucket
		if err := st.Save(meta(fmt.Sprintf("r%d", i), i), file); err != nil {
			t.Fatalf("save %d: %v", i, err)
		}
	}
	l, err := NewObjectStore(bucket, 100, 0).List(0)
	if err != nil || len(l) == 0 || len(l) >= 12 {
		t.Fatalf("the bucket lists %v, %v; want the newest few", ids(l), err)
	}
	if l[0].Room != "r11" {
		t.Errorf("newest listed %s, want r11's", l[0].ID)
	}
}
