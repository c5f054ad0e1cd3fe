package main

import "github.com/tickwire/tickwire/shared/games/arena"

func init() { register(arena.Game{}) }
