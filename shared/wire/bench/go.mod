module github.com/tickwire/tickwire/shared/wire/bench

go 1.26.0

replace github.com/tickwire/tickwire => ../../..

require (
	github.com/tickwire/tickwire v0.0.0-00010101000000-000000000000
	github.com/tinylib/msgp v1.6.5
	github.com/vmihailenco/msgpack/v5 v5.4.1
)

require (
	github.com/philhofer/fwd v1.2.0 // indirect
	github.com/vmihailenco/tagparser/v2 v2.0.0 // indirect
	golang.org/x/mod v0.18.0 // indirect
	golang.org/x/tools v0.22.0 // indirect
)

tool github.com/tinylib/msgp
