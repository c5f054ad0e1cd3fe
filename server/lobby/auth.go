package lobby

import (
	"context"

	"github.com/tickwire/tickwire/shared/wire"
)

// Identity is who an [Authenticator] says a client is.
type Identity struct {
	// Name is the display name the player gets (checked as any player's name). Empty keeps the name
	// the hello chose.
	Name string
	// ID is the game's own id for the player (an account), logged with the join. Empty for a guest.
	ID string
}

// Authenticator decides who a client is from its hello: Hello.Auth carries a token the page got
// from the game's own login (or its URL), which the toolkit never reads. It returns the identity,
// or refuses with a *wire.CloseError carrying the game's own code (4000–4999) and a reason the
// player is shown; any other error refuses with 1011. It is the game developer's code: it may call
// its own services, within ctx (a few seconds).
//
// It sees every hello that joins or watches, on the node the hello reached. A resume is not
// authenticated again (its token proves the seat), nor a player sent by another node with a
// reservation (that node authenticated the hello, and the signed reservation carries the name).
type Authenticator interface {
	Authenticate(ctx context.Context, h wire.Hello) (Identity, error)
}

// AuthenticatorFunc makes a function an Authenticator.
type AuthenticatorFunc func(ctx context.Context, h wire.Hello) (Identity, error)

// Authenticate calls f.
func (f AuthenticatorFunc) Authenticate(ctx context.Context, h wire.Hello) (Identity, error) {
	return f(ctx, h)
}

// authenticate runs Config.Authenticator on h, if there is one, and returns h with the identity's
// name, or the refusal.
func (l *Lobby) authenticate(h wire.Hello) (wire.Hello, *wire.CloseError) {
	if l.cfg.Authenticator == nil {
		return h, nil
	}
	ctx, cancel := context.WithTimeout(l.ctx, placeTimeout)
	defer cancel()
	id, err := l.cfg.Authenticator.Authenticate(ctx, h)
	if err != nil {
		if ce, ok := wire.AsCloseError(err); ok {
			return h, ce
		}
		l.cfg.Logger.Warn("authenticator failed", "err", err)
		return h, wire.Closef(wire.CloseServerError, "the server could not check who you are; try again")
	}
	if id.Name != "" {
		h.Name = id.Name
	}
	l.cfg.Logger.Info("authenticated", "id", id.ID, "name", h.Name, "room", h.Room, "spectate", h.Spectate)
	return h, nil
}
