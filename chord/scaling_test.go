package chord_test

import (
	"testing"

	"github.com/swarmblocks/swarmblocks/internal/scaling"
	"github.com/swarmblocks/swarmblocks/internal/scaling/scalingtest"
)

// BenchmarkScaling measures the CPU time of one lookup against the ring's
// size and reports the fitted exponents (package internal/scaling,
// [scaling.ChordLookup]); SWARMBLOCKS_LONG=1 runs 10^3…10^5 nodes.
func BenchmarkScaling(b *testing.B) { scalingtest.Benchmark(b, scaling.ChordLookup) }
