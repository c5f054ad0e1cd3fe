//go:build !js

package e2e

import (
	"context"
	"encoding/json"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/shared/games/pong"
	"github.com/tickwire/tickwire/wasmclient/netclient"
)

// lobbyState is what the lobby page shows, read from its DOM.
type lobbyState struct {
	Active  bool     `json:"active"`
	Loader  string   `json:"loader"`
	Games   []string `json:"games"`
	Rooms   []string `json:"rooms"` // "game/name players spectators"
	Buttons []string `json:"buttons"`
	Share   string   `json:"share"`
	Errors  []string `json:"errors"`
}

const readLobby = `JSON.stringify({
  active: !!(window.tickwireLobby && window.tickwireLobby.active),
  loader: window.tickwireLoader ? window.tickwireLoader.state : '',
  games: Array.from(document.querySelectorAll('.game-card')).map(e => e.dataset.game),
  rooms: Array.from(document.querySelectorAll('#lobby-rooms tr')).map(tr =>
    tr.dataset.room + ' ' + tr.children[2].textContent + ' ' + tr.children[3].textContent),
  buttons: Array.from(document.querySelectorAll('#lobby-rooms button')).map(b => b.textContent + (b.disabled ? '-' : '')),
  share: document.getElementById('lobby-share').value,
  errors: [document.getElementById('lobby-name-error').textContent, document.getElementById('lobby-room-error').textContent],
})`

func (p *page) lobby() lobbyState {
	p.t.Helper()
	s, err := p.eval(readLobby)
	if err != nil {
		p.t.Fatal(err)
	}
	var l lobbyState
	if err := json.Unmarshal([]byte(s), &l); err != nil {
		p.t.Fatal(err)
	}
	return l
}

func (p *page) waitLobby(what string, cond func(l lobbyState) bool) lobbyState {
	p.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		l := p.lobby()
		if cond(l) {
			return l
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("%s: timed out waiting for %s; lobby %+v", p.name, what, l)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// do runs JavaScript on the page (a click, typing) and fails the test if it throws.
func (p *page) do(js string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("{"+js+"}; true")); err != nil {
		p.t.Fatalf("%s: %s: %v", p.name, js, err)
	}
}

// location returns the page's query, once it has navigated away from the lobby.
func (p *page) waitQuery(what string) url.Values {
	p.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if s, err := p.eval(`location.search`); err == nil && s != "" {
			q, err := url.ParseQuery(strings.TrimPrefix(s, "?"))
			if err != nil {
				p.t.Fatal(err)
			}
			return q
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("%s: the page never navigated to %s", p.name, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestLobbyListsRoomsAndStartsGames opens the page without a query: the lobby, not the game. It
// lists both games and the open public rooms with players and spectators (a private room stays
// hidden), checks names, and its buttons lead to the right addresses.
func TestLobbyListsRoomsAndStartsGames(t *testing.T) {
	findChromium(t)
	www := wwwDir(t)
	_, base := startServer(t, www)
	ws := "ws" + strings.TrimPrefix(base, "http") + "/ws"
	dial := func(cfg netclient.Config) {
		cfg.URL = ws
		var c interface{ Close() }
		if cfg.Game == pong.Name {
			cfg.Messages = pong.Messages
			c = netclient.Dial[pong.Input](cfg, pong.Game{}, pong.Schema)
		} else {
			cfg.Messages = arena.Messages
			c = netclient.Dial[arena.Input](cfg, arena.Game{}, arena.Schema)
		}
		t.Cleanup(c.Close)
	}
	dial(netclient.Config{Game: "arena", Room: "lobby-test", Name: "Ann"})
	dial(netclient.Config{Game: "arena", Room: "lobby-test", Name: "Bob"})
	dial(netclient.Config{Game: "pong", Room: "duel", Name: "Cy"})
	dial(netclient.Config{Game: "pong", Room: "secret", Name: "Di", Private: true})
	browser := newBrowser(t)

	p := openPage(t, browser, "the lobby", base+"/")
	l := p.waitLobby("two games and the two public rooms", func(l lobbyState) bool { return len(l.Games) == 2 && len(l.Rooms) == 2 })
	if !l.Active || l.Loader != "lobby" || strings.Join(l.Games, ",") != "arena,pong" {
		t.Errorf("lobby %+v: want it active, the loader idle, arena then pong", l)
	}
	if want := "arena/lobby-test 2/16 0,pong/duel 1/2 0"; strings.Join(l.Rooms, ",") != want {
		t.Errorf("rooms %q, want %q (the private room hidden)", l.Rooms, want)
	}
	// A spectator joins pong/duel: the list shows it within a refresh.
	dial(netclient.Config{Game: "pong", Room: "duel", Spectate: true})
	p.waitLobby("the spectator to be counted", func(l lobbyState) bool {
		return len(l.Rooms) == 2 && l.Rooms[1] == "pong/duel 1/2 1"
	})

	// Bad names are refused on the page, as the server would.
	p.do(`const n = document.getElementById('lobby-name'); n.value = '<b>'; n.dispatchEvent(new Event('input'))`)
	p.do(`const r = document.getElementById('lobby-create-room'); r.value = 'Bad Room'; r.dispatchEvent(new Event('input'))`)
	l = p.waitLobby("both names refused", func(l lobbyState) bool { return l.Errors[0] != "" && l.Errors[1] != "" })
	if l.Share != "" {
		t.Errorf("a bad room name still has a share link %q", l.Share)
	}
	p.do(`const n = document.getElementById('lobby-name'); n.value = 'Zoë'; n.dispatchEvent(new Event('input'))`)
	p.do(`const r = document.getElementById('lobby-create-room'); r.value = 'p-friday'; r.dispatchEvent(new Event('input'))`)
	p.do(`document.getElementById('lobby-create-game').value = 'pong'; document.getElementById('lobby-create-private').checked = true;
		document.getElementById('lobby-create-room').dispatchEvent(new Event('input'))`)
	l = p.waitLobby("the share link", func(l lobbyState) bool { return l.Errors[0] == "" && l.Errors[1] == "" && l.Share != "" })
	if l.Share != base+"/?game=pong&room=p-friday" {
		t.Errorf("share link %q, want %s/?game=pong&room=p-friday", l.Share, base)
	}
	p.screenshot(filepath.Join(artifactDir(t, www), "lobby.png"))
	p.do(`document.getElementById('lobby').scrollTop = 10000`)
	p.screenshot(filepath.Join(artifactDir(t, www), "lobby-create.png"))

	// Create and join: the page becomes the game, as Zoë, in a private room.
	p.do(`document.getElementById('lobby-create').click()`)
	q := p.waitQuery("the new room")
	if q.Get("game") != "pong" || q.Get("room") != "p-friday" || q.Get("name") != "Zoë" || q.Get("private") != "1" {
		t.Errorf("create and join went to %v", q)
	}

	// From a fresh lobby (the name is remembered), Watch leads to a spectator's address.
	w := openPage(t, browser, "another lobby", base+"/")
	w.waitLobby("the rooms", func(l lobbyState) bool { return len(l.Rooms) == 2 })
	w.do(`document.querySelector('#lobby-rooms tr[data-room="pong/duel"] button:nth-child(2)').click()`)
	if q := w.waitQuery("the spectator's page"); q.Get("game") != "pong" || q.Get("room") != "duel" || q.Get("spectate") != "1" || q.Has("name") {
		t.Errorf("watch went to %v", q)
	}
	for _, pg := range []*page{p, w} {
		if problems := pg.consoleProblems(); len(problems) > 0 {
			t.Errorf("%s logged errors: %v", pg.name, problems)
		}
	}
}
