package main

import "github.com/tickwire/tickwire/shared/games/pong"

func init() { register(pong.Game{}) }
