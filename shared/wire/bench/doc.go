// Package bench measures tickwire's hot-path codec (snapshot and input messages) against two
// anchors for the same shapes: vmihailenco/msgpack's reflection on plain structs, and code that
// tinylib/msgp generates. It is a separate module so that the main module does not depend on msgp.
//
//	cd shared/wire/bench && go test -bench . -benchmem
//
// types_gen.go is generated: go generate (it runs `go tool msgp`).
package bench
