package app

import (
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/tickwire/tickwire/wasmclient/netclient"
	"github.com/tickwire/tickwire/wasmclient/ui"
)

// playing runs the game: each tick it hands the game messages received to the game, reads the
// game's input, runs the netcode's driver with it (which stamps and sends the input, and times what
// is drawn), and hands the game its frame; then it sends the game's messages. None of it waits on
// the network. A spectator's input and messages are never sent. Over the game it draws the net
// graph's button and, when toggled on, the net graph; for a few seconds after a rollback, a notice
// saying so.
type playing[I any] struct {
	app    *App[I]
	client *netclient.Client[I]
	msgs   []wire.Message
	frame  Frame
	notice string // View.Notice as of the last Update: after a rollback, what happened
}

func (p *playing[I]) Update(ctx *ui.Context) error {
	v := p.client.View()
	if v.Status == netclient.Closed {
		ctx.Switch(newClosed(p.app, p, v))
		return nil
	}
	p.notice = v.Notice(time.Now())
	p.app.net.update(ctx, p.app.net.read(), p.client)
	// While the menu has the input, the game gets none: a key or a finger on the menu must not
	// also dash or drag a paddle. Its zero input (no controls held) still goes out every tick.
	busy := p.app.over.update(ctx, p.app, v)
	m, _ := p.app.game.(Messenger)
	if m != nil {
		p.msgs = p.client.TakeEvents(p.msgs[:0])
		for _, msg := range p.msgs {
			m.Receive(msg)
		}
	}
	var in I
	if !busy {
		in = p.app.game.Input(ctx)
	}
	if err := p.app.drv.Frame(time.Now(), in); err != nil {
		// A snapshot the game cannot restore: nothing sensible to draw. The closed screen follows.
		p.client.Close()
	}
	f := &p.frame
	f.View, f.Drawn, f.Timed = v, v.Entities, false
	p.app.offer.setRoom(p.app.name, v.Welcome.Room)
	f.Replays = p.app.offer
	f.Friend = p.app.cfg.Friend
	if p.app.drv.Ready() {
		f.Drawn, f.Timed = p.app.drv.Entities(), true
	}
	p.app.game.Update(ctx, f)
	p.app.board.note(p.app.game)
	if m != nil && !v.Welcome.Spectator {
		p.msgs = m.Outbox(p.msgs[:0])
		for _, msg := range p.msgs {
			// A refused message (queue full, not declared) is the game's to notice: the server's
			// state, which it sees in snapshots, says what happened.
			_ = p.client.Send(msg)
		}
	}
	clear(p.msgs)
	return nil
}

func (p *playing[I]) Draw(screen *ebiten.Image, ctx *ui.Context) {
	p.app.game.Draw(screen, ctx)
	if v := p.client.View(); v.Status == netclient.Reconnecting {
		drawReconnecting(screen, ctx, v)
	} else if p.notice != "" {
		drawNotice(screen, ctx, p.notice)
	}
	p.app.net.draw(screen, ctx)
	p.app.over.draw(screen, ctx, p.app.controls(ctx.Touch))
}

// pageView implements pageViewer.
func (p *playing[I]) pageView(d *netclient.DebugPage, ctx *ui.Context) {
	d.Scene = "playing"
	if v := p.client.View(); v.Status == netclient.Reconnecting {
		_, d.Overlay = reconnectText(v, time.Now())
	}
	p.app.over.pageView(d, ctx)
}

// drawReconnecting dims the frozen game and says what is happening, so a lost connection never looks
// like a hung page.
func drawReconnecting(screen *ebiten.Image, ctx *ui.Context, v netclient.View) {
	ui.FillRect(screen, 0, 0, float32(ctx.W), float32(ctx.H), ui.Background, 0.55)
	th := ctx.Theme
	title, line := reconnectText(v, time.Now())
	cx, cy := float64(ctx.W)/2, float64(ctx.H)/2
	ui.Text(screen, title, th.Bold(ui.Large), cx, cy-ctx.Px(18), ui.Center, ui.Center, ui.Warn)
	ui.Text(screen, line, th.Face(ui.Body), cx, cy+ctx.Px(18), ui.Center, ui.Center, ui.Muted)
}

// drawNotice shows a short line over the top of the game, a band the game plays on under: after a
// rollback (the server restarted and the game went back), so that a jump back is never silent.
func drawNotice(screen *ebiten.Image, ctx *ui.Context, text string) {
	h := ctx.Px(40)
	ui.FillRect(screen, 0, float32(ctx.Px(48)), float32(ctx.W), float32(h), ui.Background, 0.75)
	ui.Text(screen, text, ctx.Theme.Bold(ui.Body), float64(ctx.W)/2, ctx.Px(48)+h/2, ui.Center, ui.Center, ui.Warn)
}
