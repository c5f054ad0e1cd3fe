//go:build !js

package e2e

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/tickwire/tickwire/internal/cutter"
	"github.com/tickwire/tickwire/shared/games/pong"
	"github.com/tickwire/tickwire/wasmclient/netclient"
)

// The tests of this file are the page as a player meets it (issue 16): the address, a reload, the
// name field, the error screens and their ways out, a long outage, the in-game menu. They read the
// page's own state (the client's window.tickwireView(), whose "page" part says which scene shows,
// its buttons and overlay) and press what a player would press: canvas buttons by a mouse click
// at the place the view gives, keys, and the page's HTML controls.

// click presses and releases the left mouse button at (x, y) in CSS pixels, a few frames apart so
// that a page drawing a few frames a second sees both.
func (p *page) click(x, y float64) {
	p.t.Helper()
	for _, typ := range []input.DispatchMouseEventType{input.DispatchMouseEventTypeMouseMoved,
		input.DispatchMouseEventTypeMousePressed, input.DispatchMouseEventTypeMouseReleased} {
		ev := input.DispatchMouseEventParams{Type: typ, X: x, Y: y}
		if typ != input.DispatchMouseEventTypeMouseMoved {
			ev.Button, ev.ClickCount = input.MouseButtonLeft, 1
		}
		if err := p.cdp(func(ctx context.Context) error {
			_, err := chromedp.Call(ctx, input.DispatchMouseEvent, ev)
			return err
		}); err != nil {
			p.t.Fatalf("%s: mouse %s at (%.0f, %.0f): %v", p.name, typ, x, y, err)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// cdp runs f with the page's target, as chromedp.Call needs it, under a short timeout.
func (p *page) cdp(f func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	return chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error { return f(ctx) }))
}

// button returns the canvas button labelled label that the page shows now, if any.
func button(v netclient.DebugView, label string) (netclient.DebugButton, bool) {
	if v.Page == nil {
		return netclient.DebugButton{}, false
	}
	for _, b := range v.Page.Buttons {
		if b.Label == label {
			return b, true
		}
	}
	return netclient.DebugButton{}, false
}

// labels lists the canvas buttons the page shows.
func labels(v netclient.DebugView) []string {
	if v.Page == nil {
		return nil
	}
	var out []string
	for _, b := range v.Page.Buttons {
		out = append(out, b.Label)
	}
	return out
}

// press waits for the canvas button labelled label and clicks it.
func (p *page) pressButton(label string) {
	p.t.Helper()
	v := p.waitView("a "+label+" button", 30*time.Second, func(v netclient.DebugView) bool {
		_, ok := button(v, label)
		return ok
	})
	b, _ := button(v, label)
	p.click(b.X+b.W/2, b.Y+b.H/2)
}

// query returns the page's address's query.
func (p *page) query() url.Values {
	p.t.Helper()
	s, err := p.eval(`location.search`)
	if err != nil {
		p.t.Fatal(err)
	}
	q, err := url.ParseQuery(strings.TrimPrefix(s, "?"))
	if err != nil {
		p.t.Fatal(err)
	}
	return q
}

// ownName returns the name on the page's own avatar.
func ownName(v netclient.DebugView) string {
	for _, es := range v.Entities {
		for _, e := range es {
			if e.ID == v.Player {
				return e.Name
			}
		}
	}
	return ""
}

func connected(v netclient.DebugView) bool {
	return v.Status == "connected" && v.Snapshots > 0 && v.Frames > 0
}

// TestReloadKeepsSeatAndAddressNamesRoom is issue 16's Broken 3 and 4: after Quick play
// (?game=pong&name=Ann: no room) and the welcome, the address names the room and never the player
// (?game=pong&room=R); a reload of the tab then resumes the same seat (the resume token is kept
// for the tab), so the room never holds a ghost of the player.
func TestReloadKeepsSeatAndAddressNamesRoom(t *testing.T) {
	findChromium(t)
	www := wwwDir(t)
	srv, base := startServer(t, www)
	browser := newBrowser(t)

	p := openPage(t, browser, "Ann's page", base+"/?game=pong&name=Ann&mute=1")
	v := p.waitView("Ann to play", 90*time.Second, connected)
	var q url.Values
	deadline := time.Now().Add(10 * time.Second)
	for {
		q = p.query()
		if q.Get("room") != "" || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if q.Get("game") != "pong" || q.Get("room") != v.Room || q.Has("name") || len(q) != 2 {
		t.Errorf("once welcomed in pong room %q the address is ?%s; want ?game=pong&room=%s, without the name", v.Room, q.Encode(), v.Room)
	}

	reload, cancel := context.WithTimeout(p.ctx, 20*time.Second)
	if err := chromedp.Do(reload, chromedp.Reload()); err != nil {
		t.Fatalf("reload: %v", err)
	}
	cancel()
	back := p.waitView("Ann to be back after the reload", 90*time.Second, func(v netclient.DebugView) bool {
		return connected(v) && v.Welcomes > 0
	})
	if back.Player != v.Player || back.Room != v.Room {
		t.Errorf("after a reload the page plays as player %d in room %q; want its seat back, player %d in %q", back.Player, back.Room, v.Player, v.Room)
	}
	for _, r := range srv.Lobby().Rooms() {
		if r.Game == "pong" && r.Name == v.Room && r.Players != 1 {
			t.Errorf("after the reload room %s holds %d players; want 1 (no ghost seat)", r.Name, r.Players)
		}
	}
	if problems := p.consoleProblems(); len(problems) > 0 {
		t.Errorf("the page logged errors: %v", problems)
	}
}

// TestNameTypedInAPageInput is issue 16's Broken 5 (the page's part): the name is typed in a real
// HTML input over the canvas (a phone's keyboard appears for it), focused, its pre-filled name
// selected so that typing replaces it, and Enter plays.
func TestNameTypedInAPageInput(t *testing.T) {
	findChromium(t)
	www := wwwDir(t)
	_, base := startServer(t, www)
	browser := newBrowser(t)

	p := openPage(t, browser, "the title page", base+"/?game=pong&room=names&mute=1")
	p.waitView("the title screen", 90*time.Second, func(v netclient.DebugView) bool { return v.Status == "title" && v.Frames > 0 })
	const state = `(() => { const e = document.getElementById('name-input');
		if (!e) return 'none';
		return JSON.stringify({shown: !e.hidden && e.offsetWidth > 0, focused: document.activeElement === e,
			value: e.value, start: e.selectionStart, end: e.selectionEnd}); })()`
	var s string
	deadline := time.Now().Add(20 * time.Second)
	for {
		var err error
		if s, err = p.eval(state); err == nil && strings.Contains(s, `"shown":true`) && strings.Contains(s, `"focused":true`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no focused HTML name input over the title screen: %s", s)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.Contains(s, `"start":0`) || strings.Contains(s, `"value":""`) {
		t.Errorf("the name input %s: want a pre-filled name, all of it selected", s)
	}
	if err := p.cdp(func(ctx context.Context) error {
		_, err := chromedp.Call(ctx, input.InsertText, input.InsertTextParams{Text: "Bob"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if got, _ := p.eval(`document.getElementById('name-input').value`); got != "Bob" {
		t.Errorf("typing Bob over the pre-filled name left %q", got)
	}
	p.pressEnter()
	v := p.waitView("Bob to play", 30*time.Second, connected)
	if name := ownName(v); name != "Bob" {
		t.Errorf("Enter joined as %q, want Bob", name)
	}
	if hidden, _ := p.eval(`String(document.getElementById('name-input').hidden)`); hidden != "true" {
		t.Errorf("the name input still shows in play (hidden=%s)", hidden)
	}
}

// TestErrorScreensLeadOut is issue 16's Broken 6: each error screen offers the ways out that help.
// A full room offers Watch (which watches it) and Back to lobby; a bad room name offers Back to
// lobby, which leads there. (The screens of the other codes are app's table test.)
func TestErrorScreensLeadOut(t *testing.T) {
	findChromium(t)
	www := wwwDir(t)
	_, base := startServer(t, www)
	fillPongRoom(t, base, "full")
	browser := newBrowser(t)

	p := openPage(t, browser, "the full room's page", base+"/?game=pong&room=full&name=Cy&mute=1")
	v := p.waitView("the room-full screen", 90*time.Second, func(v netclient.DebugView) bool { return v.Status == "closed" && v.Code == 4005 })
	v = p.waitView("its buttons", 10*time.Second, func(v netclient.DebugView) bool { return len(labels(v)) > 0 })
	if got := strings.Join(labels(v), ","); got != "Watch,Back to lobby" {
		t.Errorf("a full room offers %q; want Watch,Back to lobby", got)
	}
	p.pressButton("Watch")
	w := p.waitView("Cy to watch the full room", 30*time.Second, connected)
	if !w.Spectator || w.Room != "full" {
		t.Errorf("Watch led to %+v; want a spectator of room full", w)
	}

	b := openPage(t, browser, "the bad room's page", base+"/?game=pong&room=no%20spaces&name=Cy&mute=1")
	v = b.waitView("the bad-room screen", 90*time.Second, func(v netclient.DebugView) bool { return v.Status == "closed" && v.Code == 4007 })
	v = b.waitView("its buttons", 10*time.Second, func(v netclient.DebugView) bool { return len(labels(v)) > 0 })
	if _, ok := button(v, "Back to lobby"); !ok {
		t.Fatalf("a bad room name offers %q; want Back to lobby among them", labels(v))
	}
	b.pressButton("Back to lobby")
	b.waitLobbyShown()
}

// waitLobbyShown waits until the page, navigating, shows the lobby.
func (p *page) waitLobbyShown() {
	p.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		// Errors are a page between two documents: try again.
		if s, err := p.eval(`String(!!(window.tickwireLobby && window.tickwireLobby.active))`); err == nil && s == "true" {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("%s: the lobby never showed", p.name)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestLongOutageKeepsTrying is issue 16's Broken 7: while the server cannot be reached (here, for
// longer than the client used to try, about 49 s) the page keeps trying at a slow pace and says
// plainly what happened, with no raw ws:// address; when the server answers again (restarted: a
// new process, without the seat) it is back in the game, and says that the score was reset.
func TestLongOutageKeepsTrying(t *testing.T) {
	findChromium(t)
	www := wwwDir(t)
	_, proxy := startBehindProxy(t, www)
	browser := newBrowser(t)

	p := openPage(t, browser, "Ann's page", "http://"+proxy.Addr()+"/?game=arena&room=outage&name=Ann&mute=1")
	before := p.waitView("Ann to play", 90*time.Second, connected)
	proxy.Refuse(true)
	proxy.Cut(1, nil)
	down := time.Now()
	v := p.waitView("the page to say it is reconnecting", 20*time.Second, func(v netclient.DebugView) bool {
		return v.Status == "reconnecting"
	})
	raw := ""
	for time.Since(down) < 65*time.Second {
		var err error
		v, err = p.view()
		if err != nil {
			t.Fatal(err)
		}
		if v.Status == "closed" {
			t.Fatalf("the page gave up %s after the server went away: %s (code %d)", time.Since(down).Round(time.Second), v.Reason, v.Code)
		}
		if raw == "" && (v.Page == nil || strings.Contains(v.Page.Overlay, "ws://") || strings.Contains(v.Reason, "ws://")) {
			raw = fmt.Sprintf("page %+v, reason %q", v.Page, v.Reason)
			t.Errorf("while down the page says %s: want a plain sentence, no ws:// address", raw)
		}
		time.Sleep(time.Second)
	}
	if v.Page == nil || !strings.Contains(v.Page.Overlay, "trying again") {
		t.Errorf("after a minute down the overlay says %+v; want when it tries again", v.Page)
	} else {
		t.Logf("overlay after a minute down: %q", v.Page.Overlay)
	}
	// The server comes back as a new process (here, another server behind the same address): the
	// seat is gone, and the page joins afresh.
	_, base2 := startServer(t, www)
	proxy.Retarget(strings.TrimPrefix(base2, "http://"))
	proxy.Refuse(false)
	back := p.waitView("Ann to be back", 30*time.Second, func(v netclient.DebugView) bool { return connected(v) && v.Welcomes > before.Welcomes })
	if !strings.Contains(back.Notice, "score") {
		t.Errorf("back after the seat was given up, the notice is %q; want it to say the score was reset", back.Notice)
	}
}

// TestInGameMenu is issue 16's Missing 3 (the shell's part) with Broken 8's ?mute=0 and the join
// and leave toasts: one menu for every game, opened by its button or Esc, with leave, invite, sound,
// fullscreen and controls; Invite gives the room's link with ?friend= the player's id.
func TestInGameMenu(t *testing.T) {
	findChromium(t)
	www := wwwDir(t)
	_, base := startServer(t, www)
	browser := newBrowser(t)

	p := openPage(t, browser, "Ann's page", base+"/?game=pong&room=menu&name=Ann&mute=0")
	v := p.waitView("Ann to play", 90*time.Second, connected)
	if v.Page == nil || v.Page.Muted {
		t.Errorf("?mute=0: page %+v; want sound on", v.Page)
	}
	ws := "ws" + strings.TrimPrefix(base, "http") + "/ws"
	bob := netclient.Dial[pong.Input](netclient.Config{URL: ws, Game: "pong", Room: "menu", Name: "Bob"}, pong.Game{}, pong.Schema)
	p.waitView("a toast for Bob", 20*time.Second, func(v netclient.DebugView) bool {
		return v.Page != nil && strings.Contains(strings.Join(v.Page.Toasts, "|"), "Bob joined")
	})
	bob.Close()
	p.waitView("a toast for Bob leaving", 40*time.Second, func(v netclient.DebugView) bool {
		return v.Page != nil && strings.Contains(strings.Join(v.Page.Toasts, "|"), "Bob left")
	})

	p.pressButton("Menu")
	v = p.waitView("the menu", 10*time.Second, func(v netclient.DebugView) bool { return v.Page != nil && v.Page.Menu })
	for _, want := range []string{"Resume", "Invite a friend", "Sound: on", "Fullscreen", "Controls", "Leave to lobby"} {
		if _, ok := button(v, want); !ok {
			t.Errorf("the menu has %q; want %q among them", labels(v), want)
		}
	}
	p.pressButton("Invite a friend")
	v = p.waitView("the invite link", 10*time.Second, func(v netclient.DebugView) bool { return v.Page != nil && v.Page.Invite != "" })
	if want := base + "/?game=pong&room=menu&friend=" + strconv.Itoa(int(v.Player)); v.Page.Invite != want {
		t.Errorf("invite link %q, want %q", v.Page.Invite, want)
	}
	p.pressButton("Sound: on")
	p.waitView("sound off", 10*time.Second, func(v netclient.DebugView) bool { return v.Page != nil && v.Page.Muted })
	p.holdKey("Escape", "Escape", 27, 200*time.Millisecond)
	p.waitView("the menu closed by Esc", 10*time.Second, func(v netclient.DebugView) bool { return v.Page != nil && !v.Page.Menu })
	p.holdKey("Escape", "Escape", 27, 200*time.Millisecond)
	p.waitView("the menu opened by Esc", 10*time.Second, func(v netclient.DebugView) bool { return v.Page != nil && v.Page.Menu })
	p.pressButton("Leave to lobby")
	p.waitLobbyShown()
}

// pressEnter presses Enter where the page's focus is, as a keyboard does (keydown with its text).
func (p *page) pressEnter() {
	p.t.Helper()
	for _, ev := range []input.DispatchKeyEventParams{
		{Type: input.DispatchKeyEventTypeKeyDown, Key: "Enter", Code: "Enter", WindowsVirtualKeyCode: 13, Text: "\r"},
		{Type: input.DispatchKeyEventTypeKeyUp, Key: "Enter", Code: "Enter", WindowsVirtualKeyCode: 13},
	} {
		if err := p.cdp(func(ctx context.Context) error {
			_, err := chromedp.Call(ctx, input.DispatchKeyEvent, ev)
			return err
		}); err != nil {
			p.t.Fatalf("%s: Enter: %v", p.name, err)
		}
	}
}

// TestLobbyAtAGlance is issue 16's Broken 8 (the lobby's part): at 960×600 "Create and join" is in
// view without scrolling; Copy link says it copied; while the server cannot be reached the lobby
// says so and its Join buttons stop offering what they cannot do, and come back with the server;
// Enter in the name field plays.
func TestLobbyAtAGlance(t *testing.T) {
	findChromium(t)
	www := wwwDir(t)
	base, proxy := startBehindProxy(t, www)
	ws := "ws" + strings.TrimPrefix(base, "http") + "/ws"
	c := netclient.Dial[pong.Input](netclient.Config{URL: ws, Game: "pong", Room: "duel", Name: "Ann"}, pong.Game{}, pong.Schema)
	t.Cleanup(c.Close)
	browser := newBrowserSized(t, 960, 600)

	p := openPage(t, browser, "the lobby", "http://"+proxy.Addr()+"/")
	p.waitLobby("the open room", func(l lobbyState) bool { return len(l.Rooms) == 1 })
	if s, _ := p.eval(`String(document.getElementById('lobby-create').getBoundingClientRect().bottom <= window.innerHeight)`); s != "true" {
		bottom, _ := p.eval(`document.getElementById('lobby-create').getBoundingClientRect().bottom + ' of ' + window.innerHeight`)
		t.Errorf("at 960×600 Create and join is below the fold: its bottom at %s px", bottom)
	}
	p.do(`document.getElementById('lobby-copy').click()`)
	deadline := time.Now().Add(5 * time.Second)
	for {
		s, _ := p.eval(`document.getElementById('lobby-copy').textContent`)
		if s != "Copy link" { // "Copied ✓", or, without a clipboard to write, "Press Ctrl+C" over the selected link
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("Copy link gave no feedback: the button says %q", s)
			break
		}
		time.Sleep(50 * time.Millisecond)
	}

	proxy.Refuse(true)
	proxy.Cut(1, nil) // the page's keep-alive connection too
	l := p.waitLobby("the lobby to say the server is down", func(l lobbyState) bool {
		s, _ := p.eval(`document.getElementById('lobby-error').hidden ? '' : document.getElementById('lobby-error').textContent`)
		return s != ""
	})
	for _, b := range l.Buttons {
		if !strings.HasSuffix(b, "-") {
			t.Errorf("while the server is down the lobby offers %q; want its room buttons disabled", l.Buttons)
			break
		}
	}
	if d, _ := p.eval(`String(document.getElementById('lobby-create').disabled)`); d != "true" {
		t.Error("while the server is down the lobby's Create and join is enabled; want it disabled")
	}
	proxy.Refuse(false)
	p.waitLobby("the Join button back", func(l lobbyState) bool { return len(l.Buttons) > 0 && l.Buttons[0] == "Join" })

	p.do(`const n = document.getElementById('lobby-name'); n.focus(); n.value = 'Zoë'; n.dispatchEvent(new Event('input'))`)
	p.pressEnter()
	if q := p.waitQuery("a game"); q.Get("game") == "" || q.Get("name") != "Zoë" {
		t.Errorf("Enter in the name field went to %v; want a game as Zoë", q)
	}
}

// startBehindProxy runs the server and a proxy in front of it that can refuse and cut connections
// (a server that is down) or send them to another server (one restarted).
func startBehindProxy(t *testing.T, www string) (base string, proxy *cutter.Cutter) {
	t.Helper()
	_, base = startServer(t, www)
	proxy, err := cutter.New(strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(proxy.Close)
	return base, proxy
}

// fillPongRoom seats two players in pong's room of the server at base, until the test ends.
func fillPongRoom(t *testing.T, base, room string) {
	t.Helper()
	ws := "ws" + strings.TrimPrefix(base, "http") + "/ws"
	for _, name := range []string{"Ann", "Bob"} {
		c := netclient.Dial[pong.Input](netclient.Config{URL: ws, Game: "pong", Room: room, Name: name}, pong.Game{}, pong.Schema)
		t.Cleanup(c.Close)
	}
}
