package simnet_test

import (
	"testing"

	"github.com/swarmblocks/swarmblocks/internal/scaling"
	"github.com/swarmblocks/swarmblocks/internal/scaling/scalingtest"
)

// BenchmarkScaling measures the CPU time of growing a stable ring against
// its size and reports the fitted exponents (package internal/scaling,
// [scaling.ChordBuild]); SWARMBLOCKS_LONG=1 runs 10^3…10^5 nodes.
func BenchmarkScaling(b *testing.B) { scalingtest.Benchmark(b, scaling.ChordBuild) }
