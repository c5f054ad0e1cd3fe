package sim

import "math/bits"

// Integer helpers for fixed-point simulations. Go's integer arithmetic is identical on every
// platform (division truncates toward zero), so code built on these is bit-identical on the server
// and in the browser.

// ISqrt returns the integer square root of x: the largest r with r*r <= x.
func ISqrt(x uint64) uint64 {
	if x < 2 {
		return x
	}
	// Newton's method from a power-of-two overestimate; converges in a few steps.
	r := uint64(1) << ((bits.Len64(x) + 1) / 2)
	y := (r + x/r) / 2
	for y < r {
		r = y
		y = (r + x/r) / 2
	}
	return r
}

// Clamp returns v limited to [lo, hi].
func Clamp(v, lo, hi int32) int32 {
	return min(max(v, lo), hi)
}

// Length returns the integer length of the vector (x, y).
func Length(x, y int32) int32 {
	return int32(ISqrt(uint64(int64(x)*int64(x) + int64(y)*int64(y))))
}

// ScaleTo returns (x, y) scaled to length l, or (0, 0) for a zero vector.
func ScaleTo(x, y, l int32) (int32, int32) {
	n := Length(x, y)
	if n == 0 {
		return 0, 0
	}
	return int32(int64(x) * int64(l) / int64(n)), int32(int64(y) * int64(l) / int64(n))
}
