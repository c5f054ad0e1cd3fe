package main

import (
	"github.com/tickwire/tickwire/server/room"
	"github.com/tickwire/tickwire/shared/games/arena"
)

func init() { register(room.For(arena.Game{})) }
