//go:build js

package main

import (
	"encoding/json"
	"image"
	"strconv"
	"sync"
	"syscall/js"

	"github.com/tickwire/tickwire/shared/games"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/tickwire/tickwire/wasmclient/app"
)

// seatKey is the sessionStorage key of the seat this tab holds in game's room. sessionStorage is
// the tab's own: a reload keeps it, another tab (another player) has its own.
func seatKey(game, room string) string { return "tickwire.seat." + game + "." + room }

// keptSeat is what the tab keeps of its seat: the resume token and the name played under.
type keptSeat struct {
	Token string `json:"token"`
	Name  string `json:"name"`
}

// session returns window.sessionStorage, or an undefined value where it is refused (a sandboxed
// frame, storage turned off): the page then works without it.
func session() (s js.Value) {
	defer func() {
		if recover() != nil {
			s = js.Undefined()
		}
	}()
	return js.Global().Get("sessionStorage")
}

// pageHooks returns what the page does for the client (app.Page) and, when the tab holds a seat in
// cfg's room (a reload), sets cfg to resume it: its token, and its name, so that no title screen
// asks again.
func pageHooks(cfg *config) app.Page {
	p := app.Page{Seated: seated, Left: left, Reload: reload, InviteLink: inviteLink, Copy: copyText,
		NameInput: newNameInput()}
	game := cfg.Game
	if game == "" {
		game = games.Default
	}
	if st := session(); st.Truthy() && cfg.Room != "" && !cfg.Spectate && cfg.Replay == "" {
		if v := st.Call("getItem", seatKey(game, cfg.Room)); v.Truthy() {
			var k keptSeat
			if json.Unmarshal([]byte(v.String()), &k) == nil && k.Token != "" && k.Name != "" {
				p.Resume = k.Token
				if cfg.Name == "" {
					cfg.Name = k.Name
				}
			}
		}
	}
	return p
}

// seated is told each welcome: the address becomes ?game=G&room=R (&spectate=1 for
// a spectator), never the player's name, without a new history entry; the tab keeps the seat.
func seated(w wire.Welcome, name string) {
	q := "?game=" + w.Game + "&room=" + w.Room
	if w.Spectator {
		q += "&spectate=1"
	}
	js.Global().Get("history").Call("replaceState", nil, "", q)
	if st := session(); st.Truthy() && !w.Spectator && w.Resume != "" {
		b, _ := json.Marshal(keptSeat{Token: w.Resume, Name: name})
		st.Call("setItem", seatKey(w.Game, w.Room), string(b))
	}
}

// left forgets the seat the tab kept in game's room: the player left it on purpose.
func left(game, room string) {
	if st := session(); st.Truthy() {
		st.Call("removeItem", seatKey(game, room))
	}
}

func reload() { js.Global().Get("location").Call("reload") }

// inviteLink is the address that invites a friend into room of game, to spawn near player.
// A spectator (player 0) invites to the room alone.
func inviteLink(game, room string, player sim.PlayerID) string {
	link := js.Global().Get("location").Get("origin").String() + "/?game=" + game + "&room=" + room
	if player != 0 {
		link += "&friend=" + strconv.FormatUint(uint64(player), 10)
	}
	return link
}

// copyText puts text on the clipboard where the browser allows it (navigator.clipboard needs a
// secure context: https or localhost); the menu shows the link either way.
func copyText(text string) {
	clip := js.Global().Get("navigator").Get("clipboard")
	if clip.Truthy() && clip.Get("writeText").Truthy() {
		clip.Call("writeText", text).Call("catch", js.FuncOf(func(js.Value, []js.Value) any { return nil }))
	}
}

// nameInput is the page's #name-input (index.html), an HTML input over the title screen's field.
type nameInput struct {
	el js.Value

	mu        sync.Mutex
	shown     bool
	submitted bool
}

// newNameInput returns the page's name input, or nil when the page has none (an old index.html):
// the title screen then draws its own.
func newNameInput() app.NameInput {
	el := js.Global().Get("document").Call("getElementById", "name-input")
	if !el.Truthy() {
		return nil
	}
	in := &nameInput{el: el}
	el.Call("addEventListener", "keydown", js.FuncOf(func(_ js.Value, args []js.Value) any {
		if k := args[0].Get("key").String(); k == "Enter" {
			args[0].Call("preventDefault")
			in.mu.Lock()
			in.submitted = true
			in.mu.Unlock()
		}
		return nil
	}))
	return in
}

func (in *nameInput) Show(r image.Rectangle, scale float64, text string) {
	if scale <= 0 {
		scale = 1
	}
	px := func(n int) string { return strconv.FormatFloat(float64(n)/scale, 'f', 1, 64) + "px" }
	st := in.el.Get("style")
	st.Set("left", px(r.Min.X))
	st.Set("top", px(r.Min.Y))
	st.Set("width", px(r.Dx()))
	st.Set("height", px(r.Dy()))
	in.mu.Lock()
	first := !in.shown
	in.shown = true
	in.mu.Unlock()
	if first {
		in.el.Set("hidden", false)
		in.Set(text)
	}
}

func (in *nameInput) Set(text string) {
	in.el.Set("value", text)
	in.el.Call("focus")
	in.el.Call("select")
}

func (in *nameInput) Text() string { return in.el.Get("value").String() }

func (in *nameInput) Submitted() bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	s := in.submitted
	in.submitted = false
	return s
}

func (in *nameInput) Hide() {
	in.mu.Lock()
	was := in.shown
	in.shown = false
	in.mu.Unlock()
	if was {
		in.el.Set("hidden", true)
		in.el.Call("blur")
	}
}
