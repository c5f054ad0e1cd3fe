package sim

// Compensated is implemented by a game with "hit" actions that are judged against what the acting
// player saw, not against the present (lag compensation). A player draws everyone else a little in
// the past (interpolated between snapshots), so without it a hit that looked certain on the
// player's screen misses on the server.
//
// Judge runs before the step of the tick an input is for, on the server for every player's input
// that carries a rewind (a client that draws no one in the past sends none, and is not judged) and
// in the client for its own predicted inputs, with the same seen table (see [Lerp] and [LerpAt];
// docs/PROTOCOL.md gives the rule), so the client predicts the outcome exactly. It must be pure,
// like Step.
type Compensated[S, I any] interface {
	// Judge decides what player p's input in hits, given seen: the entities as p drew them when it
	// made the input (rewound by at most the server's maximum rewind), sorted by id. It records the
	// outcome in *in (for example a target's id), for Step to apply; it must not change s.
	Judge(s *S, p PlayerID, in *I, seen []Entity)
}

// LerpOne is the fraction 1 in [Lerp]'s fixed point: f = LerpOne/4 is a quarter of the way.
const LerpOne = 256

// Lerp appends to dst the entities between tables a and b (both sorted by id) at f/[LerpOne] of
// the way from a to b, and returns dst. Fields that sc marks Interp move linearly, in integers, so
// that the server and the browser compute identical tables; every other field, and an entity that
// is in only one table, comes from the nearer table (a while f < LerpOne/2). f is clamped to
// [0, LerpOne].
func Lerp(dst, a, b []Entity, f int32, sc Schema) []Entity {
	f = Clamp(f, 0, LerpOne)
	nearB := f >= LerpOne/2
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || (i < len(a) && a[i].ID < b[j].ID):
			if !nearB {
				dst = append(dst, a[i])
			}
			i++
		case i == len(a) || b[j].ID < a[i].ID:
			if nearB {
				dst = append(dst, b[j])
			}
			j++
		default:
			ea, eb := &a[i], &b[j]
			i++
			j++
			e := *ea
			if nearB {
				e = *eb
			}
			if ea.Kind == eb.Kind && ea.N == eb.N && int(ea.Kind) < len(sc) {
				for k, fs := range sc[ea.Kind].Fields {
					if fs.Interp && k < int(ea.N) {
						d := int64(eb.Fields[k]) - int64(ea.Fields[k])
						e.Fields[k] = ea.Fields[k] + int32(d*int64(f)/LerpOne)
					}
				}
			}
			dst = append(dst, e)
		}
	}
	return dst
}

// LerpAt returns the fraction (in [LerpOne] units) that puts point, a time in 1/LerpOne ticks,
// between the snapshots of ticks ta < tb, clamped to [0, LerpOne]. Server and client both use it,
// so they interpolate a rewound view to the same table.
func LerpAt(ta, tb uint32, point int64) int32 {
	if tb <= ta {
		return 0
	}
	f := (point - int64(ta)*LerpOne) * LerpOne / (int64(tb-ta) * LerpOne)
	return int32(min(max(f, 0), LerpOne))
}
