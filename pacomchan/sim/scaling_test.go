package sim_test

import (
	"testing"

	"github.com/swarmblocks/swarmblocks/internal/scaling"
	"github.com/swarmblocks/swarmblocks/internal/scaling/scalingtest"
)

// BenchmarkScaling measures the CPU time of the Fig. 10 growth simulation
// against the number of clients and reports the fitted exponents (package
// internal/scaling, [scaling.PacomGrowth]); SWARMBLOCKS_LONG=1 runs up to
// 32,768 clients.
func BenchmarkScaling(b *testing.B) { scalingtest.Benchmark(b, scaling.PacomGrowth) }
