package sim

// Presence is implemented by a game that wants to know when a player's connection drops and comes
// back (optional, found with a type assertion). The toolkit holds a dropped player's seat for a
// grace period before it calls Leave; without Presence the game sees nothing until then, and plays
// on against a player nobody holds (a pong paddle that concedes points for 30 s).
//
// The room calls Away when a seated player's connection is lost without a goodbye (the seat enters
// its grace) and Back when the player resumes the seat; Leave follows Away if the grace runs out.
// Both run on the room's goroutine between steps: after the tick's joins and leaves, before its
// messages and Step. tick is the tick about to be stepped. Like Step they must be pure and
// deterministic: a replay calls them at the same points, and what they change must be in the
// state's entities (a capture of the room carries it).
type Presence[S any] interface {
	// Away says player p's connection dropped; the seat is held for graceTicks ticks (from tick),
	// after which Leave is called unless Back comes first.
	Away(s *S, tick uint32, p PlayerID, graceTicks uint32)
	// Back says player p, away since an earlier Away, has resumed its seat.
	Back(s *S, tick uint32, p PlayerID)
}
