//go:build race

package p2p

// raceEnabled slows the test rings' maintenance timers: the race detector
// makes every call several times slower, and 32 nodes refreshing fingers
// every 100 ms would starve the lookups under test on a 2-core machine.
const raceEnabled = true
