package netcode

import (
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/tickwire/tickwire/shared/sim"
)

// walker is a tiny deterministic game for the tests (the toolkit must not import the real games):
// every player is a walker that accelerates with its input and slows down by integer friction;
// drones (ids from droneBase) bounce between two walls on their own. Positions (x, y) are the
// interpolated fields; velocities are not.
type walker struct{}

type walkerInput struct{ DX, DY int8 }

type walkerState struct {
	ents []sim.Entity // sorted by id
}

const (
	kindWalker sim.Kind = iota
	kindDrone

	// Field indices, the same for both kinds.
	fx, fy, fvx, fvy = 0, 1, 2, 3

	worldMax  = 100_000
	droneWall = 5_000
	droneBase = 1 << 16
	accel     = 40
	maxSpeed  = 1_000
)

var walkerSchema = sim.Schema{
	{Name: "walker", Fields: []sim.FieldSchema{
		{Name: "x", Min: -worldMax, Max: worldMax, Interp: true},
		{Name: "y", Min: -worldMax, Max: worldMax, Interp: true},
		{Name: "vx", Min: -maxSpeed, Max: maxSpeed},
		{Name: "vy", Min: -maxSpeed, Max: maxSpeed},
	}},
	{Name: "drone", Fields: []sim.FieldSchema{
		{Name: "x", Min: -worldMax, Max: worldMax, Interp: true},
		{Name: "y", Min: -worldMax, Max: worldMax, Interp: true},
		{Name: "vx", Min: -maxSpeed, Max: maxSpeed},
		{Name: "vy", Min: -maxSpeed, Max: maxSpeed},
	}},
}

func (walker) Info() sim.Info {
	return sim.Info{Name: "walker", TickRate: 30, SnapshotRate: 20, MaxPlayers: 8, Schema: walkerSchema}
}

// NewState places three drones, their speeds drawn from seed.
func (walker) NewState(seed uint64) walkerState {
	r := sim.NewRand(seed)
	var s walkerState
	for i := range int32(3) {
		s.ents = append(s.ents, sim.NewEntity(droneBase+sim.EntityID(i), kindDrone,
			r.Range(-droneWall, droneWall), 1000*i, r.Range(-90, 90), r.Range(-60, 60)))
	}
	return s
}

func (walker) Join(s *walkerState, p sim.PlayerID) {
	id := sim.EntityID(p)
	i, found := index(s.ents, id)
	if found {
		return
	}
	s.ents = slices.Insert(s.ents, i, sim.NewEntity(id, kindWalker, 100*int32(p), 0, 0, 0))
}

func (walker) Leave(s *walkerState, p sim.PlayerID) {
	if i, found := index(s.ents, sim.EntityID(p)); found {
		s.ents = slices.Delete(s.ents, i, i+1)
	}
}

// move integrates one axis of a walker: accelerate, lose a quarter of the speed (integer
// division truncates toward zero; below 4 it stops), move, stop at the edge of the world.
func move(pos, vel *int32, push int8) {
	*vel = sim.Clamp(*vel+accel*int32(push), -maxSpeed, maxSpeed)
	*vel -= *vel / 4
	if *vel > -4 && *vel < 4 {
		*vel = 0
	}
	*pos += *vel
	if *pos < -worldMax || *pos > worldMax {
		*pos, *vel = sim.Clamp(*pos, -worldMax, worldMax), 0
	}
}

// bounce moves one axis of a drone, reflecting it off the walls at ±droneWall.
func bounce(pos, vel *int32) {
	*pos += *vel
	if *pos > droneWall || *pos < -droneWall {
		*vel = -*vel
		*pos = sim.Clamp(*pos, -droneWall, droneWall)
	}
}

func (walker) Step(s *walkerState, tick uint32, inputs []sim.Input[walkerInput]) {
	j := 0
	for i := range s.ents {
		e := &s.ents[i]
		switch e.Kind {
		case kindWalker:
			for j < len(inputs) && sim.EntityID(inputs[j].Player) < e.ID {
				j++
			}
			var in walkerInput
			if j < len(inputs) && sim.EntityID(inputs[j].Player) == e.ID {
				in = inputs[j].Input
			}
			move(&e.Fields[fx], &e.Fields[fvx], in.DX)
			move(&e.Fields[fy], &e.Fields[fvy], in.DY)
		case kindDrone:
			bounce(&e.Fields[fx], &e.Fields[fvx])
			bounce(&e.Fields[fy], &e.Fields[fvy])
		}
	}
}

func (walker) Entities(s *walkerState, dst []sim.Entity) []sim.Entity {
	return append(dst, s.ents...)
}

// Restore accepts any subset of the entities (a player's view under interest management), so
// long as they are valid and sorted.
func (walker) Restore(s *walkerState, ents []sim.Entity) error {
	for i := range ents {
		if err := walkerSchema.Check(&ents[i]); err != nil {
			return err
		}
		if i > 0 && ents[i].ID <= ents[i-1].ID {
			return fmt.Errorf("walker: entity %d after %d: not sorted by id", ents[i].ID, ents[i-1].ID)
		}
	}
	s.ents = append(s.ents[:0], ents...)
	return nil
}

// server is the authoritative copy of a walker room: the state and the input in force for each
// player, which it repeats while none newer arrives, for serverRepeat ticks, then drops to the
// zero input, as the room does.
type server struct {
	g       walker
	state   walkerState
	tick    uint32
	held    map[sim.PlayerID]walkerInput
	missing map[sim.PlayerID]int
	ins     []sim.Input[walkerInput]
}

// serverRepeat is the room's default InputRepeat.
const serverRepeat = 6

func newServer(seed uint64, players ...sim.PlayerID) *server {
	s := &server{state: walker{}.NewState(seed), held: map[sim.PlayerID]walkerInput{}, missing: map[sim.PlayerID]int{}}
	for _, p := range players {
		s.g.Join(&s.state, p)
		s.held[p] = walkerInput{}
	}
	return s
}

// step runs the next tick with the inputs in force, after replacing those in set.
func (s *server) step(set map[sim.PlayerID]walkerInput) {
	for p := range s.held {
		if in, ok := set[p]; ok {
			s.held[p], s.missing[p] = in, 0
		} else if s.missing[p]++; s.missing[p] > serverRepeat {
			s.held[p] = walkerInput{}
		}
	}
	s.ins = s.ins[:0]
	for p, in := range s.held {
		s.ins = append(s.ins, sim.Input[walkerInput]{Player: p, Input: in})
	}
	slices.SortFunc(s.ins, func(a, b sim.Input[walkerInput]) int { return int(a.Player) - int(b.Player) })
	s.tick++
	s.g.Step(&s.state, s.tick, s.ins)
}

// entities returns a fresh copy of the state's entities, as a snapshot carries them.
func (s *server) entities() []sim.Entity { return s.g.Entities(&s.state, nil) }

// TestWalkerIsAGame checks the test game against the Game contract the netcode relies on: a
// state restored from its entities (or from the subset a player sees) steps identically, the
// walker comes to rest, and Restore refuses bad tables.
func TestWalkerIsAGame(t *testing.T) {
	t.Parallel()
	g := walker{}
	s := newServer(7, 1, 2)
	in := map[sim.PlayerID]walkerInput{1: {DX: 1}, 2: {DX: -1, DY: 1}}
	for range 50 {
		s.step(in)
	}
	var restored walkerState
	if err := g.Restore(&restored, s.entities()); err != nil {
		t.Fatal(err)
	}
	var mine walkerState // only player 1 and the drones: a subset
	view := slices.DeleteFunc(s.entities(), func(e sim.Entity) bool { return e.ID == 2 })
	if err := g.Restore(&mine, view); err != nil {
		t.Fatal(err)
	}
	ins := []sim.Input[walkerInput]{{Player: 1, Input: walkerInput{DX: 1}}, {Player: 2, Input: walkerInput{DX: -1, DY: 1}}}
	for tick := uint32(51); tick <= 80; tick++ {
		s.step(in)
		g.Step(&restored, tick, ins)
		g.Step(&mine, tick, ins)
	}
	if got, want := g.Entities(&restored, nil), s.entities(); !reflect.DeepEqual(got, want) {
		t.Errorf("restored state stepped to %v, want %v", got, want)
	}
	wantMine := slices.DeleteFunc(s.entities(), func(e sim.Entity) bool { return e.ID == 2 })
	if got := g.Entities(&mine, nil); !reflect.DeepEqual(got, wantMine) {
		t.Errorf("restored subset stepped to %v, want %v", got, wantMine)
	}
	w, _ := find(s.entities(), 1)
	if w.Fields[fvx] == 0 || w.Fields[fx] <= 100 {
		t.Errorf("walker 1 = %v; it should be moving right", w)
	}
	for range 40 {
		s.step(map[sim.PlayerID]walkerInput{1: {}, 2: {}})
	}
	if w, _ := find(s.entities(), 1); w.Fields[fvx] != 0 || w.Fields[fvy] != 0 {
		t.Errorf("walker 1 = %v after letting go; friction should stop it", w)
	}
	bad := [][]sim.Entity{
		{sim.NewEntity(1, kindWalker, 0, 0, 0, 0), sim.NewEntity(1, kindWalker, 0, 0, 0, 0)},
		{sim.NewEntity(1, 9, 0, 0, 0, 0)},
		{sim.NewEntity(1, kindWalker, 0, 0, 0)},
		{sim.NewEntity(1, kindWalker, 0, 0, 5000, 0)},
	}
	for _, ents := range bad {
		if err := g.Restore(&restored, ents); err == nil {
			t.Errorf("Restore(%v) = nil, want an error", ents)
		}
	}
	if err := g.Restore(&restored, nil); err != nil || len(g.Entities(&restored, nil)) != 0 {
		t.Errorf("Restore(nil) = %v, %v; want an empty state", err, g.Entities(&restored, nil))
	}
}
