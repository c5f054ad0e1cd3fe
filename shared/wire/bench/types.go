package bench

//go:generate go tool msgp -file types.go -o types_gen.go -tests=false

//msgp:tuple Entity Snapshot Input

// Entity, Snapshot and Input are plain-struct versions of tickwire's messages, encoded as arrays
// (msgpack "as_array", msgp "tuple") like the real ones.
type Entity struct {
	_msgpack struct{} `msgpack:",as_array"`
	ID       uint32
	Kind     uint8
	Fields   []int32
}

type Snapshot struct {
	_msgpack struct{} `msgpack:",as_array"`
	Tick     uint32
	Ack      uint32
	Entities []Entity
}

type Input struct {
	_msgpack struct{} `msgpack:",as_array"`
	Seq      uint32
	Tick     uint32
	Ack      uint32
	MoveX    int8
	MoveY    int8
	Buttons  uint8
}
