package sim

import "fmt"

// MaxFields is the most fields an entity kind may declare.
const MaxFields = 10

// EntityID identifies an entity within a room's state. Ids below 1<<16 are players' avatars.
type EntityID uint32

// Kind says which [KindSchema] describes an entity.
type Kind uint8

// Entity is one row of a game's state as it travels on the wire: an id, a kind and the kind's fields,
// all integers (fixed-point where the game needs fractions). It is a value type of 48 bytes.
type Entity struct {
	ID     EntityID
	Kind   Kind
	N      uint8 // number of fields in use
	Fields [MaxFields]int32
}

// NewEntity returns an entity with the given fields.
func NewEntity(id EntityID, kind Kind, fields ...int32) Entity {
	e := Entity{ID: id, Kind: kind, N: uint8(len(fields))}
	copy(e.Fields[:], fields)
	return e
}

// Field returns field i, or 0 when the entity has fewer fields.
func (e *Entity) Field(i int) int32 {
	if i < 0 || i >= int(e.N) {
		return 0
	}
	return e.Fields[i]
}

// Schema lists a game's entity kinds; the index is the [Kind].
type Schema []KindSchema

// KindSchema describes one kind of entity.
type KindSchema struct {
	Name   string
	Fields []FieldSchema
}

// FieldSchema describes one entity field.
type FieldSchema struct {
	Name string
	// Min and Max bound the field's value; a received value outside them is refused.
	Min, Max int32
	// Interp says the field may be interpolated between snapshots (a position, say, but not a score).
	Interp bool
}

// Check reports whether e is a valid entity under the schema: a known kind, the kind's field count,
// and every field within its bounds.
func (sc Schema) Check(e *Entity) error {
	if int(e.Kind) >= len(sc) {
		return fmt.Errorf("entity %d: unknown kind %d", e.ID, e.Kind)
	}
	k := &sc[e.Kind]
	if int(e.N) != len(k.Fields) {
		return fmt.Errorf("entity %d (%s): %d fields, want %d", e.ID, k.Name, e.N, len(k.Fields))
	}
	for i, f := range k.Fields {
		if v := e.Fields[i]; v < f.Min || v > f.Max {
			return fmt.Errorf("entity %d (%s): field %s = %d out of range [%d, %d]", e.ID, k.Name, f.Name, v, f.Min, f.Max)
		}
	}
	return nil
}
