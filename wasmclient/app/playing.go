package app

import (
	"github.com/hajimehoshi/ebiten/v2"
	"github.com/tickwire/tickwire/wasmclient/netclient"
	"github.com/tickwire/tickwire/wasmclient/ui"
)

// playing runs the game: each tick it hands the newest view to the game and the game's input to
// the network client. Neither call waits on the network.
type playing[I any] struct {
	app    *App[I]
	client *netclient.Client[I]
}

func (p *playing[I]) Update(ctx *ui.Context) error {
	v := p.client.View()
	if v.Status == netclient.Closed {
		ctx.Switch(newClosed(p.app, p, v))
		return nil
	}
	p.client.SetInput(p.app.game.Update(ctx, &v))
	return nil
}

func (p *playing[I]) Draw(screen *ebiten.Image, ctx *ui.Context) {
	p.app.game.Draw(screen, ctx)
}
