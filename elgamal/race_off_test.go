//go:build !race

package elgamal

// raceEnabled reports whether the race detector is on; it adds allocations
// of its own, so allocation counts are checked only without it.
const raceEnabled = false
