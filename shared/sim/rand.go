package sim

// Rand is a small deterministic pseudo-random generator (SplitMix64) that lives inside a game's
// state, so that stepping the same state twice draws the same numbers. The zero value is usable.
type Rand struct {
	State uint64
}

// NewRand returns a generator seeded with seed.
func NewRand(seed uint64) Rand { return Rand{State: seed} }

// Uint64 returns the next pseudo-random number.
func (r *Rand) Uint64() uint64 {
	r.State += 0x9e3779b97f4a7c15
	z := r.State
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// Intn returns a number in [0, n). It panics if n <= 0.
func (r *Rand) Intn(n int32) int32 {
	if n <= 0 {
		panic("sim: Intn with n <= 0")
	}
	return int32(r.Uint64() % uint64(n))
}

// Range returns a number in [lo, hi].
func (r *Rand) Range(lo, hi int32) int32 { return lo + r.Intn(hi-lo+1) }
