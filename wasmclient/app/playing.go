package app

import (
	"fmt"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/tickwire/tickwire/wasmclient/netclient"
	"github.com/tickwire/tickwire/wasmclient/ui"
)

// playing runs the game: each tick it hands the newest view and the game messages received to the
// game, and the game's input and messages to the network client. None of it waits on the network. A
// spectator's input is never sent. Over the game it draws the net graph's button and, when toggled
// on, the net graph.
type playing[I any] struct {
	app    *App[I]
	client *netclient.Client[I]
	msgs   []wire.Message
}

func (p *playing[I]) Update(ctx *ui.Context) error {
	v := p.client.View()
	if v.Status == netclient.Closed {
		ctx.Switch(newClosed(p.app, p, v))
		return nil
	}
	p.app.net.update(ctx, p.app.net.read(), p.client)
	m, _ := p.app.game.(Messenger)
	if m != nil {
		p.msgs = p.client.TakeEvents(p.msgs[:0])
		for _, msg := range p.msgs {
			m.Receive(msg)
		}
	}
	in := p.app.game.Update(ctx, &v)
	if v.Welcome.Spectator {
		return nil
	}
	if _, manual := p.app.game.(Predicting[I]); !manual {
		p.client.SetInput(in)
	}
	if m != nil {
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
	}
	p.app.net.draw(screen, ctx)
}

// drawReconnecting dims the frozen game and says what is happening, so a lost connection never looks
// like a hung page.
func drawReconnecting(screen *ebiten.Image, ctx *ui.Context, v netclient.View) {
	ui.FillRect(screen, 0, 0, float32(ctx.W), float32(ctx.H), ui.Background, 0.55)
	th := ctx.Theme
	title := "Reconnecting…"
	if v.Code == int(wire.CloseGoingAway) {
		title = "Server restarting…"
	}
	cx, cy := float64(ctx.W)/2, float64(ctx.H)/2
	ui.Text(screen, title, th.Bold(ui.Large), cx, cy-ctx.Px(18), ui.Center, ui.Center, ui.Warn)
	detail := fmt.Sprintf("attempt %d", v.Attempt)
	if v.Reason != "" {
		detail = v.Reason + " · " + detail
	}
	ui.Text(screen, detail, th.Face(ui.Body), cx, cy+ctx.Px(18), ui.Center, ui.Center, ui.Muted)
}
