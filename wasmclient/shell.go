package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/tickwire/tickwire/shared/replay"
	"github.com/tickwire/tickwire/wasmclient/ui"
)

// shell is the ebiten.Game the client runs: the app of the game being played or watched. A replay
// (fetched for ?replay=ID, or a file dropped on the page) names its game, and the shell switches
// to that game's app to play it with the game's own renderer.
type shell struct {
	cfg    config
	sounds *ui.Sounds
	game   string                 // the current app's game
	cur    atomic.Pointer[runner] // read by DebugJSON from the page's event loop
	loads  chan replayLoad        // replays that arrived, for Update; holds the newest one
}

// replayLoad is a replay file that arrived, or why it could not be had.
type replayLoad struct {
	data []byte
	err  error
}

func newShell(cfg config, g clientGame, sounds *ui.Sounds) *shell {
	s := &shell{cfg: cfg, sounds: sounds, loads: make(chan replayLoad, 1)}
	s.start(g, cfg)
	return s
}

// start makes g's app the current one, closing the one before.
func (s *shell) start(g clientGame, cfg config) {
	since := time.Now() // this game's session: a replay of the room from before it is another match
	cfg.findReplay = func(ctx context.Context, game, room string) (string, error) {
		return findReplay(ctx, s.cfg.URL, game, room, since)
	}
	cfg.watchReplay = s.fetchInto
	r := g.Start(cfg, s.sounds)
	if old := s.cur.Swap(&r); old != nil {
		(*old).Close()
	}
	s.game = g.Name
	ebiten.SetWindowTitle(g.Title)
}

// deliver hands a replay to the game loop without blocking: a newer one replaces one not yet
// taken. It is safe to call from any goroutine (the page's drop handler, the fetch).
func (s *shell) deliver(l replayLoad) {
	for {
		select {
		case s.loads <- l:
			return
		default:
			select {
			case <-s.loads:
			default:
			}
		}
	}
}

// Open hands the bytes of a replay file (dropped on the page, or picked) to the game loop.
func (s *shell) Open(data []byte) { s.deliver(replayLoad{data: data}) }

// watch plays the replay l, switching to its game's app first if it is another game's, or shows
// why it cannot.
func (s *shell) watch(l replayLoad) {
	r := *s.cur.Load()
	if l.err != nil {
		r.WatchFailed(l.err)
		return
	}
	rec, err := replay.Read(l.data)
	if err != nil {
		r.WatchFailed(fmt.Errorf("this is not a replay tickwire can read: %w", err))
		return
	}
	g, err := pickGame(rec.Header.Game)
	if err != nil {
		r.WatchFailed(fmt.Errorf("a replay of %q: %w", rec.Header.Game, err))
		return
	}
	if g.Name != s.game {
		cfg := s.cfg
		// Replay set: the new app starts on the replay's loading screen, not the title screen or a
		// connection; Watch below replaces it before it is drawn.
		cfg.Game, cfg.Replay = g.Name, rec.Header.Room
		s.start(g, cfg)
		r = *s.cur.Load()
	}
	if err := r.Watch(rec); err != nil {
		r.WatchFailed(err)
	}
}

// Update implements ebiten.Game.
func (s *shell) Update() error {
	select {
	case l := <-s.loads:
		s.watch(l)
	default:
	}
	return (*s.cur.Load()).Update()
}

// Draw implements ebiten.Game.
func (s *shell) Draw(screen *ebiten.Image) { (*s.cur.Load()).Draw(screen) }

// Layout implements ebiten.Game.
func (s *shell) Layout(w, h int) (int, int) { return (*s.cur.Load()).Layout(w, h) }

// DebugJSON is window.tickwireView(): the current app's.
func (s *shell) DebugJSON() string { return (*s.cur.Load()).DebugJSON() }

// SetNetGraph shows or hides the current app's net graph.
func (s *shell) SetNetGraph(shown bool) { (*s.cur.Load()).SetNetGraph(shown) }

// Close ends the current app's connection.
func (s *shell) Close() { (*s.cur.Load()).Close() }

// maxReplayBytes bounds a fetched replay file: a 10-minute file of a full room is far smaller.
const maxReplayBytes = 64 << 20

// replayID is the shape of a replay's id, the server's (server/replays.CheckID): 1 to 80 of a-z,
// 0-9 and '-'. The page checks it before fetching, so that ?replay= can never name another path
// of the server.
var replayID = regexp.MustCompile(`^[a-z0-9-]{1,80}$`)

// replayURL returns the address of replay id on the server whose WebSocket endpoint is ws:
// /api/replays/ID on the same host, over https for wss.
func replayURL(ws, id string) (string, error) {
	if !replayID.MatchString(id) {
		return "", fmt.Errorf("%q is not a replay id (1 to 80 of a-z, 0-9 and '-')", id)
	}
	u, err := url.Parse(ws)
	if err != nil {
		return "", fmt.Errorf("the server's address %q: %w", ws, err)
	}
	switch u.Scheme {
	case "ws":
		u.Scheme = "http"
	case "wss":
		u.Scheme = "https"
	}
	u.Path, u.RawQuery, u.Fragment = "/api/replays/"+id, "", ""
	return u.String(), nil
}

// fetchReplay downloads replay id from the server whose WebSocket endpoint is ws. A missing or
// refused file is an error that says so, with the server's reason.
func fetchReplay(ctx context.Context, ws, id string) ([]byte, error) {
	addr, err := replayURL(ws, id)
	if err != nil {
		return nil, err
	}
	resp, err := httpGet(ctx, addr, maxReplayBytes)
	if resp.status == 0 && err != nil {
		return nil, fmt.Errorf("could not reach the server for replay %s: %w", id, err)
	}
	if resp.status != 200 { // http.StatusOK
		msg := strings.TrimSpace(string(resp.body[:min(300, len(resp.body))]))
		if msg == "" {
			msg = resp.statusLine()
		}
		if resp.status == 404 {
			return nil, fmt.Errorf("the server has no replay %s: it may be older than the ones it keeps", id)
		}
		return nil, fmt.Errorf("the server refused replay %s: %s", id, msg)
	}
	if err != nil {
		return nil, fmt.Errorf("the download of replay %s broke off: %w", id, err)
	}
	data := resp.body
	if len(data) > maxReplayBytes {
		return nil, errors.New("replay " + id + " is larger than the 64 MiB a replay may be")
	}
	return data, nil
}

// replayList is GET /api/replays's answer, newest first; only what the client reads of it.
type replayList struct {
	Replays []struct {
		ID      string    `json:"id"`
		Game    string    `json:"game"`
		Room    string    `json:"room"`
		Started time.Time `json:"started"`
		Seconds float64   `json:"seconds"`
	} `json:"replays"`
}

// clockSlack is how far the server's clock may be off the browser's when findReplay tells this
// session's replays from older ones.
const clockSlack = time.Minute

// findReplay returns the id of the newest replay of game's room on the server whose WebSocket
// endpoint is ws that ended after since (this page's session in the room began; less clockSlack),
// or "" when it lists none: a file of the room that ended before is another match (yesterday's,
// strangers').
func findReplay(ctx context.Context, ws, game, room string, since time.Time) (string, error) {
	addr, err := replayURL(ws, "x")
	if err != nil {
		return "", err
	}
	addr = strings.TrimSuffix(addr, "/x")
	resp, err := httpGet(ctx, addr, 1<<20)
	if err != nil {
		return "", err
	}
	if resp.status != 200 { // http.StatusOK
		return "", fmt.Errorf("the server's replay list: %s", resp.statusLine())
	}
	var list replayList
	if err := json.Unmarshal(resp.body, &list); err != nil {
		return "", fmt.Errorf("the server's replay list: %w", err)
	}
	for _, r := range list.Replays {
		ended := r.Started.Add(time.Duration(r.Seconds * float64(time.Second)))
		if r.Game == game && r.Room == room && replayID.MatchString(r.ID) && !ended.Before(since.Add(-clockSlack)) {
			return r.ID, nil
		}
	}
	return "", nil
}

// fetchInto fetches replay id for s in the background.
func (s *shell) fetchInto(id string) {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		data, err := fetchReplay(ctx, s.cfg.URL, id)
		s.deliver(replayLoad{data: data, err: err})
	}()
}
