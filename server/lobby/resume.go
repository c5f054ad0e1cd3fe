package lobby

import (
	"github.com/tickwire/tickwire/server/room"
	"github.com/tickwire/tickwire/shared/wire"
)

// resume finds the room a resume token names and asks it for the held seat. The seat is still
// counted as taken (it is freed only when the room lets it go), so nothing changes in the lobby.
// Only the token counts: the hello's game, room and name are not looked at.
func (l *Lobby) resume(h wire.Hello, p room.Peer) (room.Seat, *wire.CloseError) {
	t, err := room.ParseToken(h.Resume)
	if err != nil {
		return nil, wire.Closef(wire.CloseResumeFailed, "cannot resume: %v", err)
	}
	l.mu.Lock()
	e := l.open[roomKey{t.Game, t.Room}]
	l.mu.Unlock()
	if e == nil {
		return nil, wire.Closef(wire.CloseResumeFailed, "cannot resume: room %q is gone; join again", truncate(t.Room, 32))
	}
	return e.room.Resume(t, p)
}
