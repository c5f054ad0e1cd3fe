package sim

// PlayerID identifies a player within a room. The toolkit assigns it when the player joins; 0 is never
// a player. By convention a player's avatar is the entity whose [EntityID] equals its PlayerID.
type PlayerID uint32

// Input is one player's input for one tick.
type Input[I any] struct {
	Player PlayerID
	Input  I
}

// Game is a deterministic simulation with state S and per-player input I.
//
// Every method must be a pure function of its arguments: given equal states and inputs it produces
// equal states, on every platform. The toolkit runs the same code on the server and, for prediction,
// in the browser.
type Game[S any, I any] interface {
	// Info describes the game: its name, timing, capacity and entity schema.
	Info() Info
	// NewState returns the state of a new room. All randomness derives from seed.
	NewState(seed uint64) S
	// Join adds a player's avatar to the state.
	Join(s *S, p PlayerID)
	// Leave removes a player's avatar from the state.
	Leave(s *S, p PlayerID)
	// Step advances s by one tick. inputs holds one entry per player in the room, sorted by player.
	Step(s *S, tick uint32, inputs []Input[I])
	// Entities appends the state's entities to dst, sorted by id, and returns it. Together they must
	// describe the whole state: Restore of the result yields a state that steps identically.
	Entities(s *S, dst []Entity) []Entity
	// Restore replaces s with the state the entities describe. It reuses s's storage where it can.
	// A game that implements [Interest] must also accept what Visible returns for a player: the
	// entities not listed are then absent from the state, which still steps (the client predicts
	// its own player in it), and Entities lists only what is present.
	Restore(s *S, ents []Entity) error
}

// Info describes a game to the toolkit.
type Info struct {
	// Name identifies the game in hellos, room lists and logs: lower-case letters, digits and '-'.
	Name string
	// TickRate is the number of simulation steps per second the game is designed for.
	TickRate int
	// SnapshotRate is the number of snapshots per second the game wants each client to get, at most
	// TickRate. Zero leaves it to the server (20 unless configured).
	SnapshotRate int
	// MaxPlayers is the number of seats in one room.
	MaxPlayers int
	// Schema describes the entity kinds and their fields.
	Schema Schema
	// StateVersion numbers the meaning of the game's state: what its entities' fields (and the room
	// state of a game that keeps one, see server/room's StateKeeper) say. A capture of a room (a
	// handoff to another server, a checkpoint) names it, and a server refuses a capture of another
	// version, so bump it when a capture of the old state would be misread by the new code: a field
	// added, removed or reinterpreted, a kind added, a rule that gives an old field a new meaning.
	// A change that only alters how the state steps from here on needs no bump. Zero for a game
	// never changed so.
	StateVersion int
	// InputsPerMessage is how many ticks' inputs a client puts in one message (wire.OpInputs): it
	// holds each input until that many ticks' are ready, so it sends that many times fewer
	// messages, and stamps its inputs as many ticks further ahead, less one, so that the first of a
	// batch still arrives in time. The server unpacks a batch into its per-tick input ring: each
	// input is applied and judged (lag compensation) on its own tick, exactly as if it had come
	// alone. So the cost is input delay: others see a player's move (InputsPerMessage-1) ticks
	// later (the player's own prediction answers at once). 0 means DefaultInputsPerMessage; 1
	// sends each input alone, as before batching; at most wire.MaxInputsPerMessage (16). See
	// docs/NETCODE.md for the measurements behind the default.
	InputsPerMessage int
}

// DefaultInputsPerMessage is Info.InputsPerMessage when a game leaves it 0, chosen by measurement
// (docs/NETCODE.md, "Batched inputs").
const DefaultInputsPerMessage = 2

// Interest is implemented by a game that limits what each player sees (interest management). The
// toolkit then sends each player only the entities Visible returns; an entity entering or leaving
// a player's view reaches that player as a creation or a removal.
type Interest[S any] interface {
	// Visible appends to dst the entities of all (the whole state's, sorted by id) that player p
	// sees, in the same order, and returns dst. It must be pure, like Step.
	Visible(s *S, p PlayerID, all []Entity, dst []Entity) []Entity
}
