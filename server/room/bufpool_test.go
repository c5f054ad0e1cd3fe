package room

import "github.com/tickwire/tickwire/server/internal/bufpool"

func bufpoolPut(b []byte) { bufpool.Put(b) }
