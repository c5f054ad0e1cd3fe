package lobby

import (
	"errors"

	"github.com/tickwire/tickwire/server/room"
	"github.com/tickwire/tickwire/shared/wire"
)

// resume finds the room a resume token names and asks it for the held seat. The seat is still
// counted as taken (it is freed only when the room lets it go), so nothing changes in the lobby.
func (l *Lobby) resume(h wire.Hello, p room.Peer) (room.Seat, *Refusal) {
	t, err := room.ParseToken(h.Resume)
	if err != nil {
		return nil, refuse(wire.CloseResumeFailed, "%v", err)
	}
	l.mu.Lock()
	e := l.open[roomKey{t.Game, t.Room}]
	l.mu.Unlock()
	if e == nil {
		return nil, refuse(wire.CloseResumeFailed, "cannot resume: room %q is gone; join again", t.Room)
	}
	seat, err := e.room.Resume(t, p)
	if err != nil {
		if !errors.Is(err, room.ErrResume) {
			err = errors.Join(room.ErrResume, err)
		}
		return nil, refuse(wire.CloseResumeFailed, "%v", err)
	}
	return seat, nil
}
