//go:build race

package chord_test

// raceEnabled reports whether the race detector is on: it makes sync.Pool
// drop items at random, so allocation counts are not checked under it.
const raceEnabled = true
