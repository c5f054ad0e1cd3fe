package main

import (
	"github.com/tickwire/tickwire/server/room"
	"github.com/tickwire/tickwire/shared/games/pong"
)

// Pong has messages of its own: the compiler checks that it is a room.Messenger, so a typo in a
// method's signature cannot silently leave its messages unrouted.
var _ room.Messenger[pong.State] = pong.Game{}

func init() { register(room.For(pong.Game{})) }
