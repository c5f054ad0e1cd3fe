package replay

import (
	"bytes"
	"fmt"

	"github.com/tickwire/tickwire/shared/sim"
)

// Check replays the whole recording and compares the state with every keyframe: the first
// keyframe whose state differs from the replay's is an error naming its tick and the first entity
// that differs (or the room state, for a [StateKeeper]). It returns how many ticks it replayed. A
// difference means the game's Step is not deterministic (across platforms, say), the recording is
// damaged, or the game changed without a new StateVersion.
func Check[S, I any](g Game[S, I], rec *Recording) (ticks int, err error) {
	p, err := NewReplayer(g, rec)
	if err != nil {
		return 0, err
	}
	schema := g.Info().Schema
	var got []sim.Entity
	var room []byte
	k := 0
	for {
		for ; k < len(rec.Keyframes) && rec.Keyframes[k].Tick == p.Tick(); k++ {
			kf := &rec.Keyframes[k]
			got = p.Entities(got[:0])
			if d := diff(got, kf.Entities, schema); d != "" {
				return ticks, fmt.Errorf("replay: tick %d differs from the recording: %s", kf.Tick, d)
			}
			if p.keeper != nil {
				room = p.keeper.SaveRoomState(&p.state, room[:0])
				if !bytes.Equal(room, kf.RoomState) {
					return ticks, fmt.Errorf("replay: tick %d differs from the recording: room state (%d bytes) is not the recorded one (%d bytes)", kf.Tick, len(room), len(kf.RoomState))
				}
			}
		}
		if p.Tick() == p.Last() {
			return ticks, nil
		}
		if err := p.Step(); err != nil {
			return ticks, err
		}
		ticks++
	}
}

// diff describes the first difference between the replay's entities and the recorded ones (both
// sorted by id), or returns "" when they are equal.
func diff(got, want []sim.Entity, sc sim.Schema) string {
	for i := 0; i < len(got) || i < len(want); i++ {
		switch {
		case i == len(got):
			return fmt.Sprintf("entity %s is recorded but not in the replay", name(&want[i], sc))
		case i == len(want):
			return fmt.Sprintf("entity %s is in the replay but not recorded", name(&got[i], sc))
		}
		g, w := &got[i], &want[i]
		switch {
		case g.ID < w.ID:
			return fmt.Sprintf("entity %s is in the replay but not recorded", name(g, sc))
		case g.ID > w.ID:
			return fmt.Sprintf("entity %s is recorded but not in the replay", name(w, sc))
		case g.Kind != w.Kind || g.N != w.N:
			return fmt.Sprintf("entity %s is recorded as %s", name(g, sc), name(w, sc))
		}
		for f := range int(g.N) {
			if g.Fields[f] != w.Fields[f] {
				field := fmt.Sprintf("field %d", f)
				if int(g.Kind) < len(sc) && f < len(sc[g.Kind].Fields) {
					field = sc[g.Kind].Fields[f].Name
				}
				return fmt.Sprintf("entity %s: %s = %d in the replay, %d recorded", name(g, sc), field, g.Fields[f], w.Fields[f])
			}
		}
	}
	return ""
}

// name names an entity with its kind: "7 (player)".
func name(e *sim.Entity, sc sim.Schema) string {
	if int(e.Kind) < len(sc) {
		return fmt.Sprintf("%d (%s)", e.ID, sc[e.Kind].Name)
	}
	return fmt.Sprintf("%d (kind %d)", e.ID, e.Kind)
}
